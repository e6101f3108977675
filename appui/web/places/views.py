"""The structure's own places: list, add, change, close (the manager only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from appui.accounts import policy
from appui.places import services
from appui.places.access import access_own_place, own_places_of
from appui.web.middleware import membership_required

from .forms import OwnPlaceForm


@membership_required
def place_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_manage_members(membership):
        raise PermissionDenied
    form = OwnPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.own_place_create(membership=membership, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Le lieu « {place} » a été ajouté.")
            return redirect("web:place_list")
    return render(
        request,
        "web/places/list.html",
        {"places": list(own_places_of(membership)), "form": form, "title": "Lieux de la structure", "nav": "places"},
    )


@membership_required
def place_edit(request: HttpRequest, place_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    place = access_own_place(membership=membership, pk=place_pk)
    if not policy.can_manage_members(membership):
        raise PermissionDenied
    initial = {name: getattr(place, name) for name in OwnPlaceForm.base_fields}
    form = OwnPlaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.own_place_update(membership=membership, place=place, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le lieu a été modifié.")
            return redirect("web:place_list")
    return render(
        request,
        "web/places/form.html",
        {"form": form, "place": place, "title": f"Modifier « {place} »", "nav": "places"},
    )


@require_POST
@membership_required
def place_toggle(request: HttpRequest, place_pk: int) -> HttpResponse:
    """Close an open place, or open a closed one again."""
    membership = request.membership  # type: ignore[attr-defined]
    place = access_own_place(membership=membership, pk=place_pk)
    try:
        services.own_place_update(membership=membership, place=place, fields={}, closed=place.closed_at is None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Le lieu « {place} » est {'fermé' if place.closed_at else 'de nouveau ouvert'}.")
    return redirect("web:place_list")
