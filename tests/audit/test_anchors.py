"""Anchors: a signed head of the chain, written outside the database, catches what the database alone cannot.

An insider who holds the audit key can recompute a whole chain; one who owns the database can cut its tail and
move the head back. Both are caught by the heads anchored in the DPO's directory.
"""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from appui.audit.anchors import ANCHOR_FILE
from appui.audit.chain import event_mac, timestamp
from appui.audit.keys import audit_keyring
from appui.audit.models import AuditEvent
from tests.people.factories import PersonFactory

from .support import TriggersOff, relink_with_the_key, verify_exit


@pytest.fixture
def anchor_dir(tmp_path):
    with override_settings(APPUI_AUDIT_ANCHOR_DIR=str(tmp_path)):
        yield tmp_path


@pytest.fixture
def events(structure, member_of, client_for, django_capture_on_commit_callbacks):
    client = client_for(member_of(structure))
    person = PersonFactory(structure=structure)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            client.get(reverse("web:person_detail", args=[person.pk]))
    return list(AuditEvent.objects.order_by("seq"))


def _anchors(anchor_dir):
    return [json.loads(line) for line in (anchor_dir / ANCHOR_FILE).read_text().splitlines()]


@pytest.mark.django_db
def test_the_daily_run_appends_the_signed_head_and_later_runs_check_it(events, anchor_dir, capsys):
    call_command("verify_audit", "--anchor")
    assert "tête ancrée hors de la base : événement n° 10" in capsys.readouterr().out
    (anchor,) = _anchors(anchor_dir)
    assert anchor["seq"] == 10 and anchor["hash"] == events[-1].hash and len(anchor["signature"]) == 64
    code, out, _ = verify_exit(capsys)
    assert code == 0 and "1 ancre(s) externe(s) vérifiée(s)" in out


@pytest.mark.django_db
def test_a_chain_recomputed_with_the_key_is_caught_by_the_anchor(events, anchor_dir, capsys):
    """An insider with the key rewrites an event (a DPO read turned into a statistics one) and reseals it all."""
    call_command("verify_audit", "--anchor")
    target = events[4]
    ring = audit_keyring()
    mac = event_mac(
        ring,
        key_id=target.key_id,
        uid=str(target.uid),
        created_at=timestamp(target.created_at),
        actor_id=target.actor_id,
        structure_id=target.structure_id,
        action=target.action,
        purpose="statistiques",
        object_type=target.object_type,
        personal=target.personal_digest,
    )
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'statistiques', mac = %s WHERE id = %s", [mac, target.pk])
        relink_with_the_key(cursor, [(e.pk, e.key_id, mac if e.pk == target.pk else e.mac) for e in events])
        # Without the anchor, the forged chain would pass: the anchor is what catches it.
        with override_settings(APPUI_AUDIT_ANCHOR_DIR=""):
            assert verify_exit(capsys)[0] == 0
    code, _, err = verify_exit(capsys)
    assert code == 1 and "événement n° 10" in err and "ne correspond plus à l'ancre externe" in err


@pytest.mark.django_db
def test_a_tail_cut_with_the_head_moved_back_is_caught_by_the_anchor(events, anchor_dir, capsys):
    call_command("verify_audit", "--anchor")
    with TriggersOff() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > 7")
        cursor.execute("UPDATE audit_auditchainhead SET seq = 7, hash = %s", [events[6].hash])
    code, _, err = verify_exit(capsys)
    assert code == 1 and "événement n° 10" in err and "absent de la chaîne" in err


@pytest.mark.django_db
def test_an_edited_anchor_is_detected(events, anchor_dir, capsys):
    call_command("verify_audit", "--anchor")
    path = anchor_dir / ANCHOR_FILE
    anchor = json.loads(path.read_text())
    anchor["seq"] = 4
    path.write_text(json.dumps(anchor) + "\n")
    code, _, err = verify_exit(capsys)
    assert code == 1 and "falsifiée" in err


@pytest.mark.django_db
def test_an_unreadable_anchor_file_is_a_failure(events, anchor_dir, capsys):
    (anchor_dir / ANCHOR_FILE).write_text("pas une ancre\n")
    code, _, err = verify_exit(capsys)
    assert code == 1 and "Ligne 1 du fichier des ancres illisible" in err


@pytest.mark.django_db
def test_nothing_is_anchored_when_the_journal_is_broken(events, anchor_dir, capsys):
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'statistiques' WHERE id = %s", [events[2].pk])
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", "--anchor")
    assert exited.value.code == 1
    assert not (anchor_dir / ANCHOR_FILE).exists()
