import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appui.core.fields import EncryptedBinaryField, EncryptedTextField, RowUidField

from .enums import MandateDuration, MandateStatus

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class MandateQuerySet(models.QuerySet["Mandate"]):
    def visible_by(self, membership: "Membership") -> "MandateQuerySet":
        """Return the mandates of the member's structure whose person the member may see."""
        from appui.people.models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def for_person(self, person_id: int) -> "MandateQuerySet":
        return self.filter(person_id=person_id)

    def current(self, at: datetime.datetime | None = None) -> "MandateQuerySet":
        """Return mandates neither expired nor wholly revoked at ``at`` (default: now)."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, expires_at__gt=at, revoked_at__isnull=True)

    def expiring_before(self, limit: datetime.datetime) -> "MandateQuerySet":
        return self.current().filter(expires_at__lte=limit)


class Mandate(models.Model):
    """The person authorises the structure to do chosen categories of online procedures in their place.

    Created in person, for a fixed duration; revocable per category or whole. Appui never stores the
    person's passwords or online-account credentials: the mandate only records the authorisation.
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="mandates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="mandates")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField("catégories de démarches")
    duration = models.CharField("durée", max_length=4, choices=MandateDuration.choices)
    starts_at = models.DateTimeField("début")
    expires_at = models.DateTimeField("fin")
    consent_version = models.CharField("version du texte de consentement", max_length=20)
    row_uid = RowUidField()
    consent_text = EncryptedTextField("texte lu et accepté")
    content_hash = models.CharField("empreinte du mandat (SHA-256)", max_length=64)
    attestation_pdf = EncryptedBinaryField("attestation PDF")
    attestation_sha256 = models.CharField("empreinte de l'attestation PDF", max_length=64)
    revoked_categories = models.JSONField("catégories révoquées", default=list, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("starts_at")), name="mandate_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Mandat n° {self.pk} du {timezone.localtime(self.starts_at):%d/%m/%Y}"

    def get_status_display(self) -> str:
        return MandateStatus(self.status()).label

    def status(self, at: datetime.datetime | None = None) -> str:
        at = at or timezone.now()
        if self.revoked_at is not None and self.revoked_at <= at:
            return MandateStatus.REVOKED
        if self.expires_at <= at:
            return MandateStatus.EXPIRED
        return MandateStatus.ACTIVE

    def active_categories(self, at: datetime.datetime | None = None) -> list[str]:
        """Return the categories the mandate covers at ``at``: none once expired or revoked."""
        at = at or timezone.now()
        if self.status(at) != MandateStatus.ACTIVE or self.starts_at > at:
            return []
        return [c for c in self.categories if c not in self.revoked_categories]

    def covers(self, categories: set[str], at: datetime.datetime | None = None) -> bool:
        """Return whether the mandate covers every one of ``categories`` at ``at``."""
        return bool(categories) and categories <= set(self.active_categories(at))


class MandateRevocation(models.Model):
    """The withdrawal of some or all categories, with its own attestation."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="revocations")
    categories = models.JSONField("catégories révoquées")
    whole = models.BooleanField("révocation totale", default=False)
    row_uid = RowUidField()
    reason = EncryptedTextField("motif", max_length=255, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("date")
    attestation_pdf = EncryptedBinaryField("attestation de révocation PDF")
    attestation_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "révocation de mandat"
        ordering = ["-revoked_at", "-id"]

    def __str__(self) -> str:
        return f"Révocation du {timezone.localtime(self.revoked_at):%d/%m/%Y}"


class MandateUse(models.Model):
    """One procedure done in the person's place under a mandate (journal, shown in the person's export)."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="uses")
    accompaniment = models.OneToOneField(
        "accompaniments.Accompaniment", on_delete=models.CASCADE, related_name="mandate_use"
    )
    categories = models.JSONField("catégories")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField("date")

    class Meta:
        verbose_name = "utilisation d'un mandat"
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"Utilisation du {timezone.localtime(self.used_at):%d/%m/%Y}"
