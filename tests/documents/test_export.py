"""The documents part of the right-of-access export (RGPD art. 15)."""

import pytest

from appui.documents.export import document_files_for_person_export, documents_for_person_export
from appui.documents.models import Document
from appui.documents.services import document_upload, documents_delete_for_person
from tests.people.factories import PersonFactory

from .files import jpeg, pdf_with_text, upload


@pytest.mark.django_db
def test_export_describes_each_document_and_gives_its_file(worker, person, structure):
    pdf = pdf_with_text("avis")
    first = document_upload(
        membership=worker, person=person, kind="avis_imposition", files=[upload(pdf, "avis.pdf")], description="2025"
    )
    second = document_upload(membership=worker, person=person, kind="rib", files=[upload(jpeg(), "rib.jpg")])
    document_upload(membership=worker, person=PersonFactory(structure=structure), kind="rib", files=[upload(pdf)])
    rows = documents_for_person_export(person)
    assert [r["numéro"] for r in rows] == [first.pk, second.pk]
    assert rows[0]["type de document"] == {"code": "avis_imposition", "libellé": "Avis d'imposition"}
    assert rows[0]["précision"] == "2025" and rows[0]["nom du fichier déposé"] == "avis.pdf"
    assert rows[0]["fichier dans l'archive"] == f"documents/document-{first.pk}.pdf"
    files = dict(document_files_for_person_export(person))
    assert files == {
        f"documents/document-{first.pk}.pdf": pdf,
        f"documents/document-{second.pk}.jpg": bytes(second.content),
    }


@pytest.mark.django_db
def test_anonymisation_deletes_the_persons_documents(worker, person, structure):
    document_upload(membership=worker, person=person, kind="rib", files=[upload(pdf_with_text("x"))])
    other = document_upload(
        membership=worker, person=PersonFactory(structure=structure), kind="rib", files=[upload(pdf_with_text("y"))]
    )
    assert documents_delete_for_person(person=person) == 1
    assert list(Document.objects.all()) == [other]
