"""Mandate pages: create in person, read, attestations, revoke."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.mandates import services
from appui.mandates.access import access_mandate, access_revocation
from appui.mandates.enums import CONSENT_VERSION, procedure_category_choices
from appui.people.access import access_person
from appui.people.models import Person
from appui.web.accompaniments.drafts import draft_get, draft_set_mandate
from appui.web.files import attachment_response
from appui.web.middleware import membership_required

from .forms import MandateForm, RevocationForm


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(bytes(content), content_type="application/pdf", filename=filename)


@membership_required
def mandate_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_act_under_mandate(membership) or person.is_anonymous:
        raise PermissionDenied
    # Coming from an accompaniment form ("Créer le mandat"): its procedure themes are proposed, and once saved
    # the mandate leads back to that form, restored (appui/web/accompaniments/drafts.py).
    draft_key = request.POST.get("brouillon") or request.GET.get("brouillon")
    draft = draft_get(request, draft_key, person_pk=person.pk)
    if draft is None:
        draft_key = None
    form = MandateForm(request.POST or None, initial=_draft_categories(draft))
    preview = _consent_preview(membership, person, form)
    if request.htmx:  # type: ignore[attr-defined]
        # The text follows the categories and duration as they are chosen (the form posts on change).
        return render(
            request, "web/mandates/_consent.html", {"consent_preview": preview, "consent_version": CONSENT_VERSION}
        )
    if request.method == "POST" and "apercu" in request.POST:
        # Without JavaScript, "Mettre à jour le texte" shows the text of the choices made; nothing is saved.
        form = MandateForm(
            initial={k: form.data.getlist(k) if k == "categories" else form.data.get(k) for k in form.data}
        )
    elif request.method == "POST" and form.is_valid():
        try:
            mandate = services.mandate_create(membership=membership, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if draft_key:
                draft_set_mandate(request, draft_key, mandate_pk=mandate.pk)
                messages.success(
                    request,
                    "Le mandat est enregistré et choisi ci-dessous. Terminez l'accompagnement, puis imprimez "
                    "l'attestation du mandat et faites-la signer.",
                )
                return redirect(_back_to_accompaniment(person, draft_key))
            messages.success(request, "Le mandat est enregistré. Imprimez l'attestation et faites-la signer.")
            return redirect("web:mandate_detail", mandate_pk=mandate.pk)
    return render(
        request,
        "web/mandates/form.html",
        {
            "form": form,
            "person": person,
            "consent_preview": preview,
            "consent_version": CONSENT_VERSION,
            "title": f"Nouveau mandat — {person}",
            "nav": "people",
            "draft_key": draft_key,
            "back_url": _back_to_accompaniment(person, draft_key) if draft_key else None,
        },
    )


def _draft_categories(draft: dict | None) -> dict[str, list[str]] | None:
    """Return the initial categories of a mandate created from an accompaniment form: its procedure themes."""
    if draft is None:
        return None
    themes = draft["values"].get("themes", [])
    return {"categories": [value for value, _ in procedure_category_choices() if value in themes]}


def _back_to_accompaniment(person: Person, draft_key: str) -> str:
    return f"{reverse('web:accompaniment_create', args=[person.pk])}?{urlencode({'brouillon': draft_key})}"


def _consent_preview(membership: Membership, person: Person, form: MandateForm) -> str:
    """The consent text of the choices made so far (categories and duration as typed, start now)."""
    start = timezone.now().replace(second=0, microsecond=0)
    choices = dict(form.fields["categories"].choices)  # type: ignore[attr-defined]
    chosen = form.data.getlist("categories") if form.is_bound else form.initial.get("categories", [])
    categories = [c for c in chosen if c in choices]
    duration = form.data.get("duration") if form.is_bound else None
    valid_durations = {value for value, _ in form.fields["duration"].choices}
    end = services.mandate_end(start, duration) if duration in valid_durations else None
    return services.consent_text(
        person=person, structure_name=membership.structure.name, categories=categories, start=start, end=end
    )


@membership_required
def mandate_detail(request: HttpRequest, mandate_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    mandate = access_mandate(membership=membership, pk=mandate_pk)
    person = access_person(membership=membership, pk=mandate.person_id)
    active = mandate.active_categories()
    can_manage = policy.can_act_under_mandate(membership)
    return render(
        request,
        "web/mandates/detail.html",
        {
            "mandate": mandate,
            "person": person,
            "categories": services.category_labels(mandate.categories),
            "active": services.category_labels(active),
            "revoked": services.category_labels(mandate.revoked_categories),
            "uses": mandate.uses.select_related("accompaniment", "used_by"),
            "revocations": mandate.revocations.select_related("revoked_by"),
            "revoke_form": RevocationForm(active=active) if can_manage and active else None,
            "title": str(mandate),
            "nav": "people",
        },
    )


@membership_required
def mandate_attestation(request: HttpRequest, mandate_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    mandate = access_mandate(membership=membership, pk=mandate_pk)
    access_person(membership=membership, pk=mandate.person_id)
    return _pdf(mandate.attestation_pdf, f"mandat-{mandate.pk}.pdf")


@require_POST
@membership_required
def mandate_revoke(request: HttpRequest, mandate_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    mandate = access_mandate(membership=membership, pk=mandate_pk)
    if not policy.can_act_under_mandate(membership):
        raise PermissionDenied
    form = RevocationForm(request.POST, active=mandate.active_categories())
    if form.is_valid():
        try:
            services.mandate_revoke(
                membership=membership,
                mandate=mandate,
                categories=form.cleaned_data["categories"] or None,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "La révocation est enregistrée. Imprimez l'attestation de révocation.")
    else:
        messages.error(
            request, " ".join(form.non_field_errors()) or "Révocation impossible : vérifiez les catégories choisies."
        )
    return redirect("web:mandate_detail", mandate_pk=mandate.pk)


@membership_required
def revocation_attestation(request: HttpRequest, revocation_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    revocation = access_revocation(membership=membership, pk=revocation_pk)
    access_person(membership=membership, pk=revocation.mandate.person_id)
    return _pdf(revocation.attestation_pdf, f"revocation-mandat-{revocation.mandate_id}-{revocation.pk}.pdf")
