"""The way in to places, and who may change them.

Decisions (see docs/annuaire.md):
- Places hold no personal data: every member reads the directory (imported places and the published places of
  every structure of the Appui) and all the places of their own structure, published or not. A place they may
  not see — another structure's unpublished place — answers 404 like one that does not exist.
- Only the structure manager (responsable) describes the structure's own places and imports files into the
  directory from the web; a web import may update only the sources first imported by the same structure
  (imports from the command line belong to the operator).
"""

from django.http import Http404

from appui.accounts.enums import Role
from appui.accounts.models import Membership

from .models import Place, PlaceQuerySet, PlaceService, PlaceSource


def can_manage_places(membership: Membership) -> bool:
    """Return whether the member may describe the structure's places and import directory files."""
    return membership.role == Role.RESPONSABLE


def places_visible_by(membership: Membership) -> PlaceQuerySet:
    """Return the places the member may list (open or closed)."""
    return Place.objects.visible_by(membership)


def access_place(*, membership: Membership, pk: int | str) -> Place:
    """Return the place ``pk`` if the member may see it, or raise Http404."""
    try:
        return places_visible_by(membership).get(pk=pk)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404("Lieu introuvable.") from None


def access_own_place(*, membership: Membership, pk: int | str) -> Place:
    """Return the place ``pk`` if it is one of the member's structure's own places, or raise Http404."""
    try:
        return Place.objects.of_structure(membership.structure_id).get(pk=pk)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404("Lieu introuvable.") from None


def access_own_place_service(*, membership: Membership, pk: int | str) -> PlaceService:
    """Return a service of one of the structure's own places, or raise Http404."""
    try:
        return PlaceService.objects.select_related("place").get(pk=pk, place__structure_id=membership.structure_id)
    except (PlaceService.DoesNotExist, ValueError, TypeError):
        raise Http404("Service introuvable.") from None


def sources_importable_by(membership: Membership) -> "list[PlaceSource]":
    """Return the directory sources the member's structure imported from the web (it may update them)."""
    return list(PlaceSource.objects.importable_by(membership))
