"""Data-protection pages: art. 15 export, register of requests, elimination lists, FALC notice."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from appui.accounts import policy
from appui.people.access import access_person
from appui.people.export import person_access_export
from appui.people.requests import (
    RequestKind,
    RequestStatus,
    RightsRequest,
    rights_request_answer,
    rights_request_create,
)
from appui.people.retention import elimination_list_approve, elimination_lists_visible_by
from appui.web.forms import AppuiForm, InlineRadioSelect
from appui.web.middleware import membership_required
from appui.web.people.forms import DATE_WIDGET


class RightsRequestForm(AppuiForm):
    kind = forms.ChoiceField(label="Type de demande", choices=RequestKind.choices, widget=InlineRadioSelect)
    received_on = forms.DateField(label="Reçue le", widget=DATE_WIDGET)
    details = forms.CharField(label="Objet de la demande", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(AppuiForm):
    status = forms.ChoiceField(
        label="Suite donnée",
        choices=[
            (RequestStatus.ANSWERED, RequestStatus.ANSWERED.label),
            (RequestStatus.REFUSED, RequestStatus.REFUSED.label),
        ],
        widget=InlineRadioSelect,
    )
    answer = forms.CharField(label="Réponse apportée", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApprovalForm(AppuiForm):
    reference = forms.CharField(label="Référence du visa d'élimination des archives", max_length=100)


def _require_dpo_or_manager(membership: object) -> None:
    if not policy.can_view_consultation_history(membership):  # type: ignore[arg-type]
        raise PermissionDenied


@require_POST
@membership_required
def person_export(request: HttpRequest, person_pk: int) -> HttpResponse:
    """One click: the zip of everything held about the person (RGPD art. 15)."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk, record_read=False)
    _require_dpo_or_manager(membership)
    filename, content = person_access_export(membership=membership, person=person)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@membership_required
def rights_request_create_view(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    _require_dpo_or_manager(membership)
    form = RightsRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rights_request_create(membership=membership, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Demande enregistrée : la réponse est due sous un mois.")
            return redirect("web:rights_requests")
    return render(
        request,
        "web/people/rights_request_form.html",
        {"form": form, "person": person, "title": "Enregistrer une demande", "nav": "people"},
    )


@membership_required
def rights_requests(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    _require_dpo_or_manager(membership)
    requests = RightsRequest.objects.visible_by(membership).select_related("person")
    return render(
        request,
        "web/people/rights_requests.html",
        {
            "requests": requests,
            "today": timezone.localdate(),
            "answer_form": AnswerForm(),
            "title": "Registre des demandes",
            "nav": "people",
        },
    )


@require_POST
@membership_required
def rights_request_answer_view(request: HttpRequest, request_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = RightsRequest.objects.visible_by(membership).filter(pk=request_pk).first()
    if found is None:
        raise Http404
    _require_dpo_or_manager(membership)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            rights_request_answer(membership=membership, request=found, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "La demande est close.")
    else:
        messages.error(request, "Choisissez la suite donnée.")
    return redirect("web:rights_requests")


@membership_required
def elimination_lists(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    _require_dpo_or_manager(membership)
    lists = elimination_lists_visible_by(membership).prefetch_related("persons")
    return render(
        request,
        "web/people/elimination_lists.html",
        {"lists": lists, "form": ApprovalForm(), "title": "Listes d'élimination", "nav": "people"},
    )


@require_POST
@membership_required
def elimination_approve(request: HttpRequest, elimination_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    elimination = elimination_lists_visible_by(membership).filter(pk=elimination_pk).first()
    if elimination is None:
        raise Http404
    _require_dpo_or_manager(membership)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la référence du visa d'élimination.")
        return redirect("web:elimination_lists")
    try:
        count = elimination_list_approve(
            membership=membership, elimination=elimination, reference=form.cleaned_data["reference"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Liste validée : {count} fiche(s) anonymisée(s).")
    return redirect("web:elimination_lists")
