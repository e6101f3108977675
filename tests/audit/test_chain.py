"""Tamper evidence: verify_audit exits 0 on an intact chain and names the first broken event."""

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from appui.audit.chain import GENESIS
from appui.audit.models import AuditEvent
from appui.audit.services import audit_purge_personal_fields, audit_verify
from tests.people.factories import PersonFactory


@pytest.fixture
def events(structure, member_of, client_for):
    """Ten chained events: person reads and writes through the app."""
    client = client_for(member_of(structure))
    person = PersonFactory(structure=structure)
    for _ in range(10):
        client.get(reverse("web:person_detail", args=[person.pk]))
    return list(AuditEvent.objects.order_by("seq"))


class TriggersOff:
    """Let a test play the attacker with direct database access (the app's connection cannot do this)."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Superuser-only switch that skips triggers for this session, as a database admin could.
                cursor.execute("SET session_replication_role = replica")
            else:
                cursor.execute("DROP TRIGGER audit_auditevent_no_update")
                cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
        return connection.cursor()

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")


def _verify_exit(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit")
    return exited.value.code, capsys.readouterr().err


@pytest.mark.django_db
def test_an_intact_chain_verifies(events, capsys):
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    call_command("verify_audit")  # no SystemExit: exit code 0
    assert "intact (10 événements)" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_modified_event_is_named(events, capsys):
    target = events[4]
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'statistiques' WHERE id = %s", [target.pk])
    code, err = _verify_exit(capsys)
    assert code == 1 and f"événement n° {target.seq} (id {target.pk})" in err and "modifié" in err


@pytest.mark.django_db
def test_a_modified_personal_field_is_named(events, capsys):
    target = events[2]
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET person_id = person_id + 1000 WHERE id = %s", [target.pk])
    code, err = _verify_exit(capsys)
    assert code == 1 and f"événement n° {target.seq}" in err and "personnelles" in err


@pytest.mark.django_db
def test_a_deleted_event_is_detected_at_the_next_one(events, capsys):
    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[6].pk])
    code, err = _verify_exit(capsys)
    assert code == 1 and f"événement n° {events[7].seq}" in err and "supprimé" in err


@pytest.mark.django_db
def test_deleting_the_last_events_is_detected(events, capsys):
    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [events[7].seq])
    code, err = _verify_exit(capsys)
    assert code == 1 and "derniers événements supprimés" in err


@pytest.mark.django_db
def test_an_inserted_event_is_detected(events, capsys):
    forged = events[3]
    with TriggersOff() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, prev_hash, hash, personal_digest, created_at, action, purpose, "
            "object_type, object_id, detail, actor_id, structure_id, person_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, NULL, NULL, NULL)",
            [
                events[-1].seq + 1,
                "f" * 64,
                "e" * 64,
                forged.personal_digest,
                timezone.now(),
                "person.view",
                "accompagnement",
                "{}",
            ],
        )
    code, err = _verify_exit(capsys)
    assert code == 1 and f"événement n° {events[-1].seq + 1}" in err


@pytest.mark.django_db
def test_purging_personal_fields_keeps_the_chain_valid(events):
    # Frozen clock: "now" is 13 months later, so every event is past the 12-month retention.
    later = timezone.now() + datetime.timedelta(days=400)
    assert audit_purge_personal_fields(older_than=later - datetime.timedelta(days=365)) == len(events)
    assert not AuditEvent.objects.filter(person_id__isnull=False).exists()
    assert set(AuditEvent.objects.values_list("object_id", flat=True)) == {""}
    assert audit_verify() is None
    assert AuditEvent.objects.filter(action="person.view").count() == 10  # facts kept


@pytest.mark.django_db
def test_purge_leaves_recent_events_alone(events):
    assert audit_purge_personal_fields(older_than=timezone.now() - datetime.timedelta(days=365)) == 0
    assert AuditEvent.objects.filter(person_id__isnull=False).count() == len(events)


@pytest.mark.django_db
def test_the_trigger_allows_erasing_personal_fields_only(events):
    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = '{}', action = 'export'"
            )
    assert not AuditEvent.objects.filter(action="export").exists()
