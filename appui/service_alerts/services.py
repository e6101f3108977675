"""The only writer of service alerts."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.documents.content import clean_image, sniff_format
from appui.documents.enums import DocumentFormat

from .models import ServiceAlert

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
_IMAGE_FORMATS = {DocumentFormat.PNG, DocumentFormat.JPEG}


def screenshot_type(data: bytes) -> str | None:
    """Return the MIME type of a PNG or JPEG image from its first bytes (never from its name), else None."""
    document_format = sniff_format(data[:16])
    return str(document_format) if document_format in _IMAGE_FORMATS else None


def clean_screenshot(data: bytes, *, name: str) -> tuple[bytes, str]:
    """Return the screenshot decoded and re-encoded as the vault does its photos, and its MIME type.

    Only the picture is kept: metadata (EXIF, GPS position, device) and whatever else the file carried (an
    image that is also HTML or an archive, data after the image's end) do not survive the re-encoding.
    """
    mime = screenshot_type(data)
    if mime is None:
        raise ValidationError({"screenshot": "La capture doit être une image PNG ou JPEG."})
    try:
        cleaned = clean_image(data, name=name, document_format=DocumentFormat(mime))
    except ValidationError as exc:
        raise ValidationError({"screenshot": exc.messages}) from None
    if len(cleaned) > MAX_SCREENSHOT_BYTES:
        raise ValidationError({"screenshot": "La capture dépasse 5 Mo : réduisez-la et recommencez."})
    return cleaned, mime


@transaction.atomic
def service_alert_create(
    *,
    membership: Membership,
    fields: dict[str, Any],
    accompaniment: Accompaniment | None = None,
    screenshot: UploadedFile | None = None,
) -> ServiceAlert:
    """Record that an online service failed; refuse the whole input on any invalid part."""
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied("Votre rôle ne permet pas de faire un signalement.")
    if accompaniment is not None and accompaniment.structure_id != membership.structure_id:
        raise PermissionDenied("Cet accompagnement n'appartient pas à votre structure.")
    alert = ServiceAlert(structure=membership.structure, author=membership.user, accompaniment=accompaniment, **fields)
    if alert.occurred_on and alert.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "La date du problème ne peut pas être dans le futur."})
    if alert.service == "autre" and not alert.service_other.strip():
        raise ValidationError({"service_other": "Précisez le service en ligne concerné."})
    if screenshot is not None:
        if screenshot.size and screenshot.size > MAX_SCREENSHOT_BYTES:
            raise ValidationError({"screenshot": "La capture dépasse 5 Mo."})
        data = screenshot.read(MAX_SCREENSHOT_BYTES + 1)
        if len(data) > MAX_SCREENSHOT_BYTES:
            raise ValidationError({"screenshot": "La capture dépasse 5 Mo."})
        alert.screenshot, alert.screenshot_type = clean_screenshot(data, name=(screenshot.name or "capture")[:200])
    alert.full_clean(exclude=["structure", "author", "accompaniment", "screenshot"])
    alert.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.SERVICE_ALERT_CREATE,
        purpose=AuditPurpose.STATISTICS,
        obj=alert,
        person_id=accompaniment.person_id if accompaniment else None,
    )
    return alert


@transaction.atomic
def service_alert_export_record(*, membership: Membership, scope: str, rows: int) -> None:
    """Journal an export of service alerts (aggregated, no personal data)."""
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.EXPORT,
        purpose=AuditPurpose.STATISTICS,
        detail={"export": "service_alerts", "scope": scope, "rows": rows},
    )
