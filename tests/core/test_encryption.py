"""Field-level encryption: canaries never reach the database in clear; key rotation; tampering detected."""

import datetime
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from appui.accompaniments.models import Accompaniment
from appui.core import crypto
from appui.core.fields import encrypted_fields
from appui.people.models import Person
from tests.accompaniments.factories import FIRST_PLACE
from tests.settings import APPUI_FIELD_KEYS

CANARIES = {
    "situation_details": "CANARI-situation-7f3a",
    "notes": "CANARI-notes-91bc",
    "private_note": "CANARI-privee-44d0",
    "outcome": "CANARI-resultat-2e8f",
    "next_step": "CANARI-suite-5a61",
}


def raw_dump() -> bytes:
    """Return every row of every table as the database stores it (same connection, so uncommitted rows too)."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump()).encode()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:  # what pg_dump uses for data
                chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


@pytest.fixture(autouse=True)
def fresh_keyring():
    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


def _write_canaries(client, structure):
    response = client.post(
        reverse("web:person_create"),
        {
            "last_name": "Canari",
            "first_name": "Test",
            "birth_year": "1970",
            "informed_at": "2026-01-01",
            "situation_details": CANARIES["situation_details"],
            "obstacles": ["handicap"],
        },
    )
    person = Person.objects.get(last_name="Canari")
    assert response.status_code == 302
    client.post(
        reverse("web:accompaniment_create", args=[person.pk]),
        {
            "date": datetime.date.today().isoformat(),
            "duration": "15",
            "where": FIRST_PLACE,
            "mode": "fait_avec",
            "themes": ["social_sante"],
            "notes": CANARIES["notes"],
            "private_note": CANARIES["private_note"],
            "outcome": CANARIES["outcome"],
            "next_step": CANARIES["next_step"],
        },
    )
    return person


@pytest.mark.django_db
def test_canaries_written_through_the_app_are_absent_from_a_raw_dump(structure, member_of, client_for):
    client = client_for(member_of(structure))
    person = _write_canaries(client, structure)
    dump = raw_dump()
    assert b"Canari" in dump  # the dump is real: clear fields (names) are in it
    for canary in CANARIES.values():
        assert canary.encode() not in dump, canary
    assert b"handicap" not in dump  # obstacles may reveal a disability
    # …and the application still reads them.
    page = client.get(reverse("web:person_detail", args=[person.pk])).content.decode()
    for canary in CANARIES.values():
        assert canary in page
    assert Accompaniment.objects.get().notes == CANARIES["notes"]


@pytest.mark.django_db
def test_rotate_keys_then_remove_the_old_key_and_everything_still_decrypts(structure, member_of, client_for):
    old_ring = json.loads(APPUI_FIELD_KEYS) | {"current": "test0"}
    with override_settings(APPUI_FIELD_KEYS=json.dumps(old_ring)):
        crypto.reset_keyring()
        client = client_for(member_of(structure))
        _write_canaries(client, structure)
        assert b"enc1:test0:" in raw_dump()
    crypto.reset_keyring()  # back to "test1" current, "test0" still in the ring
    call_command("rotate_keys", "--batch", "1")
    dump = raw_dump()
    assert b"enc1:test0:" not in dump and b"enc1:test1:" in dump
    only_new = json.loads(APPUI_FIELD_KEYS)
    del only_new["keys"]["test0"]
    with override_settings(APPUI_FIELD_KEYS=json.dumps(only_new)):
        crypto.reset_keyring()
        accompaniment = Accompaniment.objects.get()
        person = Person.objects.get(last_name="Canari")
        assert accompaniment.notes == CANARIES["notes"] and accompaniment.private_note == CANARIES["private_note"]
        assert person.situation_details == CANARIES["situation_details"] and person.obstacles == ["handicap"]


@pytest.mark.django_db
def test_plaintext_written_before_encryption_is_encrypted_by_rotation(structure):
    from tests.people.factories import PersonFactory

    person = PersonFactory(structure=structure)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET situation_details = %s WHERE id = %s", ["ancien texte clair", person.pk]
        )
    assert Person.objects.get(pk=person.pk).situation_details == "ancien texte clair"
    call_command("rotate_keys")
    assert b"ancien texte clair" not in raw_dump()
    assert Person.objects.get(pk=person.pk).situation_details == "ancien texte clair"


def test_tampering_and_swapping_between_fields_are_detected():
    stored = crypto.encrypt("secret", context="accompaniments.Accompaniment.notes")
    assert crypto.decrypt(stored, context="accompaniments.Accompaniment.notes") == "secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="accompaniments.Accompaniment.private_note")
    flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, context="accompaniments.Accompaniment.notes")
    assert crypto.encrypt("secret", context="x") != crypto.encrypt("secret", context="x")  # random nonce


def test_keys_must_differ_from_secret_key_and_be_256_bits(settings):
    import base64

    key = base64.b64encode(b"k" * 32).decode()
    settings.SECRET_KEY = "prefix-" + key + "-suffix"
    with pytest.raises(ImproperlyConfigured, match="distinctes de SECRET_KEY"):
        crypto.parse_keyring(json.dumps({"current": "a", "keys": {"a": key}}))
    with pytest.raises(ImproperlyConfigured, match="32 octets"):
        crypto.parse_keyring(json.dumps({"current": "a", "keys": {"a": base64.b64encode(b"short").decode()}}))


def test_the_sensitive_fields_are_the_encrypted_ones():
    names = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {
        "people.Person.situation_details",
        "people.Person.obstacles",
        "accompaniments.Accompaniment.notes",
        "accompaniments.Accompaniment.private_note",
        "accompaniments.Accompaniment.outcome",
        "accompaniments.Accompaniment.next_step",
    } <= names
