"""The one way in to mandates and revocations."""

from django.http import Http404

from appui.accounts.models import Membership

from .models import Mandate, MandateQuerySet, MandateRevocation


def mandates_visible_by(membership: Membership) -> MandateQuerySet:
    """Return the mandates of the member's structure."""
    return Mandate.objects.filter(structure_id=membership.structure_id)


def access_mandate(*, membership: Membership, pk: int | str) -> Mandate:
    try:
        return mandates_visible_by(membership).select_related("person", "created_by").get(pk=pk)
    except (Mandate.DoesNotExist, ValueError, TypeError):
        raise Http404("Mandat introuvable.") from None


def access_revocation(*, membership: Membership, pk: int | str) -> MandateRevocation:
    try:
        return MandateRevocation.objects.select_related("mandate").get(
            pk=pk, mandate__structure_id=membership.structure_id
        )
    except (MandateRevocation.DoesNotExist, ValueError, TypeError):
        raise Http404("Révocation introuvable.") from None
