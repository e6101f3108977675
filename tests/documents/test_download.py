"""Documents are encrypted at rest, leave only as attachments under generated names, and every step is journaled."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from appui.audit.models import AuditEvent
from appui.core import crypto
from appui.core.fields import encrypted_fields
from appui.documents.models import Document
from appui.documents.services import document_upload
from tests.core.test_encryption import raw_dump
from tests.settings import APPUI_FIELD_KEYS

from .files import jpeg, pdf_with_text, upload

CANARY = "CANARI-coffre-fort-3c9e"


def _stored(document) -> bytes:
    """Return the content column as the database holds it (without the field's decryption)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM documents_document WHERE id = %s", [document.pk])
        return bytes(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_content_is_encrypted_at_rest(worker, person, client_for):
    client = client_for(worker)
    client.post(
        reverse("web:document_upload", args=[person.pk]),
        {"kind": "bulletin_salaire", "files": [upload(pdf_with_text(CANARY), f"{CANARY}.pdf")], "description": CANARY},
    )
    document = Document.objects.get()
    stored = _stored(document)
    assert stored.startswith(b"enc2:test1:")
    dump = raw_dump().lower()
    # A dump shows binary columns in hex (SQLite X'..', PostgreSQL \x..): the stored ciphertext is there…
    assert stored[:48].hex().encode() in dump
    # …and the canary (in the file, its name and the description) is there in no form.
    assert CANARY.lower().encode() not in dump
    assert CANARY.encode().hex().encode() not in dump
    # The application still reads it.
    assert CANARY.encode() in client.get(reverse("web:document_download", args=[document.pk])).content


@pytest.mark.django_db
def test_download_is_an_attachment_under_a_generated_name(worker, person, client_for):
    content = pdf_with_text("x")
    document = document_upload(
        membership=worker,
        person=person,
        kind="piece_identite",
        files=[upload(content, '../../CNI de Mme Dupont "recto".pdf\r\nX-Injected: 1')],
    )
    response = client_for(worker).get(reverse("web:document_download", args=[document.pk]))
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "sandbox" in response["Content-Security-Policy"] and "default-src 'none'" in response["Content-Security-Policy"]
    )
    assert response["Cache-Control"] == "no-store"
    assert "Dupont" not in str(response.headers) and "X-Injected" not in response.headers


@pytest.mark.django_db
def test_a_photo_downloads_with_its_image_type(worker, person, client_for):
    document = document_upload(
        membership=worker, person=person, kind="rib", files=[upload(jpeg(), "rib.jpg", "image/jpeg")]
    )
    response = client_for(worker).get(reverse("web:document_download", args=[document.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.jpg"'
    assert response.content.startswith(b"\xff\xd8\xff")


@pytest.mark.django_db
def test_upload_download_and_delete_are_journaled(worker, person, client_for):
    client = client_for(worker)
    client.post(
        reverse("web:document_upload", args=[person.pk]),
        {"kind": "rib", "files": [upload(pdf_with_text("x"), "RIB Dupont.pdf")]},
    )
    document = Document.objects.get()
    client.get(reverse("web:document_download", args=[document.pk]))
    confirm = client.get(reverse("web:document_delete", args=[document.pk]))
    assert confirm.status_code == 200 and Document.objects.exists()  # asking is not deleting
    response = client.post(reverse("web:document_delete", args=[document.pk]))
    assert response["Location"] == reverse("web:document_list", args=[person.pk])
    assert not Document.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="documents.").order_by("seq")
    assert [e.action for e in events] == ["documents.upload", "documents.download", "documents.delete"]
    for event in events:
        assert event.person_id == person.pk and event.object_id == str(document.pk)
        assert event.actor == worker.user and event.purpose == "accompagnement"
        assert event.detail["sha256"] == document.sha256
        assert "Dupont" not in json.dumps(event.detail)  # the uploaded name never goes to the journal


@pytest.mark.django_db
def test_key_rotation_re_encrypts_documents(worker, person):
    assert ("documents.Document", "content") in {(m._meta.label, f.name) for m, f in encrypted_fields()}
    content = pdf_with_text("rotation")
    with override_settings(APPUI_FIELD_KEYS=json.dumps(json.loads(APPUI_FIELD_KEYS) | {"current": "test0"})):
        crypto.reset_keyring()
        document = document_upload(membership=worker, person=person, kind="autre", files=[upload(content)])
        assert _stored(document).startswith(b"enc2:test0:")
    crypto.reset_keyring()
    call_command("rotate_keys", "--batch", "1", stdout=io.StringIO())
    assert _stored(document).startswith(b"enc2:test1:")
    only_new = json.loads(APPUI_FIELD_KEYS)
    del only_new["keys"]["test0"]
    with override_settings(APPUI_FIELD_KEYS=json.dumps(only_new)):
        crypto.reset_keyring()
        assert bytes(Document.objects.get().content) == content
