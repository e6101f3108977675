"""Directory pages: search (/annuaire/), a place, the structure's own places and their publication, imports.

The search is a GET form: results are bookmarkable and work without JavaScript. When it serves a referral in
progress (``pour=<person id>`` and the origin of the referral), each result offers « Orienter ici ».
"""

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appui.accounts.models import Membership
from appui.people.access import access_person
from appui.places import hours, services
from appui.places.access import (
    access_own_place,
    access_own_place_service,
    access_place,
    can_manage_places,
    sources_importable_by,
)
from appui.places.models import Place, PlaceImport
from appui.places.publishing import inclusion_json, lieux_csv
from appui.places.selectors import SCOPE_LABELS, directory_search, haversine_km
from appui.web.middleware import membership_required

from .forms import DirectorySearchForm, OwnPlaceForm, PlaceServiceForm, PlacesImportForm

# The orientation in progress travels in the query string, from the person page to the directory and back.
REFERRAL_PARAMS = ("pour", "accompagnement", "diagnostic", "droit")


def referral_context(request: HttpRequest, membership: Membership) -> dict[str, Any] | None:
    """Return the referral in progress (the person, and the origin ids) if the query string names one."""
    person_pk = request.GET.get("pour")
    if not person_pk:
        return None
    from appui.orientations.access import can_orient

    person = access_person(membership=membership, pk=person_pk, record_read=False)
    if not can_orient(membership):
        return None
    params = {name: request.GET[name] for name in REFERRAL_PARAMS if request.GET.get(name, "").isdigit()}
    return {"person": person, "params": params, "query": urlencode(params)}


@require_GET
@membership_required
def directory(request: HttpRequest) -> HttpResponse:
    """Search the directory by commune (then its EPCI, then its département), words and filters."""
    membership = request.membership  # type: ignore[attr-defined]
    orienting = referral_context(request, membership)
    data = request.GET.copy()
    if "commune" not in data and "commune_code" not in data:
        # Start near the person being oriented, or near the structure.
        person_commune = orienting["person"].commune_code if orienting else ""
        data["commune_code"] = person_commune or membership.structure.commune_code
        data["commune"] = ""
    form = DirectorySearchForm(data)
    result = None
    if form.is_bound and form.is_valid():
        query = form.to_query()
        if query.has_criteria:
            result = directory_search(membership, query, page_number=request.GET.get("page"))
    page_query = data.copy()
    page_query.pop("page", None)
    scope_links = []
    if result is not None and result.query.commune is not None:
        for scope, count in result.counts.items():
            link = page_query.copy()
            link["scope"] = scope
            label = (
                result.query.commune.name
                if scope == "commune"
                else (result.epci.name if scope == "epci" and result.epci else f"département ({result.departement})")
            )
            scope_links.append({"scope": scope, "label": label, "count": count, "query": link.urlencode()})
    return render(
        request,
        "web/places/directory.html",
        {
            "form": form,
            "result": result,
            "orienting": orienting,
            "page_query": page_query.urlencode(),
            "scope_links": scope_links,
            "scope_labels": SCOPE_LABELS,
            "now": timezone.now(),
            "title": "Annuaire des lieux",
            "nav": "directory",
        },
    )


@require_GET
@membership_required
def place_detail(request: HttpRequest, place_pk: int) -> HttpResponse:
    """Show a place: address, hours, contact, services, how to get an appointment."""
    membership = request.membership  # type: ignore[attr-defined]
    place = access_place(membership=membership, pk=place_pk)
    orienting = referral_context(request, membership)
    distance = None
    if orienting and orienting["person"].commune_code and place.latitude is not None:
        distance = _distance_from_commune(orienting["person"].commune_code, place)
    return render(
        request,
        "web/places/detail.html",
        {
            "place": place,
            "status": hours.status(place.opening_hours),
            "week": hours.week(place.opening_hours),
            "today_index": timezone.localdate().weekday(),
            "offered_services": list(place.offered_services.open()),
            "orienting": orienting,
            "distance": distance,
            "is_own": place.structure_id == membership.structure_id,
            "can_manage": can_manage_places(membership) and place.structure_id == membership.structure_id,
            "title": place.name,
            "nav": "directory",
        },
    )


