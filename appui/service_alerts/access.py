"""The way in to service alerts: a structure reads its own alerts; a territory only sees counts."""

from django.http import Http404

from appui.accounts.models import Membership, Structure
from appui.core.communes import get_commune

from .models import ServiceAlert, ServiceAlertQuerySet


def alerts_visible_by(membership: Membership) -> ServiceAlertQuerySet:
    return ServiceAlert.objects.filter(structure_id=membership.structure_id)


def access_alert(*, membership: Membership, pk: int | str) -> ServiceAlert:
    try:
        return alerts_visible_by(membership).get(pk=pk)
    except (ServiceAlert.DoesNotExist, ValueError, TypeError):
        raise Http404("Signalement introuvable.") from None


def territory_structure_ids(membership: Membership) -> list[int]:
    """Return the active structures of the member's département (the territory of aggregated counts)."""
    own = get_commune(membership.structure.commune_code)
    if own is None:
        return [membership.structure_id]
    return [
        pk
        for pk, code in Structure.objects.active().values_list("pk", "commune_code")
        if (commune := get_commune(code)) is not None and commune.departement == own.departement
    ]
