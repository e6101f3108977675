"""Bad input sent as an attacker would: deeply nested JSON, polyglot screenshots, PDFs that run code."""

import html
import io
import json
import re
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.api.parsers import MAX_DEPTH
from appui.audit.models import AuditEvent
from appui.documents.models import Document
from appui.service_alerts.models import ServiceAlert
from tests.accompaniments.factories import AccompanimentFactory
from tests.core.pdf import pdf_text
from tests.orientations.factories import ReferralFactory, received_referral
from tests.people.factories import PersonFactory
from tests.rights.factories import CaseloadScreeningFactory


def _operations_with_a_body():
    """Return (method, path template) of every API operation that reads a JSON body, from the OpenAPI document."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "application/json" in operation["requestBody"].get("content", {})
    )


OPERATIONS = _operations_with_a_body()
# Far beyond Python's recursion limit (the decoder raised RecursionError: a 500), and just past the bound.
BODIES = {
    "100000 tableaux": "[" * 100_000 + "]" * 100_000,
    "5000 objets": '{"a":' * 5_000 + "1" + "}" * 5_000,
    "champ trop imbriqué": json.dumps({"last_name": json.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))}),
}


def test_every_operation_with_a_body_is_probed():
    assert len(OPERATIONS) >= 6 and ("post", "/api/v1/persons/") in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize("method,path", OPERATIONS)
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_deeply_nested_json_answers_400_on_every_api_operation(method, path, body, structure, member_of):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    ids = {
        "person_pk": lambda: person.pk,
        "accompaniment_pk": lambda: AccompanimentFactory(person=person, author=worker.user).pk,
        "job_pk": lambda: CaseloadScreeningFactory(structure=structure).pk,
        "referral_pk": lambda: ReferralFactory(person=person, created_by=worker.user).pk,
        "incoming_pk": lambda: received_referral(structure).pk,
    }
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]()), path)
    _, raw = api_token_create(membership=worker, name="attaque")
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}", raise_request_exception=False)
    # A well-behaved client's conditional write (If-Match of the version just created): the body is the attack.
    response = getattr(client, method)(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400, (url, response.status_code)
    assert "trop imbriqué" in response.json()["detail"]


def test_the_openapi_document_declares_the_400_of_operations_with_a_body():
    document = SchemaGenerator().get_schema(request=None, public=True)
    for method, path in OPERATIONS:
        assert "400" in document["paths"][path][method]["responses"], (method, path)


# --- Signalement screenshots: re-encoded like the vault's photos, served like its files -------------------------

GPS_IFD = 0x8825
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def _jpeg_with_gps_and_payload() -> bytes:
    """A phone-like JPEG: GPS position and device in EXIF, then an HTML page after the image's end."""
    exif = Image.Exif()
    exif[0x010F] = "TelephoneCanari"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (45.0, 46.0, 12.5), 3: "E", 4: (4.0, 50.0, 1.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "JPEG", exif=exif)
    data = out.getvalue() + SCRIPT
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the attack file really carries a position
    return data


def _png_polyglot() -> bytes:
    """A PNG carrying a script in a text chunk, EXIF with a position, and a zip archive after its end."""
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (45.0, 46.0, 12.5)})
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 10)).save(out, "PNG", pnginfo=info, exif=exif)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("index.html", SCRIPT)
    return out.getvalue() + archive.getvalue()


