"""The documents part of the right-of-access export (RGPD art. 15)."""

import pytest

from appui.accounts.enums import Role
from appui.documents.models import Document
from appui.documents.services import document_upload, documents_delete_for_person
from appui.people.export import PartKey, build_export, machine_record
from appui.people.export_readers import MemberReader
from tests.people.factories import PersonFactory

from .files import jpeg, pdf_with_text, upload


@pytest.mark.django_db
def test_export_describes_each_document_and_gives_its_file_to_a_member_who_may_open_it(
    worker, person, structure, member_of
):
    pdf = pdf_with_text("avis")
    document_upload(
        membership=worker, person=person, kind="avis_imposition", files=[upload(pdf, "avis.pdf")], description="2025"
    )
    second = document_upload(membership=worker, person=person, kind="rib", files=[upload(jpeg(), "rib.jpg")])
    document_upload(membership=worker, person=PersonFactory(structure=structure), kind="rib", files=[upload(pdf)])
    export = build_export(person=person, reader=MemberReader(worker, person))
    documents = next(s for s in export.sections if s.theme.key == "documents")
    rows = [machine_record(record) for record in documents.records]
    assert [r["kind"]["code"] for r in rows] == ["avis_imposition", "rib"]
    assert rows[0]["kind"] == {"code": "avis_imposition", "label": "Avis d'imposition"}
    assert rows[0]["description"] == "2025" and rows[0]["original_name"] == "avis.pdf"
    assert rows[0]["file"] == "documents/1-avis_imposition.pdf"
    files = {file.path: file.load() for file in export.files if file.path.startswith("documents/")}
    assert files == {"documents/1-avis_imposition.pdf": pdf, "documents/2-rib.jpg": bytes(second.content)}


@pytest.mark.django_db
def test_the_documents_are_a_part_apart_for_a_member_who_may_not_open_them(worker, person, member_of, structure):
    document_upload(membership=worker, person=person, kind="rib", files=[upload(pdf_with_text("x"))])
    dpo = member_of(structure, Role.DPO)
    export = build_export(person=person, reader=MemberReader(dpo, person))
    assert not [s for s in export.sections if s.theme.key == "documents"] and not export.files
    assert PartKey("documents") in export.withheld
    alone = build_export(person=person, reader=MemberReader(worker, person), part=PartKey("documents"))
    assert [s.theme.key for s in alone.sections] == ["documents"] and len(alone.files) == 1


@pytest.mark.django_db
def test_anonymisation_deletes_the_persons_documents(worker, person, structure):
    document_upload(membership=worker, person=person, kind="rib", files=[upload(pdf_with_text("x"))])
    other = document_upload(
        membership=worker, person=PersonFactory(structure=structure), kind="rib", files=[upload(pdf_with_text("y"))]
    )
    assert documents_delete_for_person(person=person) == 1
    assert list(Document.objects.all()) == [other]
