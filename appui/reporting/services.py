"""The only writers of statistics settings: sharing with the territory, coordination accounts, exports' trace."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership, User
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.territories import territory_name

from .enums import TerritoryKind
from .models import StatisticsSharing, TerritoryCoordination


@transaction.atomic
def statistics_sharing_update(*, membership: Membership, with_departement: bool, with_epci: bool) -> StatisticsSharing:
    """Record whether the structure shares its aggregated figures with its département's and EPCI's coordinators."""
    if not policy.can_manage_members(membership):
        raise PermissionDenied("Seul le ou la responsable de la structure décide du partage de ses statistiques.")
    sharing, _ = StatisticsSharing.objects.get_or_create(structure=membership.structure)
    before = {"departement": sharing.with_departement, "epci": sharing.with_epci}
    sharing.with_departement = with_departement
    sharing.with_epci = with_epci
    sharing.updated_by = membership.user
    sharing.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.SHARING_UPDATE,
        purpose=AuditPurpose.STATISTICS,
        obj=sharing,
        detail={"before": before, "after": {"departement": with_departement, "epci": with_epci}},
    )
    return sharing


@transaction.atomic
def coordination_grant(
    *, user: User, territory_kind: str, territory_code: str, by: User | None = None
) -> TerritoryCoordination:
    """Give a coordination account the aggregated view of a territory (platform operator, from the CLI)."""
    if territory_kind not in TerritoryKind.values:
        raise ValidationError({"territory_kind": "Type de territoire inconnu (departement ou epci)."})
    if not territory_name(territory_kind, territory_code):
        raise ValidationError({"territory_code": f"Territoire inconnu : {territory_code}."})
    existing = TerritoryCoordination.objects.filter(
        user=user, territory_kind=territory_kind, territory_code=territory_code, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    coordination = TerritoryCoordination.objects.create(
        user=user, territory_kind=territory_kind, territory_code=territory_code
    )
    audit_record(
        actor=by,
        structure=None,
        action=AuditAction.COORDINATION_GRANT,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=coordination,
        detail={"user": user.pk, "territory": f"{territory_kind}:{territory_code}"},
    )
    return coordination


@transaction.atomic
def coordination_revoke(*, coordination: TerritoryCoordination, by: User | None = None) -> TerritoryCoordination:
    if coordination.revoked_at is None:
        coordination.revoked_at = timezone.now()
        coordination.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            structure=None,
            action=AuditAction.COORDINATION_REVOKE,
            purpose=AuditPurpose.ADMINISTRATION,
            obj=coordination,
        )
    return coordination


def record_export(*, membership: Membership, kind: str, detail: dict[str, Any]) -> None:
    """Journal an export of statistics or activities (who, what, which period), in its own transaction."""
    with transaction.atomic():
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.STATISTICS_EXPORT,
            purpose=AuditPurpose.STATISTICS,
            detail={"kind": kind, **detail},
        )
