"""Field-level encryption: canaries never reach the database in clear; key rotation; tampering detected."""

import datetime
import html
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.core import crypto, rotation
from appui.core.fields import Sealed, encrypted_fields
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
            "date": timezone.localdate().isoformat(),
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
        assert b"enc2:test0:" in raw_dump()
    crypto.reset_keyring()  # back to "test1" current, "test0" still in the ring
    call_command("rotate_keys", "--batch", "1")
    dump = raw_dump()
    assert b"enc2:test0:" not in dump and b"enc2:test1:" in dump
    only_new = json.loads(APPUI_FIELD_KEYS)
    del only_new["keys"]["test0"]
    with override_settings(APPUI_FIELD_KEYS=json.dumps(only_new)):
        crypto.reset_keyring()
        accompaniment = Accompaniment.objects.get()
        person = Person.objects.get(last_name="Canari")
        assert accompaniment.notes == CANARIES["notes"] and accompaniment.private_note == CANARIES["private_note"]
        assert person.situation_details == CANARIES["situation_details"] and person.obstacles == ["handicap"]


@pytest.mark.django_db
def test_a_value_edited_while_the_keys_rotate_keeps_the_edit(structure, member_of, client_for):
    old_ring = json.loads(APPUI_FIELD_KEYS) | {"current": "test0"}
    with override_settings(APPUI_FIELD_KEYS=json.dumps(old_ring)):
        crypto.reset_keyring()
        person = _write_canaries(client_for(member_of(structure)), structure)
    crypto.reset_keyring()  # "test1" current
    field = Person._meta.get_field("situation_details")
    (pk, row_uid, read), *_ = rotation._raw_batch(Person, field, person.pk - 1, 1)  # the rotation reads the row…
    person.refresh_from_db()
    person.situation_details = "Modifié pendant la rotation"  # …a worker saves an edit, with the current key…
    person.save(update_fields=["situation_details"])
    resealed = Sealed(field.seal(CANARIES["situation_details"], row_uid))
    # …the rotation's rewrite of what it read finds the value changed and leaves the edit in place.
    assert rotation.rewrite_if_unchanged(Person, field, pk, read=read, value=resealed) == 0
    person.refresh_from_db()
    assert person.situation_details == "Modifié pendant la rotation"
    assert str(_get_raw("people_person", "situation_details", pk)).startswith("enc2:test1:")
    # Unchanged, the same rewrite happens.
    (pk, row_uid, read), *_ = rotation._raw_batch(Person, field, person.pk - 1, 1)
    assert rotation.rewrite_if_unchanged(Person, field, pk, read=read, value=resealed) == 1
    person.refresh_from_db()
    assert person.situation_details == CANARIES["situation_details"]


def _set_raw(table: str, column: str, pk: int, value: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _get_raw(table: str, column: str, pk: int) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["enc1: rappeler lundi", "enc1:test1:AAAA", "enc2:test1:" + "A" * 60])
def test_a_note_that_looks_like_a_ciphertext_is_encrypted_and_read_back(structure, member_of, client_for, typed):
    client = client_for(member_of(structure))
    response = client.post(
        reverse("web:person_create"),
        {
            "last_name": "Lundi",
            "first_name": "Léa",
            "birth_year": "1970",
            "informed_at": "2026-01-01",
            "situation_details": typed,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Lundi")
    stored = _get_raw("people_person", "situation_details", person.pk)
    assert stored != typed and typed.encode() not in raw_dump()
    assert Person.objects.get(pk=person.pk).situation_details == typed
    response = client.get(reverse("web:person_detail", args=[person.pk]))
    assert response.status_code == 200 and typed in response.content.decode()


@pytest.mark.django_db
def test_a_ciphertext_copied_to_another_row_does_not_read_there_and_says_so(structure, member_of, client_for, caplog):
    from tests.people.factories import PersonFactory

    client = client_for(member_of(structure))
    source = _write_canaries(client, structure)
    target = PersonFactory(structure=structure, situation_details="note de la cible")
    _set_raw("people_person", "situation_details", target.pk, _get_raw("people_person", "situation_details", source.pk))
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=target.pk).situation_details  # noqa: B018
    with caplog.at_level("ERROR", logger="appui.crypto"):
        response = client.get(reverse("web:person_detail", args=[target.pk]))
    assert response.status_code == 500  # an incident, never "this person does not exist"
    page = html.unescape(response.content.decode())
    assert "illisible" in page and "prévenez l'administrateur" in page
    assert CANARIES["situation_details"] not in page
    assert any(record.name == "appui.crypto" and "people_person" in record.getMessage() for record in caplog.records)
    # The source row still reads, and a value of another column of the same row does not read either.
    assert Person.objects.get(pk=source.pk).situation_details == CANARIES["situation_details"]
    accompaniment = Accompaniment.objects.get(person=source)
    _set_raw(
        "accompaniments_accompaniment",
        "notes",
        accompaniment.pk,
        _get_raw("accompaniments_accompaniment", "private_note", accompaniment.pk),
    )
    with pytest.raises(crypto.DecryptionError):
        Accompaniment.objects.get(pk=accompaniment.pk).notes  # noqa: B018


@pytest.mark.django_db
def test_plaintext_written_in_the_table_is_an_error_not_a_value(structure, member_of, client_for):
    from tests.people.factories import PersonFactory

    person = PersonFactory(structure=structure)
    _set_raw("people_person", "situation_details", person.pk, "texte écrit en clair dans la base")
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk).situation_details  # noqa: B018
    client = client_for(member_of(structure))
    response = client.get(reverse("web:person_detail", args=[person.pk]))
    assert response.status_code == 500 and "texte écrit en clair" not in response.content.decode()
    with pytest.raises(crypto.DecryptionError, match="people.Person.situation_details"):
        call_command("rotate_keys")  # rotation never takes it for plaintext either


