import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from appui.core.communes import get_commune, validate_commune_code
from appui.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField, RowUidField

from .enums import (
    AgeBand,
    EmploymentStatus,
    FamilySituation,
    Gender,
    HousingStatus,
    Language,
    Relationship,
    SocialStatus,
)

if TYPE_CHECKING:
    from appui.accounts.models import Membership


def person_visibility(membership: "Membership", through: str = "") -> Q:
    """Return the condition a person meets when the member may reach it; ``through`` is the lookup from another
    model to the person (``"person__"``), so that every object linked to a person follows the same rule.

    The rule: the persons of the member's structure, nothing else; archived records (no activity for the
    retention period, anonymised ones included) are readable by the DPO only (docs/visibilite.md).
    """
    from appui.accounts.enums import Role

    condition = Q(**{f"{through}structure_id": membership.structure_id})
    if membership.role != Role.DPO:
        condition &= Q(**{f"{through}archived_at__isnull": True})
    return condition


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_by(self, membership: "Membership") -> "PersonQuerySet":
        """Return the persons the member may reach (``person_visibility``)."""
        return self.filter(person_visibility(membership))

    def named(self) -> "PersonQuerySet":
        return self.filter(is_anonymous=False)


class Person(models.Model):
    """A person accompanied by a structure ("personne accompagnée")."""

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="persons", verbose_name="structure"
    )
    file_number = models.CharField("numéro de dossier", max_length=20, editable=False)
    is_anonymous = models.BooleanField("fiche anonyme", default=False)

    # Identity
    last_name = models.CharField("nom", max_length=150, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    birth_name = models.CharField("nom de naissance", max_length=150, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        "année de naissance",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField("genre", max_length=10, choices=Gender.choices, blank=True)
    # Asked on the anonymous quick record; a named person's status follows from their employment situation.
    social_status = models.CharField("statut social", max_length=20, choices=SocialStatus.choices, blank=True)

    # Contact
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune_code = models.CharField("code commune INSEE", max_length=5, blank=True, validators=[validate_commune_code])
    languages = models.JSONField("langues parlées", default=list, blank=True)

    # Situation (not shown to the accueil role)
    # Encrypted at rest, like everything the person's situation says: social data, and obstacles may reveal health
    # or disability (RGPD art. 9). Statistics never read them (docs/statistiques.md, docs/chiffrement.md).
    row_uid = RowUidField()
    family_situation = EncryptedTextField(
        "situation familiale", max_length=20, choices=FamilySituation.choices, blank=True
    )
    housing_status = EncryptedTextField("logement", max_length=30, choices=HousingStatus.choices, blank=True)
    employment_status = EncryptedTextField(
        "situation professionnelle", max_length=30, choices=EmploymentStatus.choices, blank=True
    )
    obstacles = EncryptedJSONField("freins", default=list, blank=True)
    situation_details = EncryptedTextField("précisions sur la situation", blank=True)

    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="referred_persons", verbose_name="référents"
    )
    # RGPD art. 13-14: the person is told about the processing before the record exists.
    informed_at = models.DateField("informée du traitement de ses données le", null=True, blank=True)

    # Folded forms the search reads (see appui.people.search_index); erased with the identity on anonymisation.
    # On PostgreSQL each is also served by a pg_trgm GIN index created by migration 0007 (not declared here:
    # SQLite has no such index).
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    search_phone = models.CharField(max_length=30, blank=True, editable=False)
    search_email = models.CharField(max_length=254, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    last_activity_at = models.DateTimeField("dernière activité", null=True, blank=True, db_index=True)
    archived_at = models.DateTimeField("archivée le", null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    # Moved on by every write of the record: a form opened before is stale (appui.core.versions).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "file_number"], name="person_unique_file_number"),
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | Q(informed_at__isnull=False),
                name="person_named_requires_information",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | ~Q(last_name=""),
                name="person_named_requires_last_name",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "last_name", "first_name", "id"], name="person_list_order"),
            models.Index(fields=["structure", "birth_year"], name="person_birth_year"),
            models.Index(fields=["structure", "birth_date"], name="person_birth_date"),
            models.Index(fields=["structure", "search_phone"], name="person_phone_lookup"),
            models.Index(fields=["structure", "search_email"], name="person_email_lookup"),
        ]

    def __str__(self) -> str:
        if self.is_anonymous:
            return f"Personne anonyme n° {self.file_number}"
        return f"{self.first_name} {self.last_name.upper()}".strip()

    @property
    def commune(self) -> object:
        return get_commune(self.commune_code)

    @property
    def language_labels(self) -> list[str]:
        return [Language(code).label for code in self.languages if code in Language.values]

    def age(self, today: datetime.date | None = None) -> int | None:
        """Return the age in years, from the birth date, or approximately from the birth year."""
        today = today or datetime.date.today()
        if self.birth_date:
            bd = self.birth_date
            return today.year - bd.year - ((today.month, today.day) < (bd.month, bd.day))
        if self.birth_year:
            return today.year - self.birth_year
        return None


class PersonSearchToken(models.Model):
    """One prefix of one word of a person's names (normalised): the index behind the name search on SQLite.

    "Lefèvre Hélène" gives l, le, lef… lefevre and h, he… helene; a search word is then one indexed equality
    lookup instead of a scan of every name in the structure. PostgreSQL searches with pg_trgm indexes instead and
    keeps no rows here. Anonymisation deletes these rows.
    """

    MAX_PREFIX = 12

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    structure = models.ForeignKey("accounts.Structure", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=MAX_PREFIX)

    class Meta:
        verbose_name = "entrée de l'index de recherche"
        indexes = [models.Index(fields=["structure", "prefix", "person"], name="person_token_lookup")]

    def __str__(self) -> str:
        return self.prefix


class Household(models.Model):
    """The household ("foyer") of an accompanied person: the persons living with them."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="household")
    # Moved on when a member is added or removed (appui.core.versions).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        verbose_name = "foyer"

    def __str__(self) -> str:
        return f"Foyer de {self.person}"

    def members_by_age(self) -> list["HouseholdMember"]:
        """Return the members, oldest first (their birth dates are encrypted: sorted here, not in SQL)."""
        return sorted(self.members.all(), key=lambda member: (member.birth_date, member.pk))


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relationship = models.CharField("lien avec la personne", max_length=20, choices=Relationship.choices)
    # Names and birth dates of the persons living with the accompanied person: encrypted at rest.
    row_uid = RowUidField()
    first_name = EncryptedTextField("prénom", max_length=150)
    last_name = EncryptedTextField("nom", max_length=150, blank=True)
    birth_date = EncryptedDateField("date de naissance")
    is_dependent = models.BooleanField("à charge", default=False)

    class Meta:
        verbose_name = "membre du foyer"
        # The birth date is encrypted: the database cannot order on it (Household.members_by_age does, in Python).
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.get_relationship_display()})"


from .export_parts import AccessExportPart  # noqa: E402,F401
from .requests import RightsRequest  # noqa: E402,F401  (models registered with the people app)
from .retention import EliminationList  # noqa: E402,F401
