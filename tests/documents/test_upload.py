"""Uploads are judged by their content (magic bytes, size, decodable images), never by their name."""

import html
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from appui.documents.enums import MAX_BYTES
from appui.documents.models import Document
from appui.documents.services import document_upload
from tests.people.factories import PersonFactory

from .files import ROTATE_90_CW, LyingUpload, UnreadableUpload, jpeg, pdf_of_size, pdf_with_text, png, upload

PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def _text(response):
    return html.unescape(response.content.decode())


def _post(client, person, *files, **fields):
    data = {"kind": "avis_imposition", "files": list(files), **fields}
    return client.post(reverse("web:document_upload", args=[person.pk]), data)


@pytest.mark.django_db
def test_upload_a_pdf_through_the_page(worker, person, client_for):
    client = client_for(worker)
    form = _text(client.get(reverse("web:document_upload", args=[person.pk])))
    assert 'enctype="multipart/form-data"' in form and 'accept="application/pdf,image/jpeg,image/png' in form
    content = pdf_with_text("Avis 2025")
    response = _post(client, person, upload(content, "avis.pdf"), expires_on="2027-01-31", description="revenus 2024")
    assert response["Location"] == reverse("web:document_list", args=[person.pk])
    document = Document.objects.get()
    assert (document.person, document.structure, document.uploaded_by) == (person, person.structure, worker.user)
    assert document.kind == "avis_imposition" and document.content_type == "application/pdf"
    assert bytes(document.content) == content and document.size == len(content)
    assert str(document.expires_on) == "2027-01-31" and document.description == "revenus 2024"
    page = _text(client.get(response["Location"]))
    assert "Avis d'imposition" in page and "revenus 2024" in page and "31/01/2027" in page


@pytest.mark.django_db
def test_an_html_file_renamed_pdf_is_refused(worker, person, client_for):
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    response = _post(client_for(worker), person, upload(page, "avis.pdf", "application/pdf"))
    assert response.status_code == 200
    assert "n'est ni un PDF, ni une photo JPEG ou PNG" in _text(response)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_pdf_named_like_a_photo_is_stored_as_the_pdf_it_is(worker, person, client_for):
    _post(client_for(worker), person, upload(pdf_with_text("x"), "photo.jpg", "image/jpeg"), as_pdf="")
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.filename == f"document-{document.pk}.pdf"


@pytest.mark.django_db
def test_an_11_mb_file_is_refused(worker, person, client_for):
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    response = _post(client_for(worker), person, upload(big, "gros.pdf"))
    assert response.status_code == 200
    assert "dépasse 10 Mo" in _text(response)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_file_of_exactly_10_mb_is_accepted(worker, person):
    exact = pdf_of_size(MAX_BYTES)
    document = document_upload(membership=worker, person=person, kind="autre", files=[upload(exact)])
    assert document.size == MAX_BYTES


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_its_content_is_read(worker, person):
    with pytest.raises(ValidationError, match="dépasse 10 Mo"):
        document_upload(
            membership=worker, person=person, kind="autre", files=[UnreadableUpload("gros.pdf", 11 * 1024 * 1024)]
        )


@pytest.mark.django_db
def test_a_file_larger_than_it_claims_is_read_no_further_than_the_limit(worker, person):
    lying = LyingUpload("menteur.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 1000), declared=100)
    with pytest.raises(ValidationError, match="dépasse 10 Mo"):
        document_upload(membership=worker, person=person, kind="autre", files=[lying])
    assert lying.asked == [MAX_BYTES + 1]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_phone_photos_become_one_pdf_with_one_page_per_photo(worker, person, client_for):
    recto = jpeg(40, 20, orientation=ROTATE_90_CW, make="CANARI-TELEPHONE")
    response = _post(
        client_for(worker),
        person,
        upload(recto, "IMG_0001.jpg", "image/jpeg"),
        upload(png(30, 10), "verso.png", "image/png"),
        kind="piece_identite",
    )
    assert response.status_code == 302
    document = Document.objects.get()
    pdf = bytes(document.content)
    assert document.content_type == "application/pdf" and pdf.startswith(b"%PDF-")
    assert len(PAGE.findall(pdf)) == 2
    assert b"/Width 20" in pdf and b"/Height 40" in pdf  # the photo was turned upright (EXIF orientation)
    assert b"CANARI-TELEPHONE" not in pdf  # and its metadata left behind
    assert document.original_name == "IMG_0001.jpg, verso.png"


@pytest.mark.django_db
def test_a_single_photo_is_kept_as_a_photo_upright_and_without_its_metadata(worker, person):
    photo = jpeg(40, 20, orientation=ROTATE_90_CW, make="CANARI-TELEPHONE")
    document = document_upload(
        membership=worker, person=person, kind="rib", files=[upload(photo, "rib.jpg", "image/jpeg")], as_pdf=False
    )
    assert document.content_type == "image/jpeg" and document.filename.endswith(".jpg")
    stored = bytes(document.content)
    assert b"CANARI-TELEPHONE" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.size == (20, 40) and not image.getexif()


@pytest.mark.django_db
def test_a_single_photo_can_be_turned_into_a_pdf(worker, person):
    document = document_upload(
        membership=worker, person=person, kind="rib", files=[upload(png(), "rib.png", "image/png")], as_pdf=True
    )
    content = bytes(document.content)
    assert document.content_type == "application/pdf" and content.startswith(b"%PDF-")
    assert len(PAGE.findall(content)) == 1


@pytest.mark.django_db
def test_a_pdf_is_not_mixed_with_photos(worker, person):
    with pytest.raises(ValidationError, match="Un PDF se dépose seul"):
        document_upload(
            membership=worker,
            person=person,
            kind="autre",
            files=[upload(pdf_with_text("x")), upload(jpeg(), "p.jpg", "image/jpeg")],
        )


@pytest.mark.django_db
def test_a_truncated_photo_is_refused(worker, person):
    broken = jpeg(400, 300)[:200]
    with pytest.raises(ValidationError, match="illisible"):
        document_upload(membership=worker, person=person, kind="autre", files=[upload(broken, "p.jpg")])


@pytest.mark.django_db
def test_an_anonymous_record_receives_no_documents(worker, structure, client_for):
    anonymous = PersonFactory(structure=structure, is_anonymous=True, last_name="", informed_at=None)
    assert _post(client_for(worker), anonymous, upload(pdf_with_text("x"))).status_code == 403
    with pytest.raises(PermissionDenied):
        document_upload(membership=worker, person=anonymous, kind="autre", files=[upload(pdf_with_text("x"))])
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_uploaded_name_is_shown_escaped(worker, person, client_for):
    client = client_for(worker)
    _post(client, person, upload(pdf_with_text("x"), '<img src=x onerror="alert(1)">.pdf'))
    page = client.get(reverse("web:document_list", args=[person.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page
