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

    Append-only: the ORM refuses updates and deletes, and database triggers refuse raw SQL ones, except the two
    changes the design needs: linking an event once into the chain, and erasing its personal fields after the
    retention period. See ``chain.py`` and docs/audit.md.
    Person and object are plain ids, not foreign keys, so that no cascade can ever touch the log.
    """

    # Sealed when written (keyed digests, see chain.py): ``mac`` covers the event, ``personal_digest`` its
    # personal fields, so that these can be erased after their retention period without breaking the seal.
    uid = models.UUIDField("identifiant unique", unique=True)
    key_id = models.CharField("clé de scellement", max_length=32)
    mac = models.CharField("sceau", max_length=64)
    personal_digest = models.CharField("empreinte des données personnelles", max_length=64)
    # Linked after commit, in commit order: empty until then.
    seq = models.BigIntegerField("numéro d'ordre", unique=True, null=True, blank=True)
    prev_hash = models.CharField("empreinte précédente", max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64, blank=True)
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
        indexes = [
            models.Index(fields=["person_id", "created_at"], name="audit_person_time"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unlinked"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} par {self.actor_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None or not self.mac:
            raise ImmutableAuditError("Les événements d'audit ne peuvent pas être modifiés.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditError("Les événements d'audit ne peuvent pas être supprimés.")


class AuditChainHead(models.Model):
    """The last link of the chain: one row, locked for a moment by the linking step so that links never fork.

    Requests never take this lock: they write their events unlinked (see ``services.audit_record``).
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "tête de la chaîne d'audit"

    def __str__(self) -> str:
        return f"Chaîne d'audit : {self.seq} événements"


class AuditRetention(models.Model):
    """How long audit events keep their personal fields: one row, read by the database triggers.

    The triggers let the application lengthen it, never shorten it, and refuse to erase the personal fields of
    a younger event. Shortening it is a decision for the database owner (docs/audit.md).
    """

    personal_days = models.PositiveIntegerField("conservation des données personnelles (jours)")

    class Meta:
        verbose_name = "durée de conservation du journal d'audit"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="audit_retention_single_row"),
            models.CheckConstraint(condition=models.Q(personal_days__gte=1), name="audit_retention_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.personal_days} jours"