@pytest.mark.django_db
def test_an_update_without_a_row_cannot_write_an_encrypted_value(structure):
    from tests.people.factories import PersonFactory

    person = PersonFactory(structure=structure, situation_details="avant")
    with pytest.raises(TypeError, match="encrypted for its row"), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(situation_details="écrit sans chiffrement")
    with pytest.raises(TypeError), transaction.atomic():
        list(Person.objects.filter(situation_details="avant"))
    Person.objects.filter(pk=person.pk).update(situation_details="")  # erasing needs no row
    assert Person.objects.get(pk=person.pk).situation_details == ""


def test_a_value_is_bound_to_its_table_column_and_row():
    aad = crypto.associated_data(table="accompaniments_accompaniment", column="notes", row="a" * 32)
    stored = crypto.seal("secret", aad=aad)
    assert crypto.unseal(stored, aad=aad) == "secret"
    for other in (
        crypto.associated_data(table="accompaniments_accompaniment", column="private_note", row="a" * 32),
        crypto.associated_data(table="accompaniments_accompaniment", column="notes", row="b" * 32),
        crypto.associated_data(table="people_person", column="notes", row="a" * 32),
    ):
        with pytest.raises(crypto.DecryptionError):
            crypto.unseal(stored, aad=other)
    flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(flipped, aad=aad)
    for not_a_ciphertext in ("secret", "", "enc2:", "enc2:test1:", "enc2:test1:AAAA", "enc1:test1:" + stored[11:]):
        with pytest.raises(crypto.DecryptionError):
            crypto.unseal(not_a_ciphertext, aad=aad)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal_bytes(b"%PDF-1.7 clear", aad=aad)
    assert crypto.seal("secret", aad=aad) != crypto.seal("secret", aad=aad)  # random nonce


def test_without_a_key_ring_the_deploy_check_fails(monkeypatch):
    from django.core.management.base import SystemCheckError

    monkeypatch.delenv("APPUI_FIELD_KEYS", raising=False)
    monkeypatch.delenv("APPUI_FIELD_KEYS_FILE", raising=False)
    with override_settings(APPUI_FIELD_KEYS="", APPUI_FIELD_KEYS_FILE="", DEBUG=False):
        with pytest.raises(SystemCheckError) as failed:
            call_command("check", "--deploy", "--tag", "security")
    assert "appui.core.E002" in str(failed.value)
    crypto.reset_keyring()
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL")  # with the ring: no error


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


