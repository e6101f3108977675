"""The person's documents for the right-of-access export (RGPD art. 15): a description of each, and the files.

The callers (the art. 15 export) authorise the reader and journal the export; these functions only read. The
content is given as files to put in the archive, not inside the JSON: the export also prints its data in a
PDF, where several megabytes of base64 would be of no use to the person.
"""

from collections.abc import Iterator
from typing import Any

from appui.people.models import Person

from .models import Document, DocumentQuerySet

ARCHIVE_FOLDER = "documents"


def archive_path(document: Document) -> str:
    """Return where the document's file goes in the export archive (a generated, safe name)."""
    return f"{ARCHIVE_FOLDER}/{document.filename}"


def _documents(person: Person) -> DocumentQuerySet:
    return Document.objects.filter(person_id=person.pk).order_by("uploaded_at", "id")


def documents_for_person_export(person: Person) -> list[dict[str, Any]]:
    """Return a description of each document of ``person``, oldest first, in French, without the content."""
    return [
        {
            "numéro": document.pk,
            "type de document": {"code": document.kind, "libellé": document.get_kind_display()},
            "précision": document.description,
            "nom du fichier déposé": document.original_name,
            "fichier dans l'archive": archive_path(document),
            "format": {"code": document.content_type, "libellé": document.get_content_type_display()},
            "taille (octets)": document.size,
            "empreinte SHA-256": document.sha256,
            "déposé le": document.uploaded_at,
            "fin de validité": document.expires_on,
        }
        for document in _documents(person).without_content()
    ]


def document_files_for_person_export(person: Person) -> Iterator[tuple[str, bytes]]:
    """Yield (path in the archive, decrypted content) for each document of ``person``, one at a time."""
    for document in _documents(person).iterator(chunk_size=1):
        yield archive_path(document), bytes(document.content)
