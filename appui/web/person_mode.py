"""The person mode's own locked session, for a shared tablet or computer.

When a worker opens the diagnostic's person mode, the session is locked to it: every other URL (staff pages, the
API, even the logout) answers with the lock page. At the end of the questionnaire, when the person stops, or after
``APPUI_PERSON_MODE_IDLE_SECONDS`` without an answer, the questions are locked too; only the worker's password
gives the session back (five wrong passwords end the session). See docs/mode-personne.md.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

SESSION_KEY = "appui_person_mode"
MAX_PASSWORD_FAILURES = 5


def person_mode_enter(request: HttpRequest, person_pk: int) -> None:
    """Lock the session to the person mode of ``person_pk`` (kept if already there)."""
    state = request.session.get(SESSION_KEY)
    if not state or state.get("person_pk") != person_pk:
        request.session[SESSION_KEY] = {"person_pk": person_pk, "seen": time.time(), "locked": False, "failures": 0}


def person_mode_lock(request: HttpRequest, *, next_url: str, message: str = "") -> HttpResponse:
    """Close the questions: only the worker's password opens the session again, then goes to ``next_url``."""
    state = request.session.get(SESSION_KEY) or {"failures": 0}
    state.update({"locked": True, "next": next_url, "message": message})
    request.session[SESSION_KEY] = state
    return redirect("web:person_mode_lock")


def in_person_mode(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))


class PersonModeLockMiddleware:
    """Answer every URL but the person mode and the lock page with the lock page while the session is locked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        user = getattr(request, "user", None)
        if not state or user is None or not user.is_authenticated:
            return self.get_response(request)
        lock_url = reverse("web:person_mode_lock")
        mode_url = reverse("web:diagnostic_person_mode", args=[state["person_pk"]])
        now = time.time()
        if not state.get("locked") and now - float(state.get("seen", 0)) > settings.APPUI_PERSON_MODE_IDLE_SECONDS:
            state.update({"locked": True, "next": mode_url, "message": "Pas de réponse depuis un moment."})
            request.session[SESSION_KEY] = state
        if request.path == lock_url:
            return self.get_response(request)
        if request.path == mode_url and not state.get("locked"):
            state["seen"] = now
            request.session[SESSION_KEY] = state
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Appareil verrouillé en mode personne."}, status=423)
        return redirect(lock_url)


@require_http_methods(["GET", "POST"])
def person_mode_lock_page(request: HttpRequest) -> HttpResponse:
    """The lock page: the worker's password gives the session back."""
    state = request.session.get(SESSION_KEY)
    if not state:
        return redirect("web:dashboard")
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):  # type: ignore[union-attr]
            request.session.pop(SESSION_KEY, None)
            messages.success(request, "Mode personne terminé : vous avez retrouvé votre session.")
            next_url = state.get("next") or reverse("web:diagnostic_list", args=[state["person_pk"]])
            return redirect(next_url)
        state["failures"] = int(state.get("failures", 0)) + 1
        request.session[SESSION_KEY] = state
        if state["failures"] >= MAX_PASSWORD_FAILURES:
            logout(request)
            messages.error(request, "Trop d'essais : la session est fermée. Reconnectez-vous.")
            return redirect("web:login")
        error = "Mot de passe incorrect."
    context: dict[str, Any] = {
        "locked": bool(state.get("locked")),
        "message": state.get("message", ""),
        "mode_url": reverse("web:diagnostic_person_mode", args=[state["person_pk"]]),
        "error": error,
        "title": "Appareil verrouillé" if state.get("locked") else "Mode personne en cours",
    }
    return render(request, "web/diagnostics/lock.html", context, status=200 if not error else 400)
