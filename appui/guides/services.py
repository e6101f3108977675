"""The only writers of the structures' local versions of the guides."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record

from .access import can_adapt_guides
from .models import GuideOverride
from .rendering import MAX_MARKDOWN_CHARS
from .selectors import guide_get


def _check(membership: Membership, slug: str) -> None:
    if not can_adapt_guides(membership):
        raise PermissionDenied("Seul·e le ou la responsable de la structure peut adapter un guide.")
    if guide_get(slug) is None:
        raise ValidationError("Ce guide n'existe pas.")


@transaction.atomic
def guide_override_save(*, membership: Membership, slug: str, body: str) -> GuideOverride:
    """Write the structure's local version of the guide ``slug`` (create or replace it)."""
    _check(membership, slug)
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": "Le texte adapté ne peut pas être vide."})
    if len(body) > MAX_MARKDOWN_CHARS:
        raise ValidationError({"body": f"Le texte adapté dépasse {MAX_MARKDOWN_CHARS} caractères."})
    override, created = GuideOverride.objects.update_or_create(
        structure=membership.structure, slug=slug, defaults={"body": body + "\n", "updated_by": membership.user}
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.GUIDE_OVERRIDE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=override,
        detail={"slug": slug, "change": "create" if created else "update"},
    )
    return override


@transaction.atomic
def guide_override_delete(*, membership: Membership, slug: str) -> bool:
    """Remove the structure's local version of ``slug``: its members read the national guide again."""
    _check(membership, slug)
    override = GuideOverride.objects.for_structure(membership.structure).filter(slug=slug).first()
    if override is None:
        return False
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.GUIDE_OVERRIDE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=override,
        detail={"slug": slug, "change": "delete"},
    )
    override.delete()
    return True
