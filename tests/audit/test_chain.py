"""Tamper evidence: verify_audit exits 0 on an intact journal and names what a database owner changed.

Each attack is played with the triggers off (``TriggersOff``), as the database owner could, and without the
audit key, which lives outside the database.
"""

import json
import uuid

import pytest
from django.urls import reverse

from appui.audit.chain import GENESIS
from appui.audit.models import AuditChainHead, AuditEvent
from tests.people.factories import PersonFactory

from .support import TriggersOff, verify_exit, write_event


@pytest.fixture
def events(structure, member_of, client_for, django_capture_on_commit_callbacks):
    """Ten person reads through the app, linked by the step that runs when each request commits."""
    client = client_for(member_of(structure))
    person = PersonFactory(structure=structure)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 200
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.django_db
def test_events_are_linked_when_their_transaction_commits_and_the_journal_verifies(events, capsys):
    assert [e.seq for e in events] == list(range(1, 11))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (10, events[-1].hash)
    code, out, _ = verify_exit(capsys)
    assert code == 0 and "intact (10 événements" in out


@pytest.mark.django_db
def test_a_modified_event_is_named(events, capsys):
    target = events[4]
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'statistiques' WHERE id = %s", [target.pk])
    code, _, err = verify_exit(capsys)
    assert code == 1 and f"événement n° {target.seq} (id {target.pk})" in err and "modifié" in err


@pytest.mark.django_db
def test_a_modified_personal_field_is_named(events, capsys):
    target = events[2]
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET person_id = person_id + 1000 WHERE id = %s", [target.pk])
    code, _, err = verify_exit(capsys)
    assert code == 1 and f"événement n° {target.seq}" in err and "personnelles modifiées" in err


@pytest.mark.django_db
def test_a_deleted_event_is_detected_at_the_next_one(events, capsys):
    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[6].pk])
    code, _, err = verify_exit(capsys)
    assert code == 1 and f"événement n° {events[7].seq}" in err and "supprimé" in err


@pytest.mark.django_db
def test_deleting_the_last_events_is_detected(events, capsys):
    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [events[7].seq])
    code, _, err = verify_exit(capsys)
    assert code == 1 and "derniers événements supprimés" in err


@pytest.mark.django_db
def test_a_head_moved_back_over_the_last_events_is_detected(events, capsys):
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s", [events[7].seq, events[7].hash])
    code, _, err = verify_exit(capsys)
    assert code == 1 and "au-delà de la tête" in err


@pytest.mark.django_db
def test_the_application_cannot_move_the_head_back(events):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="avancer"), transaction.atomic():
        AuditChainHead.objects.filter(pk=1).update(seq=3)
    assert AuditChainHead.objects.get(pk=1).seq == 10


@pytest.mark.django_db
def test_a_linked_event_inserted_without_the_key_is_detected(events, capsys):
    last = events[-1]
    with TriggersOff() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (uid, key_id, mac, personal_digest, seq, prev_hash, hash, created_at, "
            "action, purpose, object_type, object_id, detail, actor_id, structure_id, person_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'person.view', 'accompagnement', '', '', '{}', NULL, NULL, NULL)",
            [uuid.uuid4().hex, last.key_id, "e" * 64, "d" * 64, last.seq + 1, last.hash, "f" * 64, last.created_at],
        )
        cursor.execute("UPDATE audit_auditchainhead SET seq = seq + 1, hash = %s", ["f" * 64])
    code, _, err = verify_exit(capsys)
    assert code == 1 and f"événement n° {last.seq + 1}" in err


