import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appui.core.fields import EncryptedBinaryField, EncryptedTextField, RowUidField

from .enums import EXTENSIONS, MAX_BYTES, REMINDER_DAYS, DocumentFormat, DocumentKind


class DocumentQuerySet(models.QuerySet["Document"]):
    def for_person(self, person_id: int) -> "DocumentQuerySet":
        return self.filter(person_id=person_id)

    def without_content(self) -> "DocumentQuerySet":
        """Leave the (encrypted, up to 10 MB) content in the database: lists only need the metadata."""
        return self.defer("content")

    def expiring_by(self, limit: datetime.date) -> "DocumentQuerySet":
        """Return documents whose validity ends on or before ``limit`` (already expired ones included)."""
        return self.filter(expires_on__isnull=False, expires_on__lte=limit)


class Document(models.Model):
    """A paper of an accompanied person, kept in the structure's vault.

    The content is encrypted at rest in the database (so backups and key rotation cover it) and leaves it only
    through the authorised download view, as an attachment named ``document-<id>.<ext>``. The name the file had
    on the uploader's device is kept encrypted, for display only.
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="documents")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type de document", max_length=30, choices=DocumentKind.choices)
    row_uid = RowUidField()
    description = EncryptedTextField("précision", blank=True)
    original_name = EncryptedTextField("nom du fichier déposé", blank=True)
    content = EncryptedBinaryField("contenu")
    content_type = models.CharField("format", max_length=30, choices=DocumentFormat.choices)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256 du contenu", max_length=64)
    expires_on = models.DateField("fin de validité", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            models.CheckConstraint(
                condition=Q(content_type__in=DocumentFormat.values), name="document_content_type_valid"
            ),
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=MAX_BYTES), name="document_size_limit"),
        ]
        indexes = [models.Index(fields=["structure", "expires_on"], name="document_expiry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"

    @property
    def filename(self) -> str:
        """Return the generated download name: never the uploaded name, which may hold anything."""
        return f"document-{self.pk}.{EXTENSIONS[DocumentFormat(self.content_type)]}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def expires_soon(self) -> bool:
        """Return whether the validity ends within the reminder period (and has not ended yet)."""
        limit = timezone.localdate() + datetime.timedelta(days=REMINDER_DAYS)
        return self.expires_on is not None and not self.is_expired and self.expires_on <= limit
