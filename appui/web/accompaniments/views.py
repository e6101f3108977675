"""Accompaniment pages: quick entry, collective workshops, correction by the author."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from appui.accompaniments import services
from appui.accompaniments.access import (
    access_accompaniment,
    can_read_notes,
    can_read_private_note,
    participants_visible_by,
    present_accompaniment,
)
from appui.accompaniments.enums import Kind
from appui.accounts import policy
from appui.core.versions import StaleVersionError
from appui.mandates.access import mandates_visible_by
from appui.people.access import access_person, persons_visible_by
from appui.places.models import Place
from appui.reporting.selectors import recent_persons
from appui.web.middleware import membership_required

from . import drafts
from .forms import AccompanimentForm, WorkshopForm, duration_initial, where_of


def _places(membership: Any) -> Any:
    return Place.objects.of_structure(membership.structure_id).open()


@membership_required
def accompaniment_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Record an accompaniment; "Créer le mandat" keeps the typing aside and comes back to it with the mandate."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied
    can_create_mandate = policy.can_act_under_mandate(membership) and not person.is_anonymous
    if request.method == "POST" and "creer_mandat" in request.POST and can_create_mandate:
        drafts.draft_drop(request, request.POST.get("brouillon"))  # the typing now is the one to keep
        key = drafts.draft_save(request, person_pk=person.pk, data=request.POST)
        return redirect(f"{reverse('web:mandate_create', args=[person.pk])}?{urlencode({'brouillon': key})}")
    draft_key = request.POST.get("brouillon") or request.GET.get("brouillon")
    draft = drafts.draft_get(request, draft_key, person_pk=person.pk)
    mandates = mandates_visible_by(membership).for_person(person.pk).current()
    form = AccompanimentForm(
        request.POST or None,
        initial=_draft_initial(draft) if draft and request.method != "POST" else None,
        places=_places(membership),
        show_notes=policy.can_view_notes(membership),
        mandates=mandates,
        versioned=False,
    )
    if can_create_mandate:
        form.fields[
            "mandate"
        ].help_text += (
            " Pas de mandat qui couvre la démarche ? « Créer le mandat », en bas du formulaire, garde votre saisie."
        )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        mandate = fields.pop("mandate", None)
        try:
            services.accompaniment_create(membership=membership, person=person, fields=fields, mandate=mandate)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            drafts.draft_drop(request, draft_key)
            messages.success(request, "L'accompagnement a été enregistré.")
            return redirect("web:person_detail", person_pk=person.pk)
    new_mandate = mandates.filter(pk=draft["mandate"]).first() if draft and draft["mandate"] else None
    return render(
        request,
        "web/accompaniments/form.html",
        {
            "form": form,
            "person": person,
            "title": f"Nouvel accompagnement — {person}",
            "nav": "people",
            "can_create_mandate": can_create_mandate,
            "draft_key": draft_key if draft else None,
            "new_mandate": new_mandate,
        },
    )


def _draft_initial(draft: dict[str, Any]) -> dict[str, Any]:
    """Return the form's initial data from a draft: the values typed, and the mandate created meanwhile."""
    initial: dict[str, Any] = {}
    for name, field in AccompanimentForm.base_fields.items():
        values = draft["values"].get(name)
        if values is not None:
            initial[name] = values if isinstance(field, forms.MultipleChoiceField) else values[-1]
    if draft["mandate"]:
        initial["mandate"] = draft["mandate"]
    return initial


def _initial(accompaniment: Any, names: Any) -> dict[str, Any]:
    initial = {name: getattr(accompaniment, name) for name in names if hasattr(accompaniment, name)}
    initial.update(duration_initial(accompaniment.duration_minutes), where=where_of(accompaniment))
    return initial


def _current(membership: Any, accompaniment_pk: int, names: Any) -> tuple[dict[str, Any], int, set[str]]:
    """Return the activity's values now, as the member may read them, its version, and the fields they may not read.

    Read again through the one way in: the activity may have left the member's reach meanwhile.
    """
    current = access_accompaniment(membership=membership, pk=accompaniment_pk, record_read=False)
    view = present_accompaniment(membership, current)
    masked = {name for name in ("notes", "outcome", "next_step", "private_note") if getattr(view, name) is None}
    return _initial(view, names), current.version, masked


