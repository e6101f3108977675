from django.conf import settings
from django.db import models

from .enums import AuditAction, AuditPurpose


class ImmutableAuditError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise ImmutableAuditError("Les événements d'audit ne peuvent pas être modifiés.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditError("Les événements d'audit ne peuvent pas être supprimés.")

    def for_person(self, person_id: int) -> "AuditEventQuerySet":
        return self.filter(person_id=person_id)

    def consultations(self) -> "AuditEventQuerySet":
        return self.filter(action=AuditAction.PERSON_VIEW)


class AuditEvent(models.Model):
    """One thing that happened: who, in which structure, when (UTC), what, on which object and person, why.

    Append-only: the ORM refuses updates and deletes, and database triggers refuse raw SQL ones.
    Person and object are plain ids, not foreign keys, so that no cascade can ever touch the log.
    """

    # Hash chain (tamper evidence): each event carries the hash of the previous one. ``personal_digest``
    # covers the personal fields, so they can be purged after their retention period without breaking it.
    seq = models.BigIntegerField("numéro d'ordre", unique=True, null=True)
    prev_hash = models.CharField("empreinte précédente", max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64, blank=True)
    personal_digest = models.CharField("empreinte des données personnelles", max_length=64, blank=True)
    created_at = models.DateTimeField("date (UTC)", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="auteur"
    )
    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="structure"
    )
    action = models.CharField("action", max_length=40, choices=AuditAction.choices)
    object_type = models.CharField("type d'objet", max_length=60, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    person_id = models.BigIntegerField("personne", null=True, blank=True, db_index=True)
    purpose = models.CharField("finalité", max_length=30, choices=AuditPurpose.choices)
    detail = models.JSONField("détail", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'audit"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person_id", "created_at"], name="audit_person_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} par {self.actor_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None or not self.hash:
            raise ImmutableAuditError("Les événements d'audit ne peuvent pas être modifiés.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditError("Les événements d'audit ne peuvent pas être supprimés.")


class AuditChainHead(models.Model):
    """The last link of the hash chain: one row, locked by each writer so that links never fork."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "tête de la chaîne d'audit"

    def __str__(self) -> str:
        return f"Chaîne d'audit : {self.seq} événements"
