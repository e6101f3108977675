"""The only writers of a structure's own places (the places where it receives people)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record

from .models import Place

OWN_PLACE_FIELDS = frozenset({"name", "address", "postal_code", "commune_code"})


def _check(membership: Membership, fields: dict[str, Any]) -> None:
    if not policy.can_manage_members(membership):
        raise PermissionDenied("Seul le ou la responsable de la structure gère ses lieux.")
    unknown = set(fields) - OWN_PLACE_FIELDS
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")


@transaction.atomic
def own_place_create(*, membership: Membership, fields: dict[str, Any]) -> Place:
    """Add a place of the member's structure (a reception desk, a branch, a partner's room…)."""
    _check(membership, fields)
    place = Place(structure=membership.structure, **fields)
    place.full_clean()
    if Place.objects.of_structure(membership.structure_id).open().filter(name__iexact=place.name).exists():
        raise ValidationError({"name": "Un lieu ouvert de la structure porte déjà ce nom."})
    place.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_CREATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
    )
    return place


@transaction.atomic
def own_place_update(
    *, membership: Membership, place: Place, fields: dict[str, Any], closed: bool | None = None
) -> Place:
    """Change a place of the structure, or close it (a closed place is no longer offered at entry)."""
    _check(membership, fields)
    if place.structure_id != membership.structure_id:
        raise PermissionDenied("Ce lieu n'appartient pas à votre structure.")
    changed = sorted(name for name, value in fields.items() if getattr(place, name) != value)
    for name, value in fields.items():
        setattr(place, name, value)
    if closed is not None and closed != (place.closed_at is not None):
        if closed and not Place.objects.of_structure(place.structure_id).open().exclude(pk=place.pk).exists():
            raise ValidationError("Gardez au moins un lieu ouvert : les accompagnements s'y enregistrent.")
        place.closed_at = timezone.now() if closed else None
        changed.append("closed_at")
    place.full_clean()
    place.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
        detail={"fields": changed},
    )
    return place
