"""Access to the places of the member's structure."""

from django.http import Http404

from appui.accounts.models import Membership

from .models import Place, PlaceQuerySet


def own_places_of(membership: Membership) -> PlaceQuerySet:
    """Return the places of the member's structure, open first."""
    return Place.objects.of_structure(membership.structure_id).order_by("closed_at", "name", "id")


def access_own_place(*, membership: Membership, pk: int | str) -> Place:
    """Return a place of the member's own structure, or raise Http404."""
    try:
        return own_places_of(membership).get(pk=pk)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404("Lieu introuvable.") from None
