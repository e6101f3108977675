"""What the right-of-access export (RGPD art. 15) gives of the person's documents: a description of each, and
the files themselves, to the members who may handle documents (``appui.documents.access``) and to nobody else.

The content is given as files of the archive, not inside the JSON: the export also prints its data in a PDF,
where several megabytes of base64 would be of no use to the person. Files are read one at a time, when the
archive is written.
"""

from functools import partial

from appui.core.dates import french_date
from appui.core.fields import ROW_UID
from appui.people.enums import ExportPartKind
from appui.people.export import Entry, ExportContext, Record, Theme, choice, exporter

from .enums import EXTENSIONS, DocumentFormat
from .models import Document

ARCHIVE_FOLDER = "documents"


def archive_path(document: Document, number: int) -> str:
    """Return where the document's file goes in the export archive: a generated name, without internal ids."""
    return f"{ARCHIVE_FOLDER}/{number}-{document.kind}.{EXTENSIONS[DocumentFormat(document.content_type)]}"


def _content(pk: int) -> bytes:
    return bytes(Document.objects.only("content", ROW_UID).get(pk=pk).content)


@exporter("documents.Document", theme=Theme.DOCUMENTS)
def export_documents(ctx: ExportContext) -> list[Record]:
    records: list[Record] = []
    documents = Document.objects.filter(person_id=ctx.person.pk).without_content().order_by("uploaded_at", "id")
    for document in documents:
        if not ctx.include(ExportPartKind.DOCUMENTS, document):
            continue
        path = ctx.add_file(
            archive_path(document, len(records) + 1), document.get_kind_display(), partial(_content, document.pk)
        )
        records.append(
            Record(
                "document",
                f"{document.get_kind_display()} déposé le {french_date(document.uploaded_at)}",
                (
                    choice("kind", "Type de document", document.kind, document.get_kind_display()),
                    Entry("description", "Précision", document.description or None),
                    Entry("original_name", "Nom du fichier déposé", document.original_name or None),
                    Entry("uploaded_at", "Déposé le", document.uploaded_at),
                    Entry("expires_on", "Valable jusqu'au", document.expires_on),
                    choice("content_type", "Format", document.content_type, document.get_content_type_display()),
                    Entry("size", "Taille", document.size, f"{document.size:,} octets".replace(",", "\u202f")),
                    Entry("sha256", "Empreinte SHA-256", document.sha256),
                    Entry("file", "Fichier joint", path),
                ),
            )
        )
    return records
