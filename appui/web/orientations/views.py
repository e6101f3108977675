"""Referral pages: orient a person (from the person, an accompaniment, a diagnostic or a found right), follow
the referral, print the sheet for the person and the prescription for the partner, and the inbox of the
referrals received by the structure."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appui.accompaniments.access import access_accompaniment
from appui.accounts.models import Membership
from appui.diagnostics.access import access_diagnostic, can_view_diagnostics
from appui.diagnostics.enums import Recommendation
from appui.orientations import services
from appui.orientations.access import (
    access_received_referral,
    access_referral,
    can_answer_referrals,
    can_orient,
    can_see_right,
    present_received,
    referrals_received_by,
    referrals_visible_by,
    shared_items,
)
from appui.orientations.enums import ReferralStatus, SharedField
from appui.people.access import access_person
from appui.people.models import Person
from appui.places import hours
from appui.places.access import access_place
from appui.places.enums import LieuxService, SupportMode
from appui.places.vocabulary import PROCEDURE_SERVICE, THEME_TO_SERVICE
from appui.rights.access import access_follow_up, can_screen
from appui.rights.catalogue import benefit_info
from appui.web.middleware import membership_required

from .forms import ReferralAnswerForm, ReferralFilterForm, ReferralFollowUpForm, ReferralForm

PAGE_SIZE = 30


def _require_orient(membership: Membership) -> None:
    if not can_orient(membership):
        raise PermissionDenied


def _origin(request: HttpRequest, membership: Membership, person: Person) -> dict[str, Any]:
    """Read the origin of the referral (accompaniment, diagnostic, found right) from the request, checked."""
    source = request.POST if request.method == "POST" else request.GET
    origin: dict[str, Any] = {"accompaniment": None, "diagnostic": None, "right": None}
    if source.get("accompagnement"):
        accompaniment = access_accompaniment(membership=membership, pk=source["accompagnement"], record_read=False)
        if accompaniment.person_id != person.pk:
            raise Http404("Accompagnement introuvable.")
        origin["accompaniment"] = accompaniment
    if source.get("diagnostic"):
        if not can_view_diagnostics(membership):
            raise PermissionDenied
        diagnostic = access_diagnostic(membership=membership, pk=source["diagnostic"], record_read=False)
        if diagnostic.person_id != person.pk:
            raise Http404("Diagnostic introuvable.")
        origin["diagnostic"] = diagnostic
    if source.get("droit"):
        right = access_follow_up(membership=membership, pk=source["droit"])
        if right.person_id != person.pk:
            raise Http404("Droit introuvable.")
        if not can_screen(membership):
            raise PermissionDenied
        origin["right"] = right
    return origin


def _origin_params(origin: dict[str, Any], person: Person) -> dict[str, str]:
    params = {"pour": str(person.pk)}
    if origin["accompaniment"]:
        params["accompagnement"] = str(origin["accompaniment"].pk)
    if origin["diagnostic"]:
        params["diagnostic"] = str(origin["diagnostic"].pk)
    if origin["right"]:
        params["droit"] = str(origin["right"].pk)
    return params


def _suggested_filters(origin: dict[str, Any]) -> dict[str, list[str]]:
    """Return the directory filters that fit the origin: the diagnostic's workshops, a procedure, a right."""
    services_: list[str] = []
    support: list[str] = []
    diagnostic = origin["diagnostic"]
    if diagnostic is not None:
        result = diagnostic.result
        for theme in result.workshop_themes:
            service = THEME_TO_SERVICE.get(theme, PROCEDURE_SERVICE)
            if service not in services_:
                services_.append(service)
        if result.recommendation == Recommendation.WORKSHOP:
            support.append(SupportMode.WORKSHOP)
    if origin["right"] is not None:
        services_.append(LieuxService.ADMIN_PROCEDURES)
    accompaniment = origin["accompaniment"]
    if accompaniment is not None:
        for theme in accompaniment.themes:
            service = THEME_TO_SERVICE.get(theme, PROCEDURE_SERVICE)
            if service not in services_:
                services_.append(service)
    filters = {}
    if services_:
        filters["services"] = services_
    if support:
        filters["support_modes"] = support
    return filters