@pytest.mark.django_db
def test_situation_household_diagnostics_mandates_and_reports_are_encrypted_at_rest(structure, member_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appui.diagnostics.models import Diagnostic
    from appui.mandates.models import Mandate, MandateRevocation
    from appui.mandates.services import mandate_create, mandate_revoke
    from appui.people.enums import EmploymentStatus, FamilySituation, HousingStatus
    from appui.people.models import HouseholdMember
    from appui.service_alerts.models import ServiceAlert
    from appui.service_alerts.services import service_alert_create
    from tests.diagnostics.factories import DiagnosticFactory
    from tests.documents.files import png
    from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory

    worker = member_of(structure)
    situation = {
        "family_situation": FamilySituation.values[1],
        "housing_status": HousingStatus.values[1],
        "employment_status": EmploymentStatus.values[1],
    }
    person = PersonFactory(structure=structure, **situation)
    member = HouseholdMemberFactory(
        household=HouseholdFactory(person=person),
        first_name="CANARI-prenom-enfant",
        last_name="CANARI-nom-enfant",
        birth_date=datetime.date(2011, 5, 4),
    )
    diagnostic = DiagnosticFactory(person=person)
    mandate = mandate_create(
        membership=worker, person=person, categories=["logement"], duration="6m", person_present=True
    )
    mandate_revoke(membership=worker, mandate=mandate, categories=["logement"], reason="CANARI-motif-revocation")
    alert = service_alert_create(
        membership=worker,
        fields={
            "service": "caf",
            "step": "CANARI-etape",
            "error_message": "CANARI-message",
            "occurred_on": timezone.localdate(),
        },
        screenshot=SimpleUploadedFile("capture.png", png(30, 10), content_type="image/png"),
    )
    stored = {
        "people_person": [_get_raw("people_person", column, person.pk) for column in situation],
        "people_householdmember": [
            _get_raw("people_householdmember", column, member.pk) for column in ("first_name", "birth_date")
        ],
        "diagnostics_diagnostic": [_get_raw("diagnostics_diagnostic", "answers", diagnostic.pk)],
        "mandates_mandate": [_get_raw("mandates_mandate", "consent_text", mandate.pk)],
        "service_alerts_servicealert": [_get_raw("service_alerts_servicealert", c, alert.pk) for c in ("step",)],
    }
    for table, values in stored.items():
        assert all(str(value).startswith("enc2:") for value in values), table
    revocation = MandateRevocation.objects.get(mandate=mandate)
    for table, pk, column in (
        ("mandates_mandate", mandate.pk, "attestation_pdf"),
        ("mandates_mandaterevocation", revocation.pk, "attestation_pdf"),
        ("service_alerts_servicealert", alert.pk, "screenshot"),
    ):
        assert bytes(_get_raw(table, column, pk)).startswith(b"enc2:"), (table, column)
    dump = raw_dump()
    for canary in (b"CANARI-prenom-enfant", b"CANARI-nom-enfant", b"2011-05-04", b"CANARI-motif", b"CANARI-etape"):
        assert canary not in dump, canary
    # …and the application reads them back.
    assert {name: getattr(Person.objects.get(pk=person.pk), name) for name in situation} == situation
    again = HouseholdMember.objects.get(pk=member.pk)
    assert (again.first_name, again.birth_date) == ("CANARI-prenom-enfant", datetime.date(2011, 5, 4))
    assert Diagnostic.objects.get(pk=diagnostic.pk).answers == diagnostic.answers
    assert Mandate.objects.get(pk=mandate.pk).attestation_pdf.startswith(b"%PDF")
    assert MandateRevocation.objects.get(pk=revocation.pk).reason == "CANARI-motif-revocation"
    assert ServiceAlert.objects.get(pk=alert.pk).error_message == "CANARI-message"


@pytest.mark.django_db
def test_anonymisation_erases_the_obstacle_answers_and_keeps_the_skills(structure):
    from django.utils import timezone

    from appui.diagnostics.bank import load_bank
    from appui.diagnostics.models import Diagnostic
    from appui.people.retention import person_anonymise
    from tests.diagnostics.factories import DiagnosticFactory

    diagnostic = DiagnosticFactory(person__structure=structure)
    bank = load_bank(diagnostic.bank_version)
    obstacle_ids = {question.id for question in bank.obstacle_questions}
    skill_ids = {question.id for question in bank.skill_questions}
    assert obstacle_ids & set(diagnostic.answers)
    person_anonymise(person=diagnostic.person, now=timezone.now())
    kept = Diagnostic.objects.get(pk=diagnostic.pk).answers
    assert not obstacle_ids & set(kept) and skill_ids <= set(kept)


@pytest.mark.django_db
def test_the_api_answers_an_unreadable_value_with_an_explained_500_not_a_404(structure, member_of):
    from django.test import Client

    from appui.accounts.services import api_token_create
    from tests.people.factories import PersonFactory

    person = PersonFactory(structure=structure, family_situation="en_couple")
    _set_raw("people_person", "family_situation", person.pk, "celibataire")  # written in clear behind the app
    _, raw = api_token_create(membership=member_of(structure), name="tests")
    response = Client(HTTP_AUTHORIZATION=f"Token {raw}").get(f"/api/v1/persons/{person.pk}/")
    assert response.status_code == 500
    assert response.json()["code"] == "donnee_illisible" and "illisible" in response.json()["detail"]
