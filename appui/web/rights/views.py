"""Rights pages: a person's screening, its results and printable summary, follow-ups, caseload screening.

Every object view checks existence in the member's structure first (404), then the role (403): the accueil and
DPO roles may not read screenings, which are situation data.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appui.accounts.models import Membership
from appui.people.access import access_person, default_purpose
from appui.people.models import Person
from appui.rights import services
from appui.rights.access import (
    access_caseload_screening,
    access_follow_up,
    access_screening,
    can_screen,
    record_caseload_results_read,
    record_screening_view,
)
from appui.rights.catalogue import catalogue
from appui.rights.certainty import essential_missing, missing_inputs
from appui.rights.csv_format import template_text
from appui.rights.enums import CaseloadStatus
from appui.rights.models import CaseloadScreening, RightFollowUp, Screening
from appui.rights.results import RightEstimate, assess, inputs_used, unclaimed_monthly_total
from appui.rights.selectors import (
    caseload_ranked_results,
    caseload_to_complete,
    caseload_waiting_reason,
    latest_screening,
    person_follow_ups,
    person_screenings,
    recent_caseload_screenings,
    secured_summary,
    to_complete_reasons,
)
from appui.rights.situation import HouseholdAnswers, answers_from_record
from appui.web.middleware import membership_required

from .forms import CaseloadForm, FollowUpForm, ScreeningForm


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


def _check_role(membership: Membership) -> None:
    if not can_screen(membership):
        raise PermissionDenied


def _household_members(person: Person) -> list[Any]:
    household = getattr(person, "household", None)
    return household.members_by_age() if household else []


@require_http_methods(["GET", "POST"])
@membership_required
def rights_screening(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Show the screening form, pre-filled from the record and the last screening, and run it."""
    membership = _membership(request)
    access_person(membership=membership, pk=person_pk, record_read=False)
    _check_role(membership)
    person = access_person(membership=membership, pk=person_pk)
    record = answers_from_record(person, _household_members(person), today=timezone.localdate())
    last = latest_screening(person)
    previous = HouseholdAnswers.from_json(last.answers) if last else None
    form = ScreeningForm(request.POST or None, record=record, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_run(membership=membership, person=person, answers=form.answers())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:rights_screening_detail", screening_pk=screening.pk)
    return render(
        request,
        "web/rights/screening_form.html",
        {
            "person": person,
            "form": form,
            "record": record,
            "screenings": list(person_screenings(person)[:10]),
            "follow_ups": person_follow_ups(person),
            "today": timezone.localdate(),
            "title": f"Droits de {person}",
            "nav": "people",
        },
    )


def _rights(screening: Screening) -> list[RightEstimate]:
    """Return the screening's rights with their certainty, read again from its assumptions (older screenings too)."""
    return assess([RightEstimate.from_json(r) for r in screening.results], screening.assumptions)


def _to_complete(screening: Screening) -> list[str]:
    return [item.label for item in essential_missing(missing_inputs(screening.assumptions))]


def _follow_up_form(follow_up: RightFollowUp) -> FollowUpForm:
    return FollowUpForm(
        initial={
            "status": follow_up.status,
            "claimed_on": follow_up.claimed_on,
            "decided_on": follow_up.decided_on,
            "granted_amount": follow_up.granted_amount,
            "reminder_on": follow_up.reminder_on,
        },
        prefix=follow_up.benefit,
    )


def _render_screening_detail(
    request: HttpRequest, screening: Screening, bound: FollowUpForm | None = None
) -> HttpResponse:
    """Render a screening's results; ``bound`` is a follow-up form sent back with its errors (nothing lost).

    A refused form answers 200, as every form of the pages does (the error summary says nothing was saved).
    """
    rights = _rights(screening)
    follow_ups = {f.benefit: f for f in person_follow_ups(screening.person)}
    unclaimed = []
    for right in rights:
        if right.received:
            continue
        follow_up = follow_ups.get(right.benefit)
        form = None
        if follow_up is not None:
            form = bound if bound is not None and bound.prefix == right.benefit else _follow_up_form(follow_up)
        unclaimed.append({"right": right, "follow_up": follow_up, "form": form})
    latest = latest_screening(screening.person)
    return render(
        request,
        "web/rights/screening_detail.html",
        {
            "screening": screening,
            "person": screening.person,
            "today": timezone.localdate(),
            "unclaimed": unclaimed,
            "probable_total": unclaimed_monthly_total(rights),
            "to_verify_count": sum(1 for r in rights if not r.received and not r.is_probable),
            "to_complete": _to_complete(screening),
            "household_unknown": any(a.get("code") == "household" for a in screening.assumptions),
            "received": [r for r in rights if r.received],
            "assumptions": screening.assumptions,
            "inputs_used": inputs_used(screening.situation),
            "is_latest": latest is not None and latest.pk == screening.pk,
            "form": bound,
            "title": f"Droits de {screening.person} — simulation du {screening.created_at:%d/%m/%Y}",
            "nav": "people",
        },
    )


@require_GET
@membership_required
def rights_screening_detail(request: HttpRequest, screening_pk: int) -> HttpResponse:
    """Show a screening's results: probable unclaimed rights, what was assumed, how to claim, follow-up."""
    membership = _membership(request)
    screening = access_screening(membership=membership, pk=screening_pk, record_read=False)
    _check_role(membership)
    record_screening_view(membership=membership, screening=screening)
    return _render_screening_detail(request, screening)


@require_GET
@membership_required
def rights_screening_print(request: HttpRequest, screening_pk: int) -> HttpResponse:
    """Show the one-page summary to hand to the person, in plain language (FALC)."""
    membership = _membership(request)
    screening = access_screening(membership=membership, pk=screening_pk, record_read=False)
    _check_role(membership)
    record_screening_view(membership=membership, screening=screening)
    rights = [r for r in _rights(screening) if not r.received]
    return render(
        request,
        "web/rights/screening_print.html",
        {
            "screening": screening,
            "person": screening.person,
            "rights": rights,
            "to_complete": _to_complete(screening),
            "assumptions": screening.assumptions,
            "structure": membership.structure,
            "today": timezone.localdate(),
            "title": "Vos droits possibles",
        },
    )


@require_POST
@membership_required
def rights_screening_rerun(request: HttpRequest, screening_pk: int) -> HttpResponse:
    """Run a saved screening again, same answers, with this month's legislation."""
    membership = _membership(request)
    screening = access_screening(membership=membership, pk=screening_pk, record_read=False)
    _check_role(membership)
    try:
        new = services.screening_rerun(membership=membership, screening=screening)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:rights_screening_detail", screening_pk=screening.pk)
    messages.success(request, "La simulation a été relancée avec la législation du mois.")
    return redirect("web:rights_screening_detail", screening_pk=new.pk)


@require_POST
@membership_required
def rights_follow_up_update(request: HttpRequest, right_pk: int) -> HttpResponse:
    """Record where a right stands, with its dates and its reminder; a refused entry comes back with its errors."""
    membership = _membership(request)
    follow_up = access_follow_up(membership=membership, pk=right_pk)
    _check_role(membership)
    form = FollowUpForm(request.POST, prefix=follow_up.benefit)
    back = request.POST.get("screening")
    screening = None
    if back and back.isdigit():
        screening = Screening.objects.visible_by(membership).filter(pk=back, person_id=follow_up.person_id).first()
    if form.is_valid():
        try:
            services.right_status_update(membership=membership, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, f"Suivi enregistré : {follow_up.get_benefit_display()} — {follow_up.get_status_display()}."
            )
            if screening is not None:
                return redirect("web:rights_screening_detail", screening_pk=screening.pk)
            return redirect("web:rights_screening", person_pk=follow_up.person_id)
    if screening is not None:
        record_screening_view(membership=membership, screening=screening)
        return _render_screening_detail(request, screening, bound=form)
    messages.error(request, "Le suivi n'a pas été enregistré : " + " ".join(_form_messages(form)))
    return redirect("web:rights_screening", person_pk=follow_up.person_id)


def _form_messages(form: FollowUpForm) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]