@require_http_methods(["GET", "POST"])
@membership_required
def referral_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Orient the person: without a place yet, go and choose one in the directory; then record the referral."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk, record_read=False)
    _require_orient(membership)
    origin = _origin(request, membership, person)
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("lieu"):
        params: list[tuple[str, str]] = list(_origin_params(origin, person).items())
        for name, values in _suggested_filters(origin).items():
            params.extend((name, value) for value in values)
        return redirect(f"{reverse('web:directory')}?{urlencode(params)}")
    place = access_place(membership=membership, pk=source["lieu"])
    open_services = list(place.offered_services.open())
    shareable = _shareable(person, origin)
    form = ReferralForm(
        request.POST or None,
        services=[(str(s.pk), s.name) for s in open_services],
        shareable=shareable,
        initial=_initial(person, place, origin, source.get("service", "")),
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("place_service")
        service = next((s for s in open_services if str(s.pk) == chosen), None) if chosen else None
        try:
            referral = services.referral_create(
                membership=membership,
                person=person,
                place=place,
                place_service=service,
                consent_mode=form.cleaned_data["consent_mode"],
                shared_fields=form.cleaned_data["shared_fields"],
                fields=form.service_fields(),
                **origin,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "L'orientation est enregistrée. Imprimez la fiche à remettre à la personne.")
            return redirect("web:referral_detail", referral_pk=referral.pk)
    return render(
        request,
        "web/orientations/form.html",
        {
            "form": form,
            "person": person,
            "place": place,
            "status": hours.status(place.opening_hours),
            "origin": origin,
            "hidden": {"lieu": place.pk, **{k: v for k, v in _origin_params(origin, person).items() if k != "pour"}},
            "directory_query": urlencode(_origin_params(origin, person)),
            "title": f"Orienter {person}",
            "nav": "people",
        },
    )


def _shareable(person: Person, origin: dict[str, Any]) -> list[str]:
    if person.is_anonymous:
        return [SharedField.REASON]
    codes = [
        SharedField.IDENTITY,
        SharedField.BIRTH_DATE,
        SharedField.PHONE,
        SharedField.EMAIL,
        SharedField.ADDRESS,
        SharedField.LANGUAGES,
        SharedField.REASON,
    ]
    if origin["diagnostic"] is not None:
        codes.append(SharedField.DIGITAL)
    if origin["right"] is not None:
        codes.append(SharedField.RIGHT)
    return codes


def _initial(person: Person, place: Any, origin: dict[str, Any], service: str) -> dict[str, Any]:
    shared = (
        [SharedField.REASON] if person.is_anonymous else [SharedField.IDENTITY, SharedField.PHONE, SharedField.REASON]
    )
    reason = ""
    documents = ""
    if origin["diagnostic"] is not None:
        result = origin["diagnostic"].result
        if result.workshop_themes:
            reason = (
                "Ateliers conseillés après le diagnostic numérique : " + ", ".join(result.workshop_theme_labels) + "."
            )
        shared.append(SharedField.DIGITAL)
    if origin["right"] is not None:
        info = benefit_info(origin["right"].benefit)
        reason = f"Aide pour demander : {info.label}."
        documents = "\n".join(f"- {doc}" for doc in info.documents)
        shared.append(SharedField.RIGHT)
    if origin["accompaniment"] is not None and not reason:
        reason = (
            "Suite à l'accompagnement du "
            + origin["accompaniment"].date.strftime("%d/%m/%Y")
            + " : "
            + ", ".join(origin["accompaniment"].theme_labels)
            + "."
        )
    return {
        "target_kind": services.default_target_kind(place),
        "reason": reason,
        "documents_to_bring": documents,
        "shared_fields": shared,
        "place_service": service,
    }


@require_GET
@membership_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals sent by the structure, newest first, with their status."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_orient(membership)
    form = ReferralFilterForm(request.GET)
    referrals = referrals_visible_by(membership).select_related("person", "place", "target_structure")
    if form.is_valid() and form.cleaned_data["status"]:
        referrals = referrals.filter(status=form.cleaned_data["status"])
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/orientations/list.html",
        {
            "form": form,
            "page": page,
            "received_count": referrals_received_by(membership).filter(status=ReferralStatus.NEW).count(),
            "title": "Orientations envoyées",
            "nav": "referrals",
        },
    )


def _detail_context(membership: Membership, referral: Any) -> dict[str, Any]:
    return {
        "referral": referral,
        "person": referral.person,
        "place": referral.place,
        "status": hours.status(referral.place.opening_hours),
        "week": hours.week(referral.place.opening_hours),
        "shared_items": [
            item for item in _shared_items(referral) if can_see_right(membership) or item[0] != SharedField.RIGHT.label
        ],
        "show_right": can_see_right(membership),
        "nav": "referrals",
    }


def _shared_items(referral: Any) -> list[tuple[str, str]]:
    return shared_items(referral.shared_fields, referral.shared_data)


