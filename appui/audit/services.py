"""The only writer of the audit log."""

import datetime
import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .chain import GENESIS, Break, event_hash, personal_digest, verify
from .models import AuditChainHead, AuditEvent


def audit_record(
    *,
    actor: Any,
    structure: Any,
    action: str,
    purpose: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event inside the caller's transaction (it must already be in one).

    The event commits or rolls back with the change it describes: there is no write without its trace.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the action it records.")
    # Lock the chain head: concurrent writers wait here, so each event links to the one before it.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        structure=structure,
        action=action,
        purpose=purpose,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        detail=json.loads(json.dumps(detail or {}, default=str)),
        created_at=timezone.now(),
        seq=head.seq + 1,
        prev_hash=head.hash,
    )
    event.personal_digest = personal_digest(object_id=event.object_id, person_id=person_id, detail=event.detail)
    event.hash = event_hash(
        seq=head.seq + 1,
        prev_hash=event.prev_hash,
        created_at=event.created_at.isoformat(),
        actor_id=event.actor_id,
        structure_id=event.structure_id,
        action=event.action,
        purpose=event.purpose,
        object_type=event.object_type,
        personal=event.personal_digest,
    )
    event.save()
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_verify() -> Break | None:
    """Check the whole chain; return the first break (or None when intact)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    rows = (
        {**row, "created_at": row["created_at"].isoformat()}
        for row in AuditEvent.objects.order_by("seq")
        .values(
            "id",
            "seq",
            "prev_hash",
            "hash",
            "personal_digest",
            "created_at",
            "actor_id",
            "structure_id",
            "action",
            "purpose",
            "object_type",
            "object_id",
            "person_id",
            "detail",
        )
        .iterator(chunk_size=2000)
    )
    return verify(rows, head.seq if head else 0, head.hash if head else GENESIS)


def audit_purge_personal_fields(*, older_than: datetime.datetime) -> int:
    """Erase person id, object id and detail of events older than ``older_than`` (CNIL: logs kept 6-12 months).

    The database triggers allow exactly this change and nothing else; the chain stays verifiable because it
    covers a digest of these fields, not the fields themselves.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = %s "
            "WHERE created_at < %s AND (person_id IS NOT NULL OR object_id <> '' OR detail <> %s)",
            ["{}", older_than, "{}"],
        )
        return cursor.rowcount
