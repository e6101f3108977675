"""Diagnostic pages: a person's diagnostics and progress, the worker form, the person mode, one result.

The person mode ("mode personne") shows one question per screen with big buttons, for a person answering
alone on a shared tablet or computer. Each answer button is a plain form submission, so it works without
JavaScript; ``web/diagnostics/read-aloud.js`` only adds the "Écouter la question" button. The answers wait in
the session until the last screen, then one service call records the diagnostic (and its audit event): an
interrupted diagnostic leaves nothing in the record. The screens show nothing of the person's record (not even
the name), since someone else may be looking at the screen.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from appui.accounts.models import Membership
from appui.diagnostics import services
from appui.diagnostics.access import (
    access_diagnostic,
    can_run_diagnostic,
    can_view_diagnostics,
    can_view_obstacles,
    person_diagnostics,
)
from appui.diagnostics.bank import CURRENT_VERSION, QuestionBank, load_bank
from appui.diagnostics.enums import DiagnosticMode, Recommendation
from appui.diagnostics.models import Diagnostic
from appui.guides.selectors import guides_for_theme
from appui.orientations.access import can_orient
from appui.people.access import access_person
from appui.people.enums import Obstacle
from appui.people.models import Person
from appui.web.middleware import membership_required
from appui.web.person_mode import person_mode_enter, person_mode_lock

from .charts import progress_chart
from .forms import WorkerDiagnosticForm

DRAFT_KEY = "appui_diagnostic_draft:{person_pk}"
MAX_GUIDES = 6


def _require_run(membership: Membership) -> None:
    if not can_run_diagnostic(membership):
        raise PermissionDenied


def _require_view(membership: Membership) -> None:
    if not can_view_diagnostics(membership):
        raise PermissionDenied


def _guides_for(themes: tuple[str, ...]) -> list[Any]:
    """Return the guides matching the recommendation's themes, most relevant theme first, without repeats."""
    seen: dict[str, Any] = {}
    for theme in themes:
        for guide in guides_for_theme(theme):
            seen.setdefault(guide.slug, guide)
    return list(seen.values())[:MAX_GUIDES]