@require_GET
@membership_required
def referral_detail(request: HttpRequest, referral_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_referral(membership=membership, pk=referral_pk)
    _require_orient(membership)
    form = ReferralFollowUpForm(
        initial={
            "status": referral.status,
            "refusal_reason": referral.refusal_reason,
            "response_message": referral.response_message,
            "appointment_at": timezone.localtime(referral.appointment_at) if referral.appointment_at else None,
            "follow_up_on": referral.follow_up_on,
        },
        answered_in_appui=referral.target_structure_id is not None,
    )
    context = _detail_context(membership, referral)
    context.update({"form": form, "title": f"Orientation de {referral.person}"})
    return render(request, "web/orientations/detail.html", context)


@require_POST
@membership_required
def referral_follow_up(request: HttpRequest, referral_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_referral(membership=membership, pk=referral_pk, record_read=False)
    _require_orient(membership)
    in_appui = referral.target_structure_id is not None
    form = ReferralFollowUpForm(request.POST, initial={"status": referral.status}, answered_in_appui=in_appui)
    if form.is_valid():
        fields = {
            "status": form.cleaned_data["status"],
            "appointment_at": form.cleaned_data.get("appointment_at"),
            "follow_up_on": form.cleaned_data.get("follow_up_on"),
        }
        if not in_appui:
            fields["refusal_reason"] = form.cleaned_data.get("refusal_reason") or ""
            fields["response_message"] = form.cleaned_data.get("response_message") or ""
        try:
            services.referral_update(membership=membership, referral=referral, fields=fields)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le suivi de l'orientation est enregistré.")
            return redirect("web:referral_detail", referral_pk=referral.pk)
    context = _detail_context(membership, referral)
    context.update({"form": form, "title": f"Orientation de {referral.person}"})
    return render(request, "web/orientations/detail.html", context, status=400)


@require_GET
@membership_required
def referral_person_sheet(request: HttpRequest, referral_pk: int) -> HttpResponse:
    """The sheet the person takes away, in plain language: where, when, what to bring, whom to ask for."""
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_referral(membership=membership, pk=referral_pk)
    _require_orient(membership)
    context = _detail_context(membership, referral)
    context.update({"structure": membership.structure, "today": timezone.localdate(), "title": "Où aller"})
    return render(request, "web/orientations/person_sheet.html", context)


@require_GET
@membership_required
def referral_prescription(request: HttpRequest, referral_pk: int) -> HttpResponse:
    """The prescription sheet for the partner: the referral and only the fields the person agreed to share."""
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_referral(membership=membership, pk=referral_pk)
    _require_orient(membership)
    return render(
        request,
        "web/orientations/prescription.html",
        {
            "view": present_received(referral, hide_right=not can_see_right(membership)),
            "back": reverse("web:referral_detail", args=[referral.pk]),
            "title": "Fiche de prescription",
        },
    )


# --- Inbox of the receiving structure -----------------------------------------------------------------------


def _require_answer(membership: Membership) -> None:
    if not can_answer_referrals(membership):
        raise PermissionDenied


@require_GET
@membership_required
def received_list(request: HttpRequest) -> HttpResponse:
    """The referrals other structures sent to this structure's places: only what the persons agreed to share."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_answer(membership)
    form = ReferralFilterForm(request.GET)
    referrals = referrals_received_by(membership).select_related("structure", "created_by", "place", "place_service")
    if form.is_valid() and form.cleaned_data["status"]:
        referrals = referrals.filter(status=form.cleaned_data["status"])
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/orientations/received_list.html",
        {
            "form": form,
            "page": page,
            "items": [present_received(r) for r in page.object_list],
            "title": "Orientations reçues",
            "nav": "referrals",
        },
    )


@require_GET
@membership_required
def received_detail(request: HttpRequest, incoming_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_received_referral(membership=membership, pk=incoming_pk)
    _require_answer(membership)
    form = ReferralAnswerForm(
        initial={"status": referral.status if referral.status in {"en_cours", "acceptee", "refusee"} else ""}
    )
    return render(
        request,
        "web/orientations/received_detail.html",
        {"view": present_received(referral), "form": form, "title": "Orientation reçue", "nav": "referrals"},
    )


@require_POST
@membership_required
def received_answer(request: HttpRequest, incoming_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_received_referral(membership=membership, pk=incoming_pk, record_read=False)
    _require_answer(membership)
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.referral_answer(
                membership=membership,
                referral=referral,
                status=form.cleaned_data["status"],
                refusal_reason=form.cleaned_data.get("refusal_reason") or "",
                message=form.cleaned_data.get("message") or "",
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "response_message" in exc.error_dict:
                exc.error_dict["message"] = exc.error_dict.pop("response_message")
            form.add_service_error(exc)
        else:
            messages.success(request, "Votre réponse est envoyée à la structure qui a orienté la personne.")
            return redirect("web:received_detail", incoming_pk=referral.pk)
    return render(
        request,
        "web/orientations/received_detail.html",
        {"view": present_received(referral), "form": form, "title": "Orientation reçue", "nav": "referrals"},
        status=400,
    )


@require_GET
@membership_required
def received_prescription(request: HttpRequest, incoming_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    referral = access_received_referral(membership=membership, pk=incoming_pk)
    _require_answer(membership)
    return render(
        request,
        "web/orientations/prescription.html",
        {
            "view": present_received(referral),
            "back": reverse("web:received_detail", args=[referral.pk]),
            "title": "Fiche de prescription",
        },
    )
