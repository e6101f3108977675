"""Request-level access control for the web interface."""

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from appui.accounts.models import Membership
from appui.accounts.second_factor import has_second_factor
from appui.accounts.signals import SESSION_LOGIN_AT
from appui.audit.services import audit_access_refused
from appui.reporting.territory import has_coordination

logger = logging.getLogger("appui.security")

SESSION_KEY = "appui_membership_id"
SESSION_SEEN_AT = "appui_seen_at"


def session_expired(request: HttpRequest) -> bool:
    """Return whether the session passed its absolute limit (after login) or its idle limit (since last request).

    The idle limit is also the session cookie's age, renewed on each request; it is checked here as well so that
    it holds whatever the session backend (ASVS 3.3.1, 3.3.2).
    """
    now = time.time()
    login_at = request.session.get(SESSION_LOGIN_AT)
    seen_at = request.session.get(SESSION_SEEN_AT)  # absent from sessions opened before it existed
    return (
        not isinstance(login_at, int | float)
        or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
        or (isinstance(seen_at, int | float) and now - seen_at > settings.SESSION_COOKIE_AGE)
    )


def renew_idle_limit(request: HttpRequest) -> None:
    """Note the request's time in the session, at most once per ``SESSION_RENEW_SECONDS``.

    Noting it changes the session, which saves it and renews its cookie for ``SESSION_COOKIE_AGE``. Writing the
    session on every request cost a database write and a commit per page; once a minute keeps the idle limit
    within a minute of 30 minutes (docs/connexion.md).
    """
    now = int(time.time())
    seen_at = request.session.get(SESSION_SEEN_AT)
    if not isinstance(seen_at, int | float) or now - seen_at >= settings.SESSION_RENEW_SECONDS:
        request.session[SESSION_SEEN_AT] = now


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

    The membership is re-read on every request, so a deactivated member loses access at once. Before it,
    the session limits — 12 hours after login at most, 30 minutes without a request — for pages and for API
    calls made with the session alike, then the second factor: a user who only typed a password reaches nothing
    but the second-factor pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if session_expired(request):
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # anonymous now: the API answers 401 itself
                messages.info(request, "Votre session a expiré : reconnectez-vous.")
                return redirect("web:login")
            renew_idle_limit(request)
            if user.is_verified() and not request.path.startswith("/api/"):
                response = self._attach_membership(request, user)
                if response is not None:
                    return response
        return self.get_response(request)

    def _attach_membership(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        active = Membership.objects.active().filter(user=user).select_related("structure", "user")
        chosen = request.session.get(SESSION_KEY)
        membership = active.filter(pk=chosen).first() if chosen else None
        if membership is None:
            memberships = list(active[:2])
            if len(memberships) == 1:
                membership = memberships[0]
                request.session[SESSION_KEY] = membership.pk
            elif not memberships and not user.is_superuser and not has_coordination(user):
                logout(request)
                messages.error(
                    request, "Votre accès n'est plus actif. Contactez le ou la responsable de votre structure."
                )
                return redirect("web:login")
        request.membership = membership  # type: ignore[attr-defined]
        return None

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or user.is_verified()
            or request.path.startswith("/api/")
            or getattr(view_func, "second_factor_not_required", False)
            or getattr(view_func, "login_required", True) is False
        ):
            return None
        step = "web:otp_verify" if has_second_factor(user) else "web:otp_enroll"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def second_factor_not_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that a password-only session may reach (the second-factor pages, logout)."""
    view.second_factor_not_required = True  # type: ignore[attr-defined]
    return view


class RefusedAccessAuditMiddleware:
    """Journal every refused request of a signed-in user: 401, 403, and the 404 and 405 that probing produces.

    It runs outside the request's transaction (``ATOMIC_REQUESTS`` wraps the view only), so the event is written
    in a transaction of its own and survives the rollback of the refused request. Anonymous requests never
    reach a page (they are sent to the login page) and are left to django-axes and the server's logs.
    """

    REFUSED = frozenset({401, 403, 404, 405})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's authentication sets it on this request too
        if response.status_code in self.REFUSED and user is not None and user.is_authenticated:
            membership = getattr(request, "membership", None)
            try:
                audit_access_refused(
                    actor=user,
                    structure=membership.structure if membership is not None else None,
                    method=request.method or "",
                    path=request.path,
                    status=response.status_code,
                )
            except Exception:  # the refusal stands; a journal that cannot be written is an operator's alarm
                logger.exception("Refus d'accès non journalisé : %s %s", request.method, request.path)
        return response


class NoStoreMiddleware:
    """Forbid caching of every page and API answer: they may hold personal data (OWASP ASVS 8.2.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        ):
            response["Cache-Control"] = "no-store"
        return response


def membership_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view that works inside a structure: send users with several structures to choose one."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            user = getattr(request, "user", None)
            # A coordination account without a structure has one page: the figures of its territory.
            if (
                user is not None
                and has_coordination(user)
                and not Membership.objects.active().filter(user=user).exists()
            ):
                return redirect("web:territory_statistics")
            return redirect(f"{reverse('web:choose_structure')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