def _distance_from_commune(commune_code: str, place: Place) -> float | None:
    from django.db.models import Avg

    from appui.core.communes import municipality_codes

    centre = (
        Place.objects.open()
        .filter(commune_code__in=municipality_codes(commune_code), latitude__isnull=False)
        .aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    )
    if centre["lat"] is None:
        return None
    return haversine_km((centre["lat"], centre["lon"]), (place.latitude, place.longitude))  # type: ignore[arg-type]


# --- The structure's own places -----------------------------------------------------------------------------


def _require_manager(membership: Membership) -> None:
    if not can_manage_places(membership):
        raise PermissionDenied


@require_GET
@membership_required
def own_place_list(request: HttpRequest) -> HttpResponse:
    """List the structure's places, with the links to publish them as open data."""
    membership = request.membership  # type: ignore[attr-defined]
    places = Place.objects.of_structure(membership.structure_id).order_by("closed_at", "name")
    return render(
        request,
        "web/places/own_list.html",
        {
            "places": places,
            "can_manage": can_manage_places(membership),
            "title": "Lieux de la structure",
            "nav": "own_places",
        },
    )


def _published_places(membership: Membership) -> Any:
    return Place.objects.of_structure(membership.structure_id).open().filter(is_published=True).order_by("name", "id")


@require_GET
@membership_required
def own_places_lieux_csv(request: HttpRequest) -> HttpResponse:
    """Download the structure's published places as a lieux de médiation numérique v1 CSV."""
    membership = request.membership  # type: ignore[attr-defined]
    content = lieux_csv(_published_places(membership))
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    siret = membership.structure.siret or f"structure-{membership.structure_id}"
    response["Content-Disposition"] = f'attachment; filename="{stamp}_{siret}_lieux-de-mediation-numerique.csv"'
    return response


