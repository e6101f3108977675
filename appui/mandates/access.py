"""The one way in to mandates and revocations."""

from django.http import Http404

from appui.accounts.models import Membership

from .models import Mandate, MandateQuerySet, MandateRevocation


def mandates_visible_by(membership: Membership) -> MandateQuerySet:
    """Return the mandates the member may reach (they follow their person's visibility)."""
    return Mandate.objects.visible_by(membership)


def access_mandate(*, membership: Membership, pk: int | str) -> Mandate:
    try:
        return mandates_visible_by(membership).select_related("person", "created_by").get(pk=pk)
    except (Mandate.DoesNotExist, ValueError, TypeError):
        raise Http404("Mandat introuvable.") from None


def access_revocation(*, membership: Membership, pk: int | str) -> MandateRevocation:
    try:
        return MandateRevocation.objects.select_related("mandate").get(
            pk=pk, mandate__in=mandates_visible_by(membership)
        )
    except (MandateRevocation.DoesNotExist, ValueError, TypeError):
        raise Http404("Révocation introuvable.") from None
