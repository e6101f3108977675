import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from appui.core.fields import EncryptedTextField

from .enums import Autonomy, Kind, Mode, OnlineService, Place, Theme

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class AccompanimentQuerySet(models.QuerySet["Accompaniment"]):
    def visible_by(self, membership: "Membership") -> "AccompanimentQuerySet":
        """Return the accompaniments of the member's structure, nothing else (archived persons: DPO only)."""
        from appui.accounts.enums import Role

        queryset = self.filter(structure_id=membership.structure_id)
        if membership.role != Role.DPO:
            queryset = queryset.filter(person__archived_at__isnull=True)
        return queryset

    def for_person(self, person_id: int) -> "AccompanimentQuerySet":
        return self.filter(person_id=person_id)

    def on_day(self, day: datetime.date) -> "AccompanimentQuerySet":
        return self.filter(date=day)

    def follow_ups_due(self, by: datetime.date) -> "AccompanimentQuerySet":
        return self.filter(follow_up_date__isnull=False, follow_up_date__lte=by, follow_up_done=False)


class Accompaniment(models.Model):
    """One help given to a person ("accompagnement"): what, how, for how long, with what result."""

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="accompaniments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="accompaniments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accompaniments")
    date = models.DateField("date", db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    place = models.CharField("lieu", max_length=20, choices=Place.choices)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    participants = models.PositiveSmallIntegerField(
        "nombre de participants", default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    themes = models.JSONField("thématiques", default=list)
    online_services = models.JSONField("services en ligne concernés", default=list, blank=True)
    mode = models.CharField("réalisation", max_length=20, choices=Mode.choices)
    autonomy = models.CharField("autonomie observée", max_length=30, choices=Autonomy.choices, blank=True)
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
        ]
        indexes = [
            models.Index(fields=["structure", "date"], name="accompaniment_structure_date"),
            models.Index(fields=["structure", "follow_up_date"], name="accompaniment_follow_up"),
        ]

    def __str__(self) -> str:
        return f"Accompagnement du {self.date:%d/%m/%Y}"

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(code).label for code in self.themes if code in Theme.values]

    @property
    def online_service_labels(self) -> list[str]:
        return [OnlineService(code).label for code in self.online_services if code in OnlineService.values]