SCREENSHOTS = {
    "jpeg-gps-html": (_jpeg_with_gps_and_payload, "image/jpeg"),
    "png-polyglotte": (_png_polyglot, "image/png"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCREENSHOTS)
def test_a_signalement_screenshot_keeps_only_the_picture_and_is_served_sandboxed(
    name, structure, member_of, client_for
):
    build, mime = SCREENSHOTS[name]
    member = member_of(structure, Role.MEDIATEUR)
    client = client_for(member)
    response = client.post(
        reverse("web:service_alert_create"),
        {
            "service": "caf",
            "step": "connexion",
            "occurred_on": timezone.localdate().isoformat(),
            "screenshot": SimpleUploadedFile("capture.png", build(), content_type=mime),
        },
    )
    assert response.status_code == 302
    alert = ServiceAlert.objects.get()
    download = client.get(reverse("web:service_alert_screenshot", args=[alert.pk]))
    stored = download.content
    for leftover in (b"<script", b"TelephoneCanari", b"PK\x03\x04", b"index.html"):
        assert leftover not in stored, leftover
    image = Image.open(io.BytesIO(stored))
    assert image.size == (64, 48) and image.format == ("JPEG" if mime == "image/jpeg" else "PNG")
    assert not image.getexif() and "Comment" not in image.info
    assert download["Content-Type"] == mime
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_a_screenshot_that_only_starts_like_an_image_is_refused(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    response = client.post(
        reverse("web:service_alert_create"),
        {
            "service": "caf",
            "step": "connexion",
            "occurred_on": timezone.localdate().isoformat(),
            "screenshot": SimpleUploadedFile("capture.png", b"\x89PNG\r\n\x1a\n" + SCRIPT, content_type="image/png"),
        },
    )
    assert response.status_code == 200 and not ServiceAlert.objects.exists()
    assert "illisible" in html.unescape(response.content.decode())


# --- PDFs that run code: cleaned with pypdf (objects, not bytes), or refused when they cannot be checked --------


def raw_pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """Return a PDF written by hand: numbered objects (the first is the catalogue) and a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer + b">>\n"
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _text_page(text: str) -> bytes:
    content = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
VISIBLE = "Revenus 2025 du foyer"

MALICIOUS_PDFS = {
    # JavaScript run when the file opens, its name written with a hex escape (a byte search misses it).
    "ouverture-javascript-nom-echappe": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
        PAGES,
        PAGE + b" >>",
        _text_page(VISIBLE),
        FONT,
        b"<< /S /Java#53cript /JS (app.alert\\(1\\)) >>",
    ),
    # A program launched when the page is shown (additional action), chained after a harmless action.
    "page-lance-un-programme": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGES,
        PAGE + b" /AA << /O << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >> >> >>",
        _text_page(VISIBLE),
        FONT,
        b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >>",
    ),
    # Document-level scripts in the name tree, and a link that launches a program.
    "scripts-du-document-et-lien-lanceur": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(x) 6 0 R] >> >> >>",
        PAGES,
        PAGE + b" /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 300 200] /A 7 0 R >>] >>",
        _text_page(VISIBLE),
        FONT,
        b"<< /S /JavaScript /JS 8 0 R >>",
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /Length 18 >>\nstream\napp.alert('piege')\nendstream",
    ),
    # A form field whose keystroke script is hidden in a compressed stream.
    "champ-de-formulaire-script-compresse": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>",
        PAGES,
        PAGE + b" /Annots [6 0 R] >>",
        _text_page(VISIBLE),
        FONT,
        b"<< /FT /Tx /T (nom) /Subtype /Widget /Rect [0 0 10 10] /P 3 0 R /AA << /K << /S /JavaScript /JS 7 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
        % (len(zlib.compress(b"app.launchURL('x')")), zlib.compress(b"app.launchURL('x')")),
    ),
}


def _active_objects(data: bytes) -> list[str]:
    """Return every action, trigger or script found in any object of the file (read with pypdf, all objects)."""
    reader = PdfReader(io.BytesIO(data))
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)  # a free slot of the xref table gives no dictionary
        if isinstance(obj, DictionaryObject):
            found += [key for key in ("/JS", "/AA", "/XFA") if key in obj]
            if obj.get("/S") in {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData"}:
                found.append(str(obj["/S"]))
            if isinstance(obj.get("/OpenAction"), DictionaryObject):
                found.append("/OpenAction")
            if isinstance(obj.get("/Names"), DictionaryObject) and "/JavaScript" in obj["/Names"]:
                found.append("/Names/JavaScript")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("name", MALICIOUS_PDFS)
def test_a_pdf_that_runs_code_is_stored_without_it_and_keeps_its_text(name, structure, member_of, client_for):
    data = MALICIOUS_PDFS[name]
    assert _active_objects(data), "the attack file must really hold active content"
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    client = client_for(worker)
    response = client.post(
        reverse("web:document_upload", args=[person.pk]),
        {"kind": "avis_imposition", "files": [SimpleUploadedFile("avis.pdf", data, content_type="application/pdf")]},
    )
    assert response.status_code == 302, html.unescape(response.content.decode())
    document = Document.objects.get()
    stored = client.get(reverse("web:document_download", args=[document.pk])).content
    assert _active_objects(stored) == []
    for leftover in (b"app.alert", b"calc.exe", b"cmd.exe", b"launchURL"):
        assert leftover not in stored, leftover
    assert VISIBLE in pdf_text(stored)
    event = AuditEvent.objects.get(action="documents.upload")
    assert event.detail["active_content_removed"]


@pytest.mark.django_db
def test_a_pdf_without_active_content_is_kept_byte_for_byte(structure, member_of):
    from appui.documents.services import document_upload

    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    clean = raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, PAGE + b" >>", _text_page(VISIBLE), FONT
    )
    document = document_upload(
        membership=worker,
        person=PersonFactory(structure=structure),
        kind="autre",
        files=[SimpleUploadedFile("a.pdf", clean, content_type="application/pdf")],
    )
    assert bytes(document.content) == clean


@pytest.mark.django_db
def test_a_pdf_that_cannot_be_checked_is_refused(structure, member_of):
    from appui.documents.services import document_upload

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", algorithm="AES-256")
    locked = io.BytesIO()
    writer.write(locked)
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    for data in (locked.getvalue(), b"%PDF-1.7\n" + SCRIPT):
        with pytest.raises(ValidationError, match="n'a pas pu être vérifié"):
            document_upload(
                membership=worker,
                person=PersonFactory(structure=structure),
                kind="autre",
                files=[SimpleUploadedFile("a.pdf", data, content_type="application/pdf")],
            )
    assert not Document.objects.exists()