@require_http_methods(["GET", "POST"])
@membership_required
def rights_caseload(request: HttpRequest) -> HttpResponse:
    """Show the structure's rights overview and caseload screenings; launch one."""
    membership = _membership(request)
    _check_role(membership)
    form = CaseloadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.caseload_screening_create(
                membership=membership,
                source=form.cleaned_data["source"],
                csv_text=form.cleaned_data.get("csv_text", ""),
                filename=getattr(form.cleaned_data.get("file"), "name", ""),
                period=form.cleaned_data.get("period") or None,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:rights_caseload_detail", job_pk=job.pk)
    return render(
        request,
        "web/rights/caseload.html",
        {
            "form": form,
            "jobs": recent_caseload_screenings(membership.structure),
            "summary": secured_summary(membership.structure),
            "title": "Repérage du non-recours",
            "nav": "rights",
        },
    )


def _job_context(job: CaseloadScreening) -> dict[str, Any]:
    return {
        "job": job,
        "running": not job.is_finished,
        "waiting_reason": caseload_waiting_reason(job),
        "to_complete_reasons": to_complete_reasons(job),
    }


@require_GET
@membership_required
def rights_caseload_detail(request: HttpRequest, job_pk: int) -> HttpResponse:
    """Show a caseload screening: live progress, then households sorted by monthly amount, and bad rows."""
    membership = _membership(request)
    job = access_caseload_screening(membership=membership, pk=job_pk)
    _check_role(membership)
    page = Paginator(caseload_ranked_results(job, membership=membership).select_related("person"), 50).get_page(
        request.GET.get("page")
    )
    incomplete = Paginator(caseload_to_complete(job, membership=membership).select_related("person"), 50).get_page(
        request.GET.get("page_a_completer")
    )
    record_caseload_results_read(
        actor=membership.user,
        structure=membership.structure,
        purpose=default_purpose(membership),
        results=[*page.object_list, *incomplete.object_list],
    )
    return render(
        request,
        "web/rights/caseload_detail.html",
        {
            **_job_context(job),
            "page": page,
            "incomplete": incomplete,
            "first_rank": page.start_index(),
            "benefits": list(catalogue().values()),
            "done": job.status == CaseloadStatus.DONE,
            "title": str(job),
            "nav": "rights",
        },
    )


@require_GET
@membership_required
def rights_caseload_progress(request: HttpRequest, job_pk: int) -> HttpResponse:
    """Return the progress fragment polled by the page; once finished, ask htmx to reload the page."""
    membership = _membership(request)
    job = access_caseload_screening(membership=membership, pk=job_pk)
    _check_role(membership)
    response = render(request, "web/rights/_caseload_progress.html", _job_context(job))
    if job.is_finished and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@require_POST
@membership_required
def rights_caseload_relaunch(request: HttpRequest, job_pk: int) -> HttpResponse:
    """Put a failed caseload screening back in the queue (the chunks already done are kept)."""
    membership = _membership(request)
    job = access_caseload_screening(membership=membership, pk=job_pk)
    _check_role(membership)
    try:
        services.caseload_screening_relaunch(membership=membership, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Le repérage est relancé : ce qui était déjà calculé est gardé.")
    return redirect("web:rights_caseload_detail", job_pk=job.pk)


def _export(request: HttpRequest, job_pk: int, fmt: str) -> HttpResponse:
    membership = _membership(request)
    job = access_caseload_screening(membership=membership, pk=job_pk)
    _check_role(membership)
    if job.status != CaseloadStatus.DONE:
        messages.error(request, "Les résultats seront téléchargeables quand le repérage sera terminé.")
        return redirect("web:rights_caseload_detail", job_pk=job.pk)
    content = services.caseload_results_export(membership=membership, job=job, fmt=fmt)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="reperage-{job.pk}.{fmt}"'
    return response


@require_GET
@membership_required
def rights_caseload_export_csv(request: HttpRequest, job_pk: int) -> HttpResponse:
    return _export(request, job_pk, "csv")


@require_GET
@membership_required
def rights_caseload_export_xlsx(request: HttpRequest, job_pk: int) -> HttpResponse:
    return _export(request, job_pk, "xlsx")


@require_GET
@membership_required
def rights_caseload_template(request: HttpRequest) -> HttpResponse:
    """Download the template CSV of the caseload format (documented in docs/rights.md)."""
    response = HttpResponse(template_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reperage-modele.csv"'
    return response
