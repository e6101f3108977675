"""Helpers for the audit tests: play a database owner, write events dated in the past."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from appui.audit.chain import GENESIS, link_hash
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.keys import audit_keyring
from appui.audit.models import AuditEvent
from appui.audit.services import audit_link_pending, seal_event

SQLITE_TRIGGERS = [
    "audit_auditevent_no_update",
    "audit_auditevent_no_delete",
    "audit_auditchainhead_forward_only",
    "audit_auditchainhead_no_delete",
    "audit_auditretention_grow_only",
    "audit_auditretention_no_delete",
]


class TriggersOff:
    """Let a test play the database owner, who can switch triggers off (the application's role cannot)."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Superuser-only switch that skips triggers for this session, as a database admin could.
                cursor.execute("SET session_replication_role = replica")
            else:
                for trigger in SQLITE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER {trigger}")
        return connection.cursor()

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")


def write_event(*, person, days_ago: float = 0, actor=None) -> AuditEvent:
    """Write one sealed read of ``person`` dated ``days_ago``, as the application would have then; leave it unlinked."""
    event = seal_event(
        actor=actor,
        structure=person.structure,
        action=AuditAction.PERSON_VIEW,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=person,
        person_id=person.pk,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    event.save()
    return event


def linked(*events: AuditEvent) -> list[AuditEvent]:
    """Link the events as the step run when their transaction commits would."""
    audit_link_pending(only=[e.pk for e in events])
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def verify_exit(capsys) -> tuple[int, str, str]:
    """Run ``verify_audit``; return its exit code, standard output and error output."""
    try:
        call_command("verify_audit")
    except SystemExit as exited:
        code = exited.code
    else:
        code = 0
    out = capsys.readouterr()
    return int(code or 0), out.out, out.err


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL seulement (SQLite sérialise toutes les écritures)"
)


def relink_with_the_key(cursor, rows) -> None:
    """Recompute every link from the first row on, as an insider holding the audit key could.

    ``rows`` are ``(id, key_id, mac)`` triples in the order the forged chain should have.
    """
    ring, previous = audit_keyring(), GENESIS
    for seq, (pk, key_id, mac) in enumerate(rows, start=1):
        digest = link_hash(ring, key_id=key_id, seq=seq, prev_hash=previous, mac=mac)
        cursor.execute(
            "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [-seq, previous, digest, pk],
        )
        previous = digest
    # Negative first, then positive: the unique seq column never sees two rows with the same number.
    cursor.execute("UPDATE audit_auditevent SET seq = -seq WHERE seq < 0")
    cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [len(rows), previous])
