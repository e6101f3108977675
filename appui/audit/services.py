"""The only writer of the audit log."""

from typing import Any

from django.db import models, transaction

from .models import AuditEvent


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
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        structure=structure,
        action=action,
        purpose=purpose,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        detail=detail or {},
    )