@require_GET
@membership_required
def diagnostic_list(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Show the person's diagnostics and their progress (chart and table), and the ways to start a new one."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    _require_view(membership)
    diagnostics = person_diagnostics(membership=membership, person=person)
    return render(
        request,
        "web/diagnostics/list.html",
        {
            "person": person,
            "diagnostics": list(reversed(diagnostics)),
            "chart": progress_chart(diagnostics),
            "can_run": can_run_diagnostic(membership),
            "title": f"Diagnostics numériques — {person}",
            "nav": "people",
        },
    )


@require_http_methods(["GET", "POST"])
@membership_required
def diagnostic_start(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Fill the diagnostic on one page, during a conversation with the person."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    _require_run(membership)
    bank = load_bank(CURRENT_VERSION)
    form = WorkerDiagnosticForm(request.POST or None, bank=bank, ask_obstacles=can_view_obstacles(membership))
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = services.diagnostic_create(
                membership=membership, person=person, mode=DiagnosticMode.WORKER, answers=form.answers()
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le diagnostic a été enregistré.")
            return redirect("web:diagnostic_detail", diagnostic_pk=diagnostic.pk)
    return render(
        request,
        "web/diagnostics/form.html",
        {
            "form": form,
            "person": person,
            "bank": bank,
            "title": f"Diagnostic numérique — {person}",
            "nav": "people",
        },
    )


def _person_mode_context(bank: QuestionBank, draft: dict[str, Any] | None) -> dict[str, Any]:
    total = len(bank.questions)
    if draft is None:
        return {"screen": "intro", "total": total}
    cursor = min(max(int(draft.get("cursor", 0)), 0), total)
    if cursor >= total:
        return {"screen": "end", "total": total}
    question = bank.questions[cursor]
    return {
        "screen": "question",
        "question": question,
        "number": cursor + 1,
        "total": total,
        "current": draft["answers"].get(question.id),
    }


@require_http_methods(["GET", "POST"])
@membership_required
def diagnostic_person_mode(request: HttpRequest, person_pk: int) -> HttpResponse:
    """One question per screen, big buttons, for a person answering alone; every step is a form POST."""
    membership = request.membership  # type: ignore[attr-defined]
    # The screens show nothing of the record; the diagnostic's creation is journaled with the person's id.
    person = access_person(membership=membership, pk=person_pk, record_read=False)
    _require_run(membership)
    # From here the session is locked to the questions until the worker types their password again.
    person_mode_enter(request, person.pk)
    key = DRAFT_KEY.format(person_pk=person.pk)
    draft = request.session.get(key)
    if draft is not None and draft.get("bank") not in (None, CURRENT_VERSION):
        draft = None  # a draft of an older bank cannot be finished: start again
    bank = load_bank(CURRENT_VERSION)
    if request.method == "POST":
        return _person_mode_post(request, membership, person, bank, key, draft)
    context = _person_mode_context(bank, draft)
    context.update({"person_pk": person.pk, "title": "Diagnostic numérique"})
    return render(request, "web/diagnostics/person_mode.html", context)


def _person_mode_post(
    request: HttpRequest,
    membership: Membership,
    person: Person,
    bank: QuestionBank,
    key: str,
    draft: dict[str, Any] | None,
) -> HttpResponse:
    here = redirect("web:diagnostic_person_mode", person_pk=person.pk)
    action = request.POST.get("action", "")
    if action == "stop":
        request.session.pop(key, None)
        return person_mode_lock(
            request,
            next_url=reverse("web:diagnostic_list", args=[person.pk]),
            message="Diagnostic arrêté : les réponses n'ont pas été enregistrées.",
        )
    if action == "start" or draft is None:
        request.session[key] = {"bank": bank.version, "answers": {}, "cursor": 0}
        return here
    if "answer" in request.POST:
        question = bank.question(request.POST.get("question", ""))
        value = request.POST["answer"]
        if question is not None and value in question.allowed_values:
            draft["answers"][question.id] = value
            draft["cursor"] = bank.index(question.id) + 1
            request.session[key] = draft
        return here
    if action == "back":
        draft["cursor"] = max(0, min(int(draft.get("cursor", 0)), len(bank.questions)) - 1)
        request.session[key] = draft
        return here
    if action == "finish":
        try:
            diagnostic = services.diagnostic_create(
                membership=membership, person=person, mode=DiagnosticMode.PERSON, answers=draft["answers"]
            )
        except ValidationError:
            # A question was skipped (e.g. with the browser's back button): show the first one without answer.
            missing = [i for i, q in enumerate(bank.questions) if q.is_skill and q.id not in draft["answers"]]
            draft["cursor"] = missing[0] if missing else 0
            request.session[key] = draft
            messages.warning(request, "Il manque une réponse. Répondez à cette question, s'il vous plaît.")
            return here
        request.session.pop(key, None)
        return person_mode_lock(
            request,
            next_url=reverse("web:diagnostic_detail", args=[diagnostic.pk]),
            message="Merci ! Vos réponses sont enregistrées.",
        )
    return here


def _answer_rows(diagnostic: Diagnostic, show_obstacles: bool) -> list[dict[str, str]]:
    bank = load_bank(diagnostic.bank_version)
    rows = []
    for question in bank.questions:
        if not question.is_skill and not show_obstacles:
            continue
        value = diagnostic.answers.get(question.id, "")
        choice = question.choice(value)
        rows.append(
            {
                "prompt": question.prompt,
                "answer": choice.worker_label if choice else "Question non posée",
                "codes": f"DigComp {question.digcomp} · Pix {question.pix}" if question.is_skill else "Frein",
            }
        )
    return rows


@require_GET
@membership_required
def diagnostic_detail(request: HttpRequest, diagnostic_pk: int) -> HttpResponse:
    """Show one diagnostic: levels by area, overall level, recommendation with guides, and the progress."""
    membership = request.membership  # type: ignore[attr-defined]
    diagnostic = access_diagnostic(membership=membership, pk=diagnostic_pk)
    _require_view(membership)
    person = diagnostic.person
    history = list(
        Diagnostic.objects.visible_by(membership)
        .for_person(person.pk)
        .filter(created_at__lte=diagnostic.created_at)
        .chronological()
    )
    result = diagnostic.result
    show_obstacles = can_view_obstacles(membership)
    return render(
        request,
        "web/diagnostics/detail.html",
        {
            "diagnostic": diagnostic,
            "person": person,
            "result": result,
            "recommendation": Recommendation(result.recommendation),
            "guides": _guides_for(result.workshop_themes),
            "show_obstacles": show_obstacles,
            "obstacle_labels": [Obstacle(o).label for o in result.obstacles] if show_obstacles else [],
            "answer_rows": _answer_rows(diagnostic, show_obstacles),
            "chart": progress_chart(history),
            "can_orient": can_orient(membership),
            "local_date": timezone.localtime(diagnostic.created_at),
            "title": f"Diagnostic numérique du {timezone.localtime(diagnostic.created_at):%d/%m/%Y} — {person}",
            "nav": "people",
        },
    )
