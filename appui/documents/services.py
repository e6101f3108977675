"""The only writers of documents: upload, download (journaled), delete, expiry reminders."""

import datetime
import hashlib
from collections.abc import Sequence
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.access import member_sees_person
from appui.people.models import Person

from .access import can_handle_documents
from .content import (
    TOO_LARGE,
    Upload,
    checked_format,
    clean_image,
    clean_pdf,
    display_name,
    images_to_pdf,
    read_limited,
)
from .enums import MAX_BYTES, MAX_PHOTOS, REMINDER_DAYS, DocumentFormat, DocumentKind
from .models import Document


def _check_member(membership: Membership, person: Person) -> None:
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if not can_handle_documents(membership):
        raise PermissionDenied("Votre rôle ne permet pas de consulter ni de déposer des documents.")


def _prepare_content(files: Sequence[Upload], *, as_pdf: bool) -> tuple[bytes, DocumentFormat, tuple[str, ...]]:
    """Return the content to store, its format and the active content removed, or raise ValidationError.

    One PDF is kept as it is, unless it holds scripts or automatic actions: they are removed. Several photos
    become one PDF, one page per photo. One photo stays a photo, upright and without its metadata, unless
    ``as_pdf`` asks for a PDF.
    """
    if not files:
        raise ValidationError({"files": "Choisissez un fichier, ou prenez le document en photo."})
    if len(files) > MAX_PHOTOS:
        raise ValidationError({"files": f"Déposez au plus {MAX_PHOTOS} photos à la fois."})
    parts = []
    for upload in files:
        name = display_name(upload)
        data = read_limited(upload)
        parts.append((data, name, checked_format(data, name=name)))
    if len(parts) > 1 and any(fmt == DocumentFormat.PDF for _, _, fmt in parts):
        raise ValidationError({"files": "Un PDF se dépose seul : déposez les photos dans un autre document."})
    data, name, document_format = parts[0]
    if len(parts) > 1 or (as_pdf and document_format != DocumentFormat.PDF):
        content = images_to_pdf([(data, name) for data, name, _ in parts])
        if len(content) > MAX_BYTES:
            raise ValidationError({"files": "Le PDF obtenu dépasse 10 Mo : déposez moins de photos à la fois."})
        return content, DocumentFormat.PDF, ()
    if document_format == DocumentFormat.PDF:
        content, removed = clean_pdf(data, name=name)
        if len(content) > MAX_BYTES:
            raise ValidationError({"files": TOO_LARGE.format(name=name)})
        return content, document_format, removed
    content = clean_image(data, name=name, document_format=document_format)
    if len(content) > MAX_BYTES:
        raise ValidationError({"files": "La photo dépasse 10 Mo : réduisez-la et recommencez."})
    return content, document_format, ()


def document_upload(
    *,
    membership: Membership,
    person: Person,
    kind: str,
    files: Sequence[Upload],
    expires_on: datetime.date | None = None,
    description: str = "",
    as_pdf: bool = False,
) -> Document:
    """Check the files by their content, store them encrypted as one document, and journal the upload.

    Reading and converting happen before the journal entry, which locks the audit chain until the commit: other
    writers do not wait for a conversion.
    """
    _check_member(membership, person)
    if person.is_anonymous:
        raise PermissionDenied("Une fiche anonyme ne reçoit pas de documents : créez d'abord une fiche nominative.")
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Type de document inconnu."})
    content, document_format, removed = _prepare_content(files, as_pdf=as_pdf)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        document = Document.objects.create(
            structure=membership.structure,
            person=person,
            kind=kind,
            description=description.strip()[:200],
            original_name=", ".join(display_name(f) for f in files)[:500],
            content=content,
            content_type=document_format,
            size=len(content),
            sha256=digest,
            expires_on=expires_on,
            uploaded_by=membership.user,
        )
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.DOCUMENT_UPLOAD,
            purpose=AuditPurpose.ACCOMPANIMENT,
            obj=document,
            person_id=person.pk,
            detail={
                "kind": kind,
                "content_type": str(document_format),
                "size": len(content),
                "sha256": digest,
                "files": len(files),
                "active_content_removed": list(removed),
            },
        )
    return document


@transaction.atomic
def document_download(*, membership: Membership, document: Document) -> bytes:
    """Return the decrypted content of ``document`` and journal who took it, in the same transaction."""
    _check_member(membership, document.person)
    content = bytes(document.content)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.DOCUMENT_DOWNLOAD,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=document,
        person_id=document.person_id,
        detail={"kind": document.kind, "sha256": document.sha256},
    )
    return content


@transaction.atomic
def document_delete(*, membership: Membership, document: Document) -> None:
    """Delete ``document`` and its content for good, and journal it (the journal keeps no content)."""
    _check_member(membership, document.person)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.DOCUMENT_DELETE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=document,
        person_id=document.person_id,
        detail={"kind": document.kind, "sha256": document.sha256},
    )
    Document.objects.filter(pk=document.pk).delete()


def documents_delete_for_person(*, person: Person) -> int:
    """Delete every document of ``person`` (anonymisation at the end of retention); return how many.

    Called inside the anonymisation's transaction, which journals the anonymisation itself.
    """
    deleted, _ = Document.objects.filter(person_id=person.pk).delete()
    return deleted


def document_reminders_send(*, today: datetime.date | None = None, within_days: int = REMINDER_DAYS) -> int:
    """E-mail the uploader of each document whose validity ends within ``within_days`` (once per document).

    The e-mail names no one (e-mail is not a safe channel): only the type of document, the file number and the
    date. An uploader who may no longer open the record (no longer an active member of the structure, or the
    record archived) gets nothing; the document still shows on the dashboard of those who see it. Return the
    number of e-mails sent.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    documents = (
        Document.objects.without_content()
        .expiring_by(today + datetime.timedelta(days=within_days))
        .filter(reminder_sent_at__isnull=True)
        .select_related("uploaded_by", "person", "structure")
        .order_by("id")
    )
    for document in documents:
        with transaction.atomic():
            claimed = Document.objects.filter(pk=document.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            may_open = member_sees_person(
                user_id=document.uploaded_by_id, structure_id=document.structure_id, person_id=document.person_id
            )
            if not claimed or not may_open or document.expires_on is None:
                continue
            validity = (
                f"n'est plus valable depuis le {document.expires_on:%d/%m/%Y}"
                if document.expires_on < today
                else f"est valable jusqu'au {document.expires_on:%d/%m/%Y}"
            )
            message = (
                f"Un document déposé dans Appui ({document.get_kind_display()}, dossier n° "
                f"{document.person.file_number}, {document.structure}) {validity}. Voyez avec la personne s'il faut "
                "le renouveler, ou supprimez-le s'il n'est plus utile."
            )
            transaction.on_commit(partial(document.uploaded_by.email_user, "Un document arrive à échéance", message))
        sent += 1
    return sent