@pytest.mark.django_db
def test_an_unlinked_event_written_outside_the_application_is_never_linked(events, capsys):
    """Requests write their events unlinked: one forged that way must not be taken into the chain."""
    with TriggersOff() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (uid, key_id, mac, personal_digest, seq, prev_hash, hash, created_at, "
            "action, purpose, object_type, object_id, detail, actor_id, structure_id, person_id) "
            "VALUES (%s, %s, %s, %s, NULL, '', '', %s, 'person.view', 'accompagnement', '', '', '{}', NULL, NULL, 7)",
            [uuid.uuid4().hex, events[0].key_id, "e" * 64, "d" * 64, events[0].created_at],
        )
    code, _, err = verify_exit(capsys)
    assert code == 1 and "sceau invalide" in err
    assert AuditEvent.objects.filter(person_id=7, seq__isnull=True).exists()  # kept out of the chain
    assert AuditChainHead.objects.get(pk=1).seq == 10


@pytest.mark.django_db
def test_an_event_copied_under_a_new_identity_is_detected(events, capsys):
    source = events[3]
    with TriggersOff() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (uid, key_id, mac, personal_digest, seq, prev_hash, hash, created_at, "
            "action, purpose, object_type, object_id, detail, actor_id, structure_id, person_id) "
            "SELECT %s, key_id, mac, personal_digest, NULL, '', '', created_at, action, purpose, object_type, "
            "object_id, detail, actor_id, structure_id, person_id FROM audit_auditevent WHERE id = %s",
            [uuid.uuid4().hex, source.pk],
        )
    code, _, err = verify_exit(capsys)
    assert code == 1 and "sceau invalide" in err


@pytest.mark.django_db
def test_a_chain_recomputed_without_the_key_is_detected(events, capsys):
    """The former, unkeyed chain could be recomputed by anyone with the database: not this one."""
    import hashlib

    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[5].pk])
        previous = GENESIS
        for seq, event in enumerate([e for e in events if e.pk != events[5].pk], start=1):
            digest = hashlib.sha256(json.dumps([seq, previous, event.mac]).encode()).hexdigest()
            cursor.execute(
                "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [seq, previous, digest, event.pk],
            )
            previous = digest
        cursor.execute("UPDATE audit_auditchainhead SET seq = 9, hash = %s", [previous])
    code, _, err = verify_exit(capsys)
    assert code == 1 and "événement n° 1" in err and "chaînage modifié" in err


@pytest.mark.django_db
def test_an_event_left_unlinked_is_reported_then_linked(structure, capsys):
    """A request whose process died after its commit leaves an unlinked event: reported, then linked."""
    person = PersonFactory(structure=structure)
    stranded = write_event(person=person, days_ago=0.01)  # about 14 minutes ago, more than the 5-minute grace
    code, _, err = verify_exit(capsys)
    assert code == 1 and "pas encore chaînés" in err and f"id {stranded.pk}" in err
    assert AuditEvent.objects.get(pk=stranded.pk).seq == 1
    code, out, _ = verify_exit(capsys)
    assert code == 0 and "intact (1 événements" in out


@pytest.mark.django_db
def test_events_just_written_are_linked_by_the_catch_up_without_alarm(structure, capsys):
    person = PersonFactory(structure=structure)
    write_event(person=person)
    code, out, _ = verify_exit(capsys)
    assert code == 0 and "intact (1 événements" in out


@pytest.mark.django_db
def test_the_step_run_on_commit_links_only_what_its_transaction_wrote(
    events, structure, member_of, client_for, django_capture_on_commit_callbacks
):
    """Forged unlinked rows cost the requests nothing: each request links its own events only."""
    person = PersonFactory(structure=structure)
    stranded = write_event(person=person, days_ago=0.01)  # left by a process that died after its commit
    with django_capture_on_commit_callbacks(execute=True):
        client_for(member_of(structure)).get(reverse("web:person_detail", args=[person.pk]))
    read = AuditEvent.objects.get(action="person.view", person_id=person.pk, seq__isnull=False)
    assert read.seq == 11 and read.prev_hash == events[-1].hash
    assert AuditEvent.objects.get(pk=stranded.pk).seq is None  # left to the catch-up, which reports it
