"""Data-protection pages: register of requests, art. 15 export and its hand-over, elimination lists, FALC notice."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from appui.accounts import policy
from appui.people.access import access_export_part, access_person
from appui.people.enums import ExportDelivery, ExportPartKind
from appui.people.export_parts import (
    AccessExportPart,
    access_export_part_complete,
    access_export_part_seal,
    access_export_prepare,
    may_seal,
    member_may_complete,
    members_who_may_complete,
    parts_to_complete,
)
from appui.people.export_pdf import PASSPHRASE_MIN_LENGTH
from appui.people.requests import (
    RequestKind,
    RequestStatus,
    RightsRequest,
    rights_request_answer,
    rights_request_create,
)
from appui.people.retention import elimination_list_approve, elimination_lists_visible_by
from appui.web.files import attachment_response
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


class DeliveryForm(AppuiForm):
    delivery = forms.ChoiceField(
        label="Comment remettez-vous cette partie à la personne ?",
        choices=[
            (ExportDelivery.IN_PERSON, ExportDelivery.IN_PERSON.label),
            (ExportDelivery.POST, ExportDelivery.POST.label),
            (ExportDelivery.SECURE_MAIL, ExportDelivery.SECURE_MAIL.label),
        ],
        widget=forms.RadioSelect,
    )


class SealForm(AppuiForm):
    person_present = forms.BooleanField(
        label="La personne est présente et tape elle-même sa phrase secrète, sans la dire à voix haute",
        required=True,
        error_messages={"required": "La personne doit être présente et taper elle-même sa phrase secrète."},
    )
    passphrase = forms.CharField(
        label="Phrase secrète choisie par la personne",
        help_text=f"Au moins {PASSPHRASE_MIN_LENGTH} caractères, par exemple trois mots. Elle servira à ouvrir le "
        "fichier. Appui ne la garde pas : si elle est oubliée, personne ne pourra ouvrir le fichier.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )
    passphrase_confirm = forms.CharField(
        label="La même phrase secrète, une seconde fois",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )


class ApprovalForm(AppuiForm):
    reference = forms.CharField(label="Référence du visa d'élimination des archives", max_length=100)


def _require_dpo_or_manager(membership: object) -> None:
    if not policy.can_view_consultation_history(membership):  # type: ignore[arg-type]
        raise PermissionDenied


@membership_required
def rights_request_create_view(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    _require_dpo_or_manager(membership)
    initial = {"received_on": timezone.localdate()}
    if request.GET.get("type") in RequestKind.values:
        initial["kind"] = request.GET["type"]
    form = RightsRequestForm(request.POST or None, initial=initial)
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
    parts = AccessExportPart.objects.select_related("author", "completed_by").order_by("kind", "author_id", "id")
    requests = (
        RightsRequest.objects.visible_by(membership)
        .select_related("person")
        .prefetch_related(Prefetch("export_parts", queryset=parts))
    )
    return render(
        request,
        "web/people/rights_requests.html",
        {
            "requests": requests,
            "readable_kind": ExportPartKind.READABLE.value,
            "access_kind": RequestKind.ACCESS.value,
            "dpo_contact_missing": not membership.structure.dpo_contact,
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


@require_POST
@membership_required
def rights_request_export(request: HttpRequest, request_pk: int) -> HttpResponse:
    """The preparer's archive of an access request: what they may read, and the parts sealed for the person."""
    membership = request.membership  # type: ignore[attr-defined]
    found = RightsRequest.objects.visible_by(membership).filter(pk=request_pk).first()
    if found is None:
        raise Http404
    _require_dpo_or_manager(membership)
    try:
        filename, content = access_export_prepare(membership=membership, request=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:rights_requests")
    return attachment_response(content, content_type="application/zip", filename=filename)


@require_GET
@membership_required
def export_parts_inbox(request: HttpRequest) -> HttpResponse:
    """The parts of access exports the member may read and so must hand over (their inbox)."""
    membership = request.membership  # type: ignore[attr-defined]
    return render(
        request,
        "web/people/export_parts_inbox.html",
        {
            "parts": parts_to_complete(membership),
            "today": timezone.localdate(),
            "title": "Données à remettre (droit d'accès)",
            "nav": "dashboard",
        },
    )


def _part_page(request: HttpRequest, part: AccessExportPart, **forms_: AppuiForm) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    can_complete = member_may_complete(membership, part)
    keeper = policy.can_view_consultation_history(membership)
    readers = members_who_may_complete(part) if keeper and not part.is_done else None
    return render(
        request,
        "web/people/export_part.html",
        {
            "part": part,
            "person": part.request.person,
            "can_complete": can_complete and not part.is_done,
            "can_seal": not part.is_done and may_seal(membership, part, readers=readers),
            "readers": readers or [],
            "keeper": keeper,
            "delivery_form": forms_.get("delivery_form") or DeliveryForm(),
            "seal_form": forms_.get("seal_form") or SealForm(),
            "title": f"Droit d'accès : {part.label}",
            "nav": "people",
        },
    )


@membership_required
def export_part_detail(request: HttpRequest, part_pk: int) -> HttpResponse:
    """One part of an access export: produce and hand it over, or see who may."""
    membership = request.membership  # type: ignore[attr-defined]
    part = access_export_part(membership=membership, pk=part_pk)
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if request.method != "POST":
        return _part_page(request, part)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            filename, content = access_export_part_complete(
                membership=membership, part=part, delivery=form.cleaned_data["delivery"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return attachment_response(content, content_type="application/zip", filename=filename)
    return _part_page(request, part, delivery_form=form)


@sensitive_post_parameters("passphrase", "passphrase_confirm")
@require_POST
@membership_required
def export_part_seal(request: HttpRequest, part_pk: int) -> HttpResponse:
    """Seal a part for the person, with the passphrase they type (never kept, never shown)."""
    membership = request.membership  # type: ignore[attr-defined]
    part = access_export_part(membership=membership, pk=part_pk)
    form = SealForm(request.POST)
    if form.is_valid():
        try:
            access_export_part_seal(
                membership=membership,
                part=part,
                passphrase=form.cleaned_data["passphrase"],
                confirmation=form.cleaned_data["passphrase_confirm"],
                person_present=form.cleaned_data["person_present"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                "La partie est scellée : elle sera dans l'export, et seule la phrase secrète de la personne l'ouvre.",
            )
            return redirect("web:export_part_detail", part_pk=part.pk)
    return _part_page(request, part, seal_form=form)


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
