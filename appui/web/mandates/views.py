"""Mandate pages: create in person, read, attestations, revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from appui.accounts import policy
from appui.mandates import services
from appui.mandates.access import access_mandate, access_revocation
from appui.mandates.enums import CONSENT_VERSION
from appui.people.access import access_person
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
    form = MandateForm(request.POST or None)
    preview = services.consent_text(
        person=person,
        structure_name=membership.structure.name,
        categories=form.data.getlist("categories") if form.is_bound else [],
        start=timezone.now(),
        end=timezone.now(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mandate = services.mandate_create(membership=membership, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
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
        },
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
        messages.error(request, "Révocation impossible : vérifiez les catégories choisies.")
    return redirect("web:mandate_detail", mandate_pk=mandate.pk)


@membership_required
def revocation_attestation(request: HttpRequest, revocation_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    revocation = access_revocation(membership=membership, pk=revocation_pk)
    access_person(membership=membership, pk=revocation.mandate.person_id)
    return _pdf(revocation.attestation_pdf, f"revocation-mandat-{revocation.mandate_id}-{revocation.pk}.pdf")
