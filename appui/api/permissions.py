from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from appui.accounts.models import ApiToken, Membership
from appui.web.middleware import SESSION_KEY


def resolve_membership(request: Request) -> Membership | None:
    """Return the membership an API request acts under: the token's, or the session's chosen one."""
    if isinstance(request.auth, ApiToken):
        return request.auth.membership
    user = request.user
    if not user or not user.is_authenticated:
        return None
    # A browser session reaches the API only after the second factor, as it does the pages.
    if not getattr(user, "is_verified", lambda: False)():
        return None
    active = Membership.objects.active().filter(user=user).select_related("structure", "user")
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen:
        return active.filter(pk=chosen).first()
    memberships = list(active[:2])
    return memberships[0] if len(memberships) == 1 else None


class HasMembership(BasePermission):
    """Allow a request only when it acts under an active membership; attach it as ``request.membership``."""

    message = "Authentification requise, avec un accès actif à une structure."

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = resolve_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        # Also on the underlying request, where the middleware that journals refused requests looks for it.
        request._request.membership = membership  # type: ignore[attr-defined]
        return membership is not None