@require_GET
@membership_required
def own_places_inclusion_json(request: HttpRequest) -> HttpResponse:
    """Download the structure's published places and services as a data·inclusion v1 JSON document."""
    membership = request.membership  # type: ignore[attr-defined]
    content = inclusion_json(_published_places(membership))
    response = HttpResponse(content.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{timezone.localdate().isoformat()}_data-inclusion.json"'
    return response


@require_http_methods(["GET", "POST"])
@membership_required
def own_place_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    _require_manager(membership)
    form = OwnPlaceForm(
        request.POST or None,
        initial={
            "commune": membership.structure.commune_code,
            "pivot": membership.structure.siret,
            "is_published": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(membership=membership, fields=form.service_fields())
        except ValidationError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"Le lieu « {place.name} » a été ajouté.")
            return redirect("web:place_detail", place_pk=place.pk)
    return render(
        request,
        "web/places/own_form.html",
        {"form": form, "title": "Nouveau lieu de la structure", "nav": "own_places"},
    )


def _service_error(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict") and "commune_code" in exc.error_dict:
        exc.error_dict["commune"] = exc.error_dict.pop("commune_code")
    form.add_service_error(exc)


@require_http_methods(["GET", "POST"])
@membership_required
def own_place_edit(request: HttpRequest, own_place_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    place = access_own_place(membership=membership, pk=own_place_pk)
    _require_manager(membership)
    form = OwnPlaceForm(request.POST or None, initial=OwnPlaceForm.initial_from(place))
    if request.method == "POST" and form.is_valid():
        try:
            services.place_update(membership=membership, place=place, fields=form.service_fields())
        except ValidationError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Le lieu a été mis à jour.")
            return redirect("web:place_detail", place_pk=place.pk)
    return render(
        request,
        "web/places/own_form.html",
        {"form": form, "place": place, "title": f"Modifier « {place.name} »", "nav": "own_places"},
    )


@require_POST
@membership_required
def own_place_close(request: HttpRequest, own_place_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    place = access_own_place(membership=membership, pk=own_place_pk)
    _require_manager(membership)
    closing = place.closed_at is None
    try:
        services.place_set_closed(membership=membership, place=place, closed=closing)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Le lieu est fermé : il n'apparaît plus dans l'annuaire." if closing else "Le lieu est rouvert."
        )
    return redirect("web:own_place_list")


@require_http_methods(["GET", "POST"])
@membership_required
def own_place_service_create(request: HttpRequest, own_place_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    place = access_own_place(membership=membership, pk=own_place_pk)
    _require_manager(membership)
    return _service_form(request, membership, place, None)


@require_http_methods(["GET", "POST"])
@membership_required
def own_place_service_edit(request: HttpRequest, own_service_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    service = access_own_place_service(membership=membership, pk=own_service_pk)
    _require_manager(membership)
    return _service_form(request, membership, service.place, service)


def _service_form(request: HttpRequest, membership: Membership, place: Place, service: Any) -> HttpResponse:
    initial = {}
    if service is not None:
        initial = {name: getattr(service, name) for name in PlaceServiceForm.base_fields}
    form = PlaceServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_service_save(membership=membership, place=place, fields=form.cleaned_data, service=service)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le service est enregistré.")
            return redirect("web:place_detail", place_pk=place.pk)
    return render(
        request,
        "web/places/service_form.html",
        {"form": form, "place": place, "service": service, "title": f"Service — {place.name}", "nav": "own_places"},
    )


@require_POST
@membership_required
def own_place_service_close(request: HttpRequest, own_service_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    service = access_own_place_service(membership=membership, pk=own_service_pk)
    _require_manager(membership)
    services.place_service_close(membership=membership, service=service)
    messages.success(request, f"Le service « {service.name} » n'est plus proposé.")
    return redirect("web:place_detail", place_pk=service.place_id)


# --- Imports into the directory ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@membership_required
def places_import(request: HttpRequest) -> HttpResponse:
    """Import a file into the directory (structure manager); synchronous, so limited in size."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_manager(membership)
    max_bytes = settings.APPUI_PLACES_WEB_IMPORT_MAX_BYTES
    form = PlacesImportForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.places_import(
                data=upload.read(),
                filename=upload.name,
                source=form.cleaned_data["source"],
                import_format=form.cleaned_data["import_format"],
                dry_run=form.cleaned_data["dry_run"],
                membership=membership,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "import_format" in exc.error_dict:
                exc.error_dict["import_format"] = exc.error_dict.pop("import_format")
            form.add_service_error(exc)
        else:
            if not report.dry_run:
                messages.success(request, report.summary())
                return redirect("web:places_import_detail", import_pk=report.run_id)  # type: ignore[attr-defined]
    history = PlaceImport.objects.filter(structure_id=membership.structure_id).select_related("source", "actor")[:30]
    return render(
        request,
        "web/places/import.html",
        {
            "form": form,
            "report": report,
            "history": history,
            "sources": sources_importable_by(membership),
            "title": "Importer des lieux dans l'annuaire",
            "nav": "directory",
        },
    )


def _own_import(membership: Membership, import_pk: int) -> PlaceImport:
    try:
        return PlaceImport.objects.select_related("source", "actor").get(
            pk=import_pk, structure_id=membership.structure_id
        )
    except (PlaceImport.DoesNotExist, ValueError, TypeError):
        raise Http404("Import introuvable.") from None


@require_GET
@membership_required
def places_import_detail(request: HttpRequest, import_pk: int) -> HttpResponse:
    """Show an import's report: counts, repairs, and every rejected row with its line and reasons."""
    membership = request.membership  # type: ignore[attr-defined]
    run = _own_import(membership, import_pk)
    _require_manager(membership)
    return render(
        request,
        "web/places/import_detail.html",
        {"run": run, "title": f"Import du {timezone.localtime(run.started_at):%d/%m/%Y à %H:%M}", "nav": "directory"},
    )


@require_GET
@membership_required
def places_import_rejects(request: HttpRequest, import_pk: int) -> HttpResponse:
    """Download the rejected rows and the values set aside, with their lines (CSV)."""
    membership = request.membership  # type: ignore[attr-defined]
    run = _own_import(membership, import_pk)
    _require_manager(membership)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ligne", "identifiant", "nom", "statut", "détail"])
    for reject in run.rejects:
        writer.writerow(
            [reject["line"], reject.get("id", ""), reject.get("name", ""), "rejetée", " ; ".join(reject["reasons"])]
        )
    for warning in run.warnings:
        writer.writerow(
            [warning["line"], warning.get("id", ""), "", f"valeur mise de côté ({warning['column']})", warning["value"]]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-rejets.csv"'
    return response
