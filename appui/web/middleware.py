"""Request-level access control for the web interface."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from appui.accounts.models import Membership

SESSION_KEY = "appui_membership_id"


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Require login on every page; the API answers 401/403 itself instead of redirecting."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MembershipMiddleware:
    """Attach ``request.membership``: the structure the user works in now, and their role there.

    The membership is re-read on every request, so a deactivated member loses access at once.
    This is also where a verified second factor will be required (issue 4): one check before any page.
    """

    EXEMPT_URL_NAMES = frozenset({"web:choose_structure", "web:logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            active = Membership.objects.active().filter(user=user).select_related("structure", "user")
            chosen = request.session.get(SESSION_KEY)
            membership = active.filter(pk=chosen).first() if chosen else None
            if membership is None:
                memberships = list(active[:2])
                if len(memberships) == 1:
                    membership = memberships[0]
                    request.session[SESSION_KEY] = membership.pk
                elif not memberships and not user.is_superuser:
                    logout(request)
                    messages.error(
                        request, "Votre accès n'est plus actif. Contactez le ou la responsable de votre structure."
                    )
                    return redirect("web:login")
            request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)


def membership_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view that works inside a structure: send users with several structures to choose one."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            return redirect(f"{reverse('web:choose_structure')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
