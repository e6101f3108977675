import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from appui.core.communes import validate_commune_code
from appui.core.fields import EncryptedTextField, RowUidField
from appui.people.enums import AgeBand, Gender, SocialStatus

from .enums import (
    Autonomy,
    Equipment,
    Kind,
    Mode,
    OnlineService,
    PlaceKind,
    ProcedureStatus,
    ReferralTarget,
    RemoteChannel,
    Theme,
    WorkshopLevel,
)

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class AccompanimentQuerySet(models.QuerySet["Accompaniment"]):
    def visible_by(self, membership: "Membership") -> "AccompanimentQuerySet":
        """Return the accompaniments of the member's structure, nothing else (archived persons: DPO only).

        A collective workshop belongs to no single person: it stays visible; its participants are listed
        through ``participants_visible_by``, which applies the same rule to each of them.
        """
        from appui.people.models import person_visibility

        return self.filter(
            Q(person__isnull=True) | person_visibility(membership, "person__"), structure_id=membership.structure_id
        )

    def for_person(self, person_id: int) -> "AccompanimentQuerySet":
        """Return the activities the person took part in: their own accompaniments and the workshops."""
        return self.filter(pk__in=Participation.objects.filter(person_id=person_id).values("accompaniment_id"))

    def on_day(self, day: datetime.date) -> "AccompanimentQuerySet":
        return self.filter(date=day)

    def follow_ups_due(self, by: datetime.date) -> "AccompanimentQuerySet":
        return self.filter(follow_up_date__isnull=False, follow_up_date__lte=by, follow_up_done=False)


class Accompaniment(models.Model):
    """One activity ("activité" of the CRA): an accompaniment of one person, or a collective workshop.

    An individual accompaniment has its ``person``; a workshop has none, and its beneficiaries are its
    participations. Every activity has one participation per beneficiary (``participants`` counts them).
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="accompaniments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="accompaniments", null=True, blank=True
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accompaniments")
    date = models.DateField("date", db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    place_kind = models.CharField("type de lieu", max_length=20, choices=PlaceKind.choices, default=PlaceKind.OWN_PLACE)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniments",
        verbose_name="lieu de la structure",
    )
    # The commune of a home visit or of another place; the commune of a structure's place is the place's.
    place_commune_code = models.CharField(
        "commune du lieu", max_length=5, blank=True, validators=[validate_commune_code]
    )
    remote_channel = models.CharField("canal à distance", max_length=20, choices=RemoteChannel.choices, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    participants = models.PositiveSmallIntegerField(
        "nombre de participants", default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    workshop_title = models.CharField("titre de l'atelier", max_length=200, blank=True)
    workshop_level = models.CharField("niveau de l'atelier", max_length=20, choices=WorkshopLevel.choices, blank=True)
    equipment = models.JSONField("matériel utilisé", default=list, blank=True)
    themes = models.JSONField("thématiques", default=list)
    online_services = models.JSONField("services en ligne concernés", default=list, blank=True)
    mode = models.CharField("réalisation", max_length=20, choices=Mode.choices)
    autonomy = models.CharField("autonomie observée", max_length=30, choices=Autonomy.choices, blank=True)
    procedure_status = models.CharField(
        "état de la démarche", max_length=20, choices=ProcedureStatus.choices, blank=True
    )
    referred_to = models.CharField("orienté vers", max_length=40, choices=ReferralTarget.choices, blank=True)
    row_uid = RowUidField()
    outcome = EncryptedTextField("résultat", blank=True)
    next_step = EncryptedTextField("suite à donner", blank=True)
    follow_up_date = models.DateField("date de suivi", null=True, blank=True)
    follow_up_done = models.BooleanField("suivi fait", default=False)
    notes = EncryptedTextField("notes", blank=True)
    # Notes written under professional secrecy are shared only with members also bound by it (CASF L.121-6-2).
    notes_under_secrecy = models.BooleanField("notes couvertes par le secret professionnel", default=False)
    private_note = EncryptedTextField("note privée (visible par vous seul·e)", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Moved on by every write of the activity: a form opened before is stale (appui.core.versions).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = AccompanimentQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="collectif") | Q(participants=1),
                name="accompaniment_individual_has_one_participant",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="accompaniment_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="collectif") | Q(person__isnull=False),
                name="accompaniment_individual_has_person",
            ),
            models.CheckConstraint(
                condition=~Q(place_kind="lieu_activite") | Q(place__isnull=False),
                name="accompaniment_own_place_named",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "date"], name="accompaniment_structure_date"),
            models.Index(fields=["structure", "follow_up_date"], name="accompaniment_follow_up"),
            models.Index(fields=["structure", "author", "date"], name="accompaniment_author_date"),
        ]

    def __str__(self) -> str:
        if self.kind == Kind.COLLECTIVE:
            return f"Atelier du {self.date:%d/%m/%Y}" + (f" « {self.workshop_title} »" if self.workshop_title else "")
        return f"Accompagnement du {self.date:%d/%m/%Y}"

    @property
    def is_workshop(self) -> bool:
        return self.kind == Kind.COLLECTIVE

    @property
    def place_label(self) -> str:
        """Return where the activity took place, in words."""
        if self.place_kind == PlaceKind.OWN_PLACE and self.place is not None:
            return self.place.name
        if self.place_kind == PlaceKind.REMOTE and self.remote_channel:
            return f"À distance ({self.get_remote_channel_display().lower()})"
        return self.get_place_kind_display()

    @property
    def equipment_labels(self) -> list[str]:
        return [Equipment(code).label for code in self.equipment if code in Equipment.values]

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(code).label for code in self.themes if code in Theme.values]

    @property
    def online_service_labels(self) -> list[str]:
        return [OnlineService(code).label for code in self.online_services if code in OnlineService.values]


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def followed(self) -> "ParticipationQuerySet":
        return self.filter(person__isnull=False)


class Participation(models.Model):
    """One beneficiary of one activity (the CRA's "accompagnement"), with the coarse categories statistics count.

    The categories are a snapshot taken when the activity is recorded, as the CRA does: statistics group by
    them, never by the person's record (whose situation fields are encrypted). ``person`` is empty for the
    anonymous participants of a workshop, counted by category only.
    """

    accompaniment = models.ForeignKey(Accompaniment, on_delete=models.CASCADE, related_name="participations")
    # The activity's structure and date, copied so that counting beneficiaries needs no join.
    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="participations"
    )
    # A named person's record ("bénéficiaire suivi"); false for anonymous records and anonymous participants.
    followed = models.BooleanField("bénéficiaire suivi", default=False)
    gender = models.CharField("genre", max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices, blank=True)
    social_status = models.CharField("statut social", max_length=20, choices=SocialStatus.choices, blank=True)
    commune_code = models.CharField("commune de résidence", max_length=5, blank=True)
    # The person's first activity in the structure ("premier accompagnement"): new versus returning persons.
    is_first = models.BooleanField("premier accompagnement", default=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = "participation"
        ordering = ["accompaniment_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompaniment", "person"],
                condition=Q(person__isnull=False),
                name="participation_unique_person",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "accompaniment"], name="participation_person"),
            # Covers the count of beneficiaries of a period (PostgreSQL reads the index alone).
            models.Index(
                fields=["structure", "date"],
                include=["person", "followed", "gender", "age_band", "social_status", "commune_code", "is_first"],
                name="participation_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Participation à l'activité n° {self.accompaniment_id}"
