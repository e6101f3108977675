"""Access to memberships and tokens, from the current member's point of view."""

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken, Membership, MembershipQuerySet, User


def members_visible_by(membership: Membership) -> MembershipQuerySet:
    """Return the memberships of the member's structure."""
    return Membership.objects.filter(structure_id=membership.structure_id).select_related("user")


def access_member(*, membership: Membership, pk: int | str) -> Membership:
    """Return a membership of the member's own structure, or raise Http404."""
    try:
        return members_visible_by(membership).get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("Membre introuvable.") from None


def access_api_token(*, membership: Membership, pk: int | str) -> ApiToken:
    """Return one of the member's own API tokens, or raise Http404."""
    try:
        return ApiToken.objects.get(pk=pk, membership=membership)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("Jeton introuvable.") from None


def api_tokens_of(membership: Membership) -> "QuerySet[ApiToken]":
    """Return the member's own API tokens, newest first."""
    return ApiToken.objects.filter(membership=membership).order_by("-created_at")


def referent_choices(membership: Membership) -> "QuerySet[User]":
    """Return the users who can be named referents of a person: active members of the structure."""
    return User.objects.filter(
        memberships__structure_id=membership.structure_id, memberships__is_active=True, is_active=True
    ).order_by("last_name", "first_name")
