"""Document vault pages: a person's documents, upload, download (as an attachment only), delete.

Each view first resolves the object through the access helpers (404 for anything the member may not reach,
whatever the HTTP method), then checks the method, then the role.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from appui.documents import services
from appui.documents.access import access_document, can_handle_documents
from appui.documents.selectors import documents_of_person
from appui.people.access import access_person
from appui.web.files import attachment_response
from appui.web.middleware import membership_required

from .forms import DocumentUploadForm


def _not_allowed(request: HttpRequest, *methods: str) -> HttpResponse | None:
    return None if request.method in methods else HttpResponseNotAllowed(methods)


@membership_required
def document_list(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if refused := _not_allowed(request, "GET", "HEAD"):
        return refused
    if not can_handle_documents(membership):
        raise PermissionDenied
    return render(
        request,
        "web/documents/list.html",
        {
            "person": person,
            "documents": list(documents_of_person(membership, person)),
            "can_upload": not person.is_anonymous,
            "title": f"Documents — {person}",
            "nav": "people",
        },
    )


@membership_required
def document_upload(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if refused := _not_allowed(request, "GET", "HEAD", "POST"):
        return refused
    if not can_handle_documents(membership) or person.is_anonymous:
        raise PermissionDenied
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(membership=membership, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le document est enregistré dans le coffre-fort.")
            return redirect("web:document_list", person_pk=person.pk)
    return render(
        request,
        "web/documents/upload.html",
        {"form": form, "person": person, "title": f"Déposer un document — {person}", "nav": "people"},
    )


@membership_required
def document_download(request: HttpRequest, document_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    document = access_document(membership=membership, pk=document_pk, with_content=True)
    if refused := _not_allowed(request, "GET"):
        return refused
    content = services.document_download(membership=membership, document=document)
    # Generated name only: the uploaded name may hold quotes, line breaks or a path, and personal data.
    return attachment_response(content, content_type=document.content_type, filename=document.filename)


@membership_required
def document_delete(request: HttpRequest, document_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    document = access_document(membership=membership, pk=document_pk)
    if refused := _not_allowed(request, "GET", "HEAD", "POST"):
        return refused
    if request.method == "POST":
        services.document_delete(membership=membership, document=document)
        messages.success(request, "Le document est supprimé.")
        return redirect("web:document_list", person_pk=document.person_id)
    return render(
        request,
        "web/documents/delete.html",
        {"document": document, "person": document.person, "title": f"Supprimer : {document}", "nav": "people"},
    )
