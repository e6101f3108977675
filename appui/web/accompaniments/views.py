"""Accompaniment pages: quick entry, correction by the author."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from appui.accompaniments import services
from appui.accompaniments.access import access_accompaniment, can_read_notes, can_read_private_note
from appui.accounts import policy
from appui.mandates.access import mandates_visible_by
from appui.people.access import access_person
from appui.web.middleware import membership_required

from .forms import AccompanimentForm


@membership_required
def accompaniment_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied
    form = AccompanimentForm(
        request.POST or None,
        show_notes=policy.can_view_notes(membership),
        mandates=mandates_visible_by(membership).for_person(person.pk).current(),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        mandate = fields.pop("mandate", None)
        try:
            services.accompaniment_create(membership=membership, person=person, fields=fields, mandate=mandate)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "L'accompagnement a été enregistré.")
            return redirect("web:person_detail", person_pk=person.pk)
    return render(
        request,
        "web/accompaniments/form.html",
        {"form": form, "person": person, "title": f"Nouvel accompagnement — {person}", "nav": "people"},
    )


@membership_required
def accompaniment_edit(request: HttpRequest, accompaniment_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk)
    if not can_read_private_note(membership, accompaniment):
        # Only the author corrects an accompaniment (they are also the only reader of its private note).
        raise PermissionDenied
    show_notes = can_read_notes(membership, accompaniment)
    fields = AccompanimentForm.base_fields
    initial = {name: getattr(accompaniment, name) for name in fields if name != "mandate"}
    form = AccompanimentForm(request.POST or None, initial=initial, show_notes=show_notes)
    if request.method == "POST" and form.is_valid():
        try:
            services.accompaniment_update(membership=membership, accompaniment=accompaniment, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "L'accompagnement a été corrigé.")
            return redirect("web:person_detail", person_pk=accompaniment.person_id)
    return render(
        request,
        "web/accompaniments/form.html",
        {
            "form": form,
            "person": accompaniment.person,
            "accompaniment": accompaniment,
            "title": f"Corriger l'accompagnement du {accompaniment.date:%d/%m/%Y}",
            "nav": "people",
        },
    )


@require_POST
@membership_required
def follow_up_done(request: HttpRequest, accompaniment_pk: int) -> HttpResponse:
    """Mark the follow-up of one of the member's accompaniments as done (from "Ma journée")."""
    membership = request.membership  # type: ignore[attr-defined]
    accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk, record_read=False)
    services.accompaniment_update(membership=membership, accompaniment=accompaniment, fields={"follow_up_done": True})
    messages.success(request, f"Suivi de {accompaniment.person} marqué comme fait.")
    return redirect("web:dashboard")
