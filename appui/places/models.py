"""Places ("lieux") and the services they offer, as the national standards describe them.

A place is either one of a structure's own places (``structure`` set: where it receives people, also the place
chosen in an accompaniment) or a place of the directory, imported from open data (``structure`` empty). Its
fields follow the lieux de médiation numérique v1 standard; a data·inclusion structure fills the same fields,
and its services are ``PlaceService`` rows. See docs/annuaire.md.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from appui.core.communes import get_commune, validate_commune_code

from .enums import (
    AccessMode,
    Fee,
    LieuxService,
    Mobility,
    Programme,
    Public,
    SpecificSupport,
    SupportMode,
    TrainingLabel,
    typology_choices,
)

if TYPE_CHECKING:
    from appui.accounts.models import Membership


def display_phone(phone: str) -> str:
    """Return an E.164 French number as people write it: +33472000000 → 04 72 00 00 00."""
    if phone.startswith("+33") and len(phone) == 12:
        national = "0" + phone[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return phone


def _labels(enum: type[models.TextChoices], values: list[str]) -> list[str]:
    labels = dict(enum.choices)
    return [labels[value] for value in values if value in labels]


class PlaceQuerySet(models.QuerySet["Place"]):
    def open(self) -> "PlaceQuerySet":
        return self.filter(closed_at__isnull=True)

    def of_structure(self, structure_id: int) -> "PlaceQuerySet":
        """Return the places a structure describes as its own (also the places chosen in an accompaniment)."""
        return self.filter(structure_id=structure_id)

    def visible_by(self, membership: "Membership") -> "PlaceQuerySet":
        """Return the places the member may see: the directory, every published place of the Appui's structures,
        and all the places of the member's own structure (published or not)."""
        return self.filter(Q(structure__isnull=True) | Q(is_published=True) | Q(structure_id=membership.structure_id))

    def directory(self) -> "PlaceQuerySet":
        """Return the places shown to everyone: imported ones and the structures' published places."""
        return self.filter(Q(structure__isnull=True) | Q(is_published=True))


