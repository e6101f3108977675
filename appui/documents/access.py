"""The one way in to documents. Interfaces never query Document directly.

Who may handle documents: the roles that may read a person's situation (médiateur, travailleur social,
responsable). Papers such as a tax notice, a payslip or a bank statement are situation data, so the accueil
role does not see them, and the DPO, who controls the processing without reading social content, neither.
For every other member a document does not exist: it answers 404, like another structure's document.
"""

from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.people.models import person_visibility

from .models import Document, DocumentQuerySet


def can_handle_documents(membership: Membership) -> bool:
    """Return whether the member may list, upload, download and delete the documents of persons they see."""
    return policy.can_view_situation(membership)


def documents_visible_by(membership: Membership) -> DocumentQuerySet:
    """Return the documents the member may reach, without their content (lists need only the metadata)."""
    if not can_handle_documents(membership):
        return Document.objects.none()
    return Document.objects.filter(
        person_visibility(membership, "person__"), structure_id=membership.structure_id
    ).without_content()


def access_document(*, membership: Membership, pk: int | str, with_content: bool = False) -> Document:
    """Return the document ``pk`` if the member may reach it; Http404 otherwise (existence is never revealed)."""
    documents = documents_visible_by(membership).select_related("person", "uploaded_by")
    if with_content:
        documents = documents.defer(None)
    try:
        return documents.get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("Document introuvable.") from None