@membership_required
def accompaniment_edit(request: HttpRequest, accompaniment_pk: int) -> HttpResponse:
    """Correct an activity (its author); one changed since the form was opened answers 409 and writes nothing."""
    membership = request.membership  # type: ignore[attr-defined]
    accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk)
    if not can_read_private_note(membership, accompaniment):
        # Only the author corrects an accompaniment (they are also the only reader of its private note).
        raise PermissionDenied
    if accompaniment.kind == Kind.COLLECTIVE:
        return _workshop_form(request, membership, accompaniment)
    show_notes = can_read_notes(membership, accompaniment)
    names = [name for name in AccompanimentForm.base_fields if name != "mandate"]
    form = AccompanimentForm(
        request.POST or None, initial=_initial(accompaniment, names), places=_places(membership), show_notes=show_notes
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        expected_version = fields.pop("version")
        try:
            services.accompaniment_update(
                membership=membership, accompaniment=accompaniment, fields=fields, expected_version=expected_version
            )
        except StaleVersionError:
            now, version, masked = _current(membership, accompaniment_pk, names)
            form.show_stale(now=now, version=version, masked=masked)
            status = 409
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
        status=status,
    )


def _workshop_initial(membership: Any, accompaniment: Any) -> tuple[dict[str, Any], list[Any]]:
    """Return the workshop form's initial data for a recorded workshop, and its participants the member may see."""
    initial = _initial(accompaniment, WorkshopForm.base_fields)
    participants = list(participants_visible_by(membership, accompaniment))
    initial["followed"] = [p.person for p in participants if p.person_id]
    anonymous = [p for p in participants if p.person_id is None]
    initial["anonymous_count"] = len(anonymous)
    for prefix, attribute in (("gender", "gender"), ("age", "age_band"), ("status", "social_status")):
        for participation in anonymous:
            value = getattr(participation, attribute)
            if value:
                key = f"{prefix}_{value}"
                initial[key] = initial.get(key, 0) + 1
    return initial, participants


def _workshop_form(request: HttpRequest, membership: Any, accompaniment: Any = None) -> HttpResponse:
    """Show and save the workshop form, for a new workshop or the correction of one."""
    persons = persons_visible_by(membership)
    recent_ids = [p.pk for p in recent_persons(membership, limit=12) if not p.is_anonymous]
    initial: dict[str, Any] = {}
    participants: list[Any] = []
    if accompaniment is not None:
        initial, participants = _workshop_initial(membership, accompaniment)
        recent_ids += [p.pk for p in initial["followed"]]
    elif request.GET.get("personne"):
        person = access_person(membership=membership, pk=request.GET["personne"], record_read=False)
        recent_ids.append(person.pk)
        initial["followed"] = [person]
    form = WorkshopForm(
        request.POST or None,
        initial=initial,
        places=_places(membership),
        persons=persons,
        recent=persons.filter(pk__in=recent_ids).order_by("last_name", "first_name"),
        show_notes=policy.can_view_notes(membership),
        versioned=accompaniment is not None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        persons_in, anonymous = data.pop("persons"), data.pop("anonymous")
        try:
            if accompaniment is None:
                services.workshop_create(membership=membership, fields=data, persons=persons_in, anonymous=anonymous)
            else:
                expected_version = data.pop("version")
                services.workshop_update(
                    membership=membership,
                    accompaniment=accompaniment,
                    fields=data,
                    persons=persons_in,
                    anonymous=anonymous,
                    expected_version=expected_version,
                )
        except StaleVersionError:
            current = access_accompaniment(membership=membership, pk=accompaniment.pk, record_read=False)
            now, participants = _workshop_initial(membership, current)
            view = present_accompaniment(membership, current)
            masked = {name for name in ("notes", "private_note") if getattr(view, name) is None}
            now.update(dict.fromkeys(masked))
            form.show_stale(now=now, version=current.version, masked=masked)
            status = 409
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, "L'atelier a été enregistré." if accompaniment is None else "L'atelier a été corrigé."
            )
            return redirect("web:dashboard")
    title = (
        "Nouvel atelier collectif" if accompaniment is None else f"Corriger l'atelier du {accompaniment.date:%d/%m/%Y}"
    )
    return render(
        request,
        "web/accompaniments/workshop_form.html",
        {"form": form, "accompaniment": accompaniment, "participants": participants, "title": title, "nav": "workshop"},
        status=status,
    )


@membership_required
def workshop_create(request: HttpRequest) -> HttpResponse:
    """Record a collective workshop: its followed participants and the anonymous ones."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied
    return _workshop_form(request, membership)


@require_POST
@membership_required
def follow_up_done(request: HttpRequest, accompaniment_pk: int) -> HttpResponse:
    """Mark the follow-up of one of the member's accompaniments as done (from "Ma journée")."""
    membership = request.membership  # type: ignore[attr-defined]
    accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk, record_read=False)
    # One field, whatever the rest of the activity says meanwhile: a blind write that saves only that field.
    services.accompaniment_update(
        membership=membership, accompaniment=accompaniment, fields={"follow_up_done": True}, expected_version=None
    )
    messages.success(request, f"Suivi de {accompaniment.person or accompaniment} marqué comme fait.")
    return redirect("web:dashboard")
