"""The audit key ring: outside the database, distinct from SECRET_KEY and from the field keys, checked on deploy."""

import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from appui.audit.keys import audit_keyring, new_audit_keyring_json, parse_audit_keyring, reset_audit_keyring
from tests.settings import APPUI_FIELD_KEYS


@pytest.fixture(autouse=True)
def fresh_ring():
    reset_audit_keyring()
    yield
    reset_audit_keyring()


def test_a_fresh_ring_holds_one_random_32_byte_key():
    ring = parse_audit_keyring(new_audit_keyring_json())
    assert ring.current == "a1" and len(ring.key("a1")) == 32
    assert parse_audit_keyring(new_audit_keyring_json()).key("a1") != ring.key("a1")


def test_a_key_inside_secret_key_is_refused():
    ring = json.loads(new_audit_keyring_json())
    with override_settings(SECRET_KEY="prefix-" + ring["keys"]["a1"]):
        with pytest.raises(ImproperlyConfigured, match="distinctes de SECRET_KEY"):
            parse_audit_keyring(json.dumps(ring))


def test_a_field_encryption_key_is_refused():
    field_key = json.loads(APPUI_FIELD_KEYS)["keys"]["test1"]
    with pytest.raises(ImproperlyConfigured, match="distinctes des clés de chiffrement"):
        parse_audit_keyring(json.dumps({"current": "x", "keys": {"x": field_key}}))


@pytest.mark.parametrize(
    "raw",
    [
        "pas du json",
        '{"current": "a", "keys": {"b": "' + base64.b64encode(bytes(32)).decode() + '"}}',
        '{"current": "a", "keys": {"a": "' + base64.b64encode(bytes(16)).decode() + '"}}',
        '{"current": "a:b", "keys": {"a:b": "' + base64.b64encode(bytes(32)).decode() + '"}}',
    ],
)
def test_malformed_rings_are_refused_in_french(raw):
    with pytest.raises(ImproperlyConfigured, match="clé|Trousseau"):
        parse_audit_keyring(raw)


def test_without_a_ring_nothing_is_journaled_and_the_deploy_check_fails():
    with override_settings(APPUI_AUDIT_KEYS="", APPUI_AUDIT_KEYS_FILE="", APPUI_AUDIT_ANCHOR_DIR=""):
        with pytest.raises(ImproperlyConfigured, match="APPUI_AUDIT_KEYS_FILE"):
            audit_keyring()
        with pytest.raises(SystemCheckError) as failed:
            call_command("check", "--deploy", "--tag", "security")
    assert "appui.audit.E001" in str(failed.value) and "appui.audit.W001" in str(failed.value)


def test_init_audit_keys_writes_a_private_ring_once(tmp_path, capsys):
    path = tmp_path / "audit-keys.json"
    call_command("init_audit_keys", "--path", str(path))
    first = path.read_text()
    assert parse_audit_keyring(first).current == "a1" and path.stat().st_mode & 0o777 == 0o600
    call_command("init_audit_keys", "--path", str(path))
    assert path.read_text() == first and "déjà présent" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_rotation_adds_a_key_and_old_events_still_verify_with_the_old_one(structure):
    from appui.audit.models import AuditEvent
    from appui.audit.services import audit_verify
    from tests.audit.support import linked, write_event
    from tests.people.factories import PersonFactory
    from tests.settings import APPUI_AUDIT_KEYS

    person = PersonFactory(structure=structure)
    ring = json.loads(APPUI_AUDIT_KEYS)
    with override_settings(APPUI_AUDIT_KEYS=json.dumps(ring | {"current": "audit0"})):
        reset_audit_keyring()
        (before,) = linked(write_event(person=person))
    reset_audit_keyring()
    (after,) = linked(write_event(person=person))
    assert (before.key_id, after.key_id) == ("audit0", "audit1")
    assert audit_verify().intact
    # Removing the old key would leave its events unverifiable: never do it (docs/audit.md).
    with override_settings(
        APPUI_AUDIT_KEYS=json.dumps({"current": "audit1", "keys": {"audit1": ring["keys"]["audit1"]}})
    ):
        reset_audit_keyring()
        report = audit_verify()
    assert report.broken is not None and "clé d'audit inconnue « audit0 »" in report.broken.reason
    assert AuditEvent.objects.count() == 2