class Place(models.Model):
    """A place where people are received ("lieu"): one of a structure's own places, or one of the directory."""

    # Set for a structure's own places; empty for places imported into the directory from open data.
    structure = models.ForeignKey(
        "accounts.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="structure",
    )
    # An own place may stay internal to its structure (a home-visit round, a room without public reception).
    is_published = models.BooleanField("publié dans l'annuaire", default=True)
    name = models.CharField("nom", max_length=250)
    address = models.CharField("adresse", max_length=255, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune_name = models.CharField("commune", max_length=150, blank=True)
    commune_code = models.CharField("code commune INSEE", max_length=5, blank=True, validators=[validate_commune_code])
    # Derived from the commune code (COG), for the proximity search: never typed.
    departement = models.CharField("département", max_length=3, blank=True, editable=False)
    epci = models.CharField("intercommunalité (SIREN)", max_length=9, blank=True, editable=False)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    pivot = models.CharField("SIRET, RNA ou RIDET", max_length=14, blank=True)
    typologies = models.JSONField("typologie", default=list, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    emails = models.JSONField("courriels", default=list, blank=True)
    websites = models.JSONField("sites web", default=list, blank=True)
    opening_hours = models.CharField("horaires (format OpenStreetMap)", max_length=500, blank=True)
    # A 64-bit digest of ``opening_hours``: "open now" evaluates each distinct schedule once, then filters on it.
    hours_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    summary = models.CharField("présentation courte", max_length=280, blank=True)
    description = models.TextField("présentation détaillée", blank=True)
    collected_by = models.CharField("structure collectant la donnée", max_length=200, blank=True)
    parent_organisation = models.CharField("structure parente", max_length=250, blank=True)
    mobility = models.JSONField("itinérance", default=list, blank=True)
    updated_on = models.DateField("date de mise à jour (source)", null=True, blank=True)
    services = models.JSONField("services", default=list, blank=True)
    publics = models.JSONField("publics spécifiquement adressés", default=list, blank=True)
    specific_supports = models.JSONField("prise en charge spécifique", default=list, blank=True)
    fees = models.JSONField("frais à charge", default=list, blank=True)
    programmes = models.JSONField("dispositifs et programmes nationaux", default=list, blank=True)
    training_labels = models.JSONField("formations et labels", default=list, blank=True)
    other_labels = models.JSONField("autres formations et labels", default=list, blank=True)
    access_modes = models.JSONField("modalités d'accès", default=list, blank=True)
    support_modes = models.JSONField("modalités d'accompagnement", default=list, blank=True)
    accessibility_url = models.URLField("fiche Acceslibre", max_length=500, blank=True)
    appointment_url = models.URLField("prise de rendez-vous en ligne", max_length=500, blank=True)
    networks = models.JSONField("réseaux porteurs (data·inclusion)", default=list, blank=True)
    source_url = models.URLField("page du lieu chez le producteur", max_length=500, blank=True)
    # Values of the published file that fit no field of the standard, kept as they were (never silently lost).
    unparsed = models.JSONField("valeurs non reconnues du fichier source", default=dict, blank=True)
    # Imported places keep the publisher's source name and identifier, so a re-import updates them.
    source = models.CharField("source", max_length=100)
    source_id = models.CharField("identifiant à la source", max_length=200)
    # Search helpers, derived from the fields above by ``appui.places.indexing``.
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    facets = models.TextField(blank=True, editable=False)
    seen_at = models.DateTimeField("vu au dernier import le", null=True, blank=True)
    closed_at = models.DateTimeField("fermé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="place_unique_source_id"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="place_longitude_range",
            ),
        ]
        indexes = [
            models.Index(fields=["commune_code"], name="place_commune"),
            models.Index(fields=["departement", "name"], name="place_departement"),
            models.Index(fields=["epci"], name="place_epci"),
            models.Index(fields=["hours_digest"], name="place_hours"),
            models.Index(fields=["source", "seen_at"], name="place_source_seen"),
            # The directory's rings, counts and nearness order read only this index on PostgreSQL (index-only
            # scans once vacuumed); the page's 20 places are then read by id.
            models.Index(
                fields=["departement", "commune_code", "epci"],
                include=["id", "latitude", "longitude", "name", "structure_id", "is_published"],
                condition=Q(closed_at__isnull=True),
                name="place_open_area",
            ),
            # Searches across France list places by name: walk the names in order, test the words in the index,
            # and stop after a page (rare words go through the trigram index instead, on PostgreSQL).
            models.Index(
                fields=["name", "id"],
                include=["search_text", "structure_id", "is_published"],
                condition=Q(closed_at__isnull=True),
                name="place_open_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def commune(self) -> object:
        return get_commune(self.commune_code)

    @property
    def is_own(self) -> bool:
        return self.structure_id is not None

    @property
    def is_open_place(self) -> bool:
        return self.closed_at is None

    @property
    def display_pivot(self) -> str:
        from .enums import UNKNOWN_PIVOT

        return "" if self.pivot == UNKNOWN_PIVOT else self.pivot

    @property
    def service_labels(self) -> list[str]:
        return _labels(LieuxService, self.services)

    @property
    def public_labels(self) -> list[str]:
        return _labels(Public, self.publics)

    @property
    def specific_support_labels(self) -> list[str]:
        return _labels(SpecificSupport, self.specific_supports)

    @property
    def fee_labels(self) -> list[str]:
        return _labels(Fee, self.fees)

    @property
    def programme_labels(self) -> list[str]:
        return _labels(Programme, self.programmes)

    @property
    def training_label_labels(self) -> list[str]:
        return _labels(TrainingLabel, self.training_labels)

    @property
    def access_mode_labels(self) -> list[str]:
        return _labels(AccessMode, self.access_modes)

    @property
    def support_mode_labels(self) -> list[str]:
        return _labels(SupportMode, self.support_modes)

    @property
    def mobility_labels(self) -> list[str]:
        return _labels(Mobility, self.mobility)

    @property
    def typology_labels(self) -> list[str]:
        labels = dict(typology_choices())
        return [labels.get(code, code) for code in self.typologies]

    @property
    def display_phone(self) -> str:
        return display_phone(self.phone)

    @property
    def full_address(self) -> str:
        parts = [self.address, self.address_complement, f"{self.postal_code} {self.commune_name}".strip()]
        return ", ".join(part for part in parts if part)


class PlaceServiceQuerySet(models.QuerySet["PlaceService"]):
    def open(self) -> "PlaceServiceQuerySet":
        return self.filter(closed_at__isnull=True)


class PlaceService(models.Model):
    """A service offered at a place, in the words of data·inclusion v1 (« service »)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="offered_services", verbose_name="lieu")
    source_id = models.CharField("identifiant à la source", max_length=200)
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    type = models.CharField("type de service", max_length=30, blank=True)
    thematiques = models.JSONField("thématiques", default=list, blank=True)
    fees = models.CharField("frais", max_length=20, blank=True)
    fees_details = models.TextField("précisions sur les frais", blank=True)
    publics = models.JSONField("publics", default=list, blank=True)
    publics_details = models.TextField("précisions sur les publics", blank=True)
    access_conditions = models.TextField("conditions d'accès", blank=True)
    reception_modes = models.JSONField("modes d'accueil", default=list, blank=True)
    mobilisation_modes = models.JSONField("modes de mobilisation", default=list, blank=True)
    mobilisable_by = models.JSONField("mobilisable par", default=list, blank=True)
    mobilisation_details = models.TextField("précisions sur la mobilisation", blank=True)
    mobilisation_url = models.URLField("lien de mobilisation", max_length=500, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    contact_name = models.CharField("contact", max_length=150, blank=True)
    opening_hours = models.CharField("horaires d'accueil (format OpenStreetMap)", max_length=500, blank=True)
    eligibility_zone = models.JSONField("zone d'éligibilité", default=list, blank=True)
    weekly_hours = models.FloatField("volume horaire hebdomadaire", null=True, blank=True)
    weeks = models.PositiveIntegerField("nombre de semaines", null=True, blank=True)
    source_url = models.URLField("page du service chez le producteur", max_length=500, blank=True)
    updated_on = models.DateField("date de mise à jour (source)", null=True, blank=True)
    # Address of the service when it differs from the place's (data·inclusion lets a service have its own).
    location = models.JSONField("adresse propre au service", default=dict, blank=True)
    unparsed = models.JSONField("valeurs non reconnues du fichier source", default=dict, blank=True)
    seen_at = models.DateTimeField("vu au dernier import le", null=True, blank=True)
    closed_at = models.DateTimeField("fermé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PlaceServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service d'un lieu"
        verbose_name_plural = "services des lieux"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["place", "source_id"], name="place_service_unique_source_id"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def thematique_labels(self) -> list[str]:
        from data_inclusion.schema.v1 import Thematique

        labels = {member.value: member.label for member in Thematique}
        return [labels.get(value, value) for value in self.thematiques]

    @property
    def public_labels(self) -> list[str]:
        from data_inclusion.schema.v1 import Public as InclusionPublic

        labels = {member.value: member.label for member in InclusionPublic}
        return [labels.get(value, value) for value in self.publics]

    @property
    def mobilisation_mode_labels(self) -> list[str]:
        from data_inclusion.schema.v1 import ModeMobilisation

        labels = {member.value: member.label for member in ModeMobilisation}
        return [labels.get(value, value) for value in self.mobilisation_modes]

    @property
    def fee_label(self) -> str:
        from data_inclusion.schema.v1 import Frais

        return {member.value: member.label for member in Frais}.get(self.fees, self.fees)


class PlaceSourceQuerySet(models.QuerySet["PlaceSource"]):
    def importable_by(self, membership: "Membership") -> "PlaceSourceQuerySet":
        """Return the sources a structure manager may re-import: those first imported by their structure."""
        return self.filter(structure_id=membership.structure_id)


class PlaceSource(models.Model):
    """A publisher's file imported into the directory, re-imported under the same name to update it."""

    name = models.CharField("nom de la source", max_length=100, unique=True)
    # The structure whose manager first imported it from the web; empty for imports from the command line.
    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = PlaceSourceQuerySet.as_manager()

    class Meta:
        verbose_name = "source de lieux"
        verbose_name_plural = "sources de lieux"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceImport(models.Model):
    """The report of one import: counts, repairs, and every rejected row with its line and reasons."""

    source = models.ForeignKey(PlaceSource, on_delete=models.PROTECT, related_name="imports")
    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField("fichier", max_length=255)
    format = models.CharField("format", max_length=20)
    started_at = models.DateTimeField("commencé le")
    duration_seconds = models.FloatField("durée (secondes)", default=0)
    total = models.PositiveIntegerField("lignes lues", default=0)
    accepted = models.PositiveIntegerField("lignes importées", default=0)
    created = models.PositiveIntegerField("lieux créés", default=0)
    updated = models.PositiveIntegerField("lieux mis à jour", default=0)
    repaired = models.PositiveIntegerField("lignes réparées", default=0)
    rejected = models.PositiveIntegerField("lignes rejetées", default=0)
    closed = models.PositiveIntegerField("lieux fermés (absents du fichier)", default=0)
    services = models.PositiveIntegerField("services importés", default=0)
    repairs: Any = models.JSONField("réparations par nature", default=dict, blank=True)
    notes: Any = models.JSONField("conversions et remarques", default=dict, blank=True)
    rejects: Any = models.JSONField("lignes rejetées et leurs raisons", default=list, blank=True)
    warnings: Any = models.JSONField("valeurs mises de côté", default=list, blank=True)

    class Meta:
        verbose_name = "import de lieux"
        verbose_name_plural = "imports de lieux"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.source} du {self.started_at:%d/%m/%Y %H:%M}"
