"""The DPO's desk: the « Données personnelles » hub and the structure's consultation journal (filters, CSV)."""

import csv
import datetime
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from appui.accounts import policy
from appui.accounts.models import Membership, User
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent
from appui.audit.services import audit_record
from appui.people.access import persons_visible_by
from appui.people.models import Person
from appui.people.requests import RequestStatus, RightsRequest
from appui.people.retention import elimination_lists_visible_by, persons_due_for_archiving
from appui.web.forms import AppuiForm
from appui.web.middleware import membership_required
from appui.web.people.forms import DATE_WIDGET


class JournalFilterForm(AppuiForm):
    person = forms.CharField(label="Numéro de dossier", required=False, max_length=20)
    actor = forms.ModelChoiceField(label="Membre", queryset=User.objects.none(), required=False, empty_label="Tous")
    action = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *AuditAction.choices], required=False)
    since = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    until = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__structure_id=membership.structure_id).distinct()
        self.fields["actor"].queryset = members.order_by("last_name", "first_name")  # type: ignore[attr-defined]
        self.fields["actor"].label_from_instance = lambda user: user.get_full_name() or user.email  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "La date de fin précède la date de début.")
        return data


def _require_desk(membership: Membership) -> None:
    if not policy.can_view_consultation_history(membership):
        raise PermissionDenied


def journal_events(membership: Membership, filters: dict[str, Any]) -> "QuerySet[AuditEvent]":
    """The structure's audit events, newest first, filtered by record, member, action and local dates."""
    events = AuditEvent.objects.filter(structure_id=membership.structure_id).select_related("actor")
    number = (filters.get("person") or "").strip()
    if number:
        person_ids = Person.objects.filter(structure_id=membership.structure_id, file_number=number).values("pk")
        events = events.filter(person_id__in=person_ids)
    if filters.get("actor"):
        events = events.filter(actor=filters["actor"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    zone = timezone.get_current_timezone()
    if filters.get("since"):
        events = events.filter(created_at__gte=datetime.datetime.combine(filters["since"], datetime.time.min, zone))
    if filters.get("until"):
        end = datetime.datetime.combine(filters["until"] + datetime.timedelta(days=1), datetime.time.min, zone)
        events = events.filter(created_at__lt=end)
    return events.order_by("-created_at", "-id")


def _persons_named(membership: Membership, events: list[AuditEvent]) -> dict[int, Person]:
    """The records named in these events that the member may see (an archived record stays unnamed)."""
    ids = {e.person_id for e in events if e.person_id}
    return persons_visible_by(membership).in_bulk(ids) if ids else {}


@require_GET
@membership_required
def data_protection_desk(request: HttpRequest) -> HttpResponse:
    """« Données personnelles »: everything the DPO (and the manager) keep, on one page."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_desk(membership)
    today = timezone.localdate()
    open_requests = RightsRequest.objects.visible_by(membership).filter(status=RequestStatus.OPEN)
    return render(
        request,
        "web/people/data_protection_desk.html",
        {
            "open_requests": open_requests.count(),
            "overdue_requests": open_requests.overdue(today).count(),
            "due_for_archiving": persons_due_for_archiving(membership, within_days=30),
            "archived_count": Person.objects.filter(
                structure_id=membership.structure_id, archived_at__isnull=False, anonymised_at__isnull=True
            ).count(),
            "pending_eliminations": elimination_lists_visible_by(membership).filter(approved_at__isnull=True).count(),
            "title": "Données personnelles",
            "nav": "data_protection",
        },
    )


@require_GET
@membership_required
def consultation_journal(request: HttpRequest) -> HttpResponse:
    """Who read or changed what in the structure, with filters; the same selection in CSV."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_desk(membership)
    form = JournalFilterForm(request.GET or None, membership=membership)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = journal_events(membership, filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    persons = _persons_named(membership, list(page))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/people/journal.html",
        {
            "form": form,
            "page": page,
            "rows": [(event, persons.get(event.person_id) if event.person_id else None) for event in page],
            "query": query.urlencode(),
            "title": "Historique des consultations de la structure",
            "nav": "data_protection",
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@membership_required
def consultation_journal_csv(request: HttpRequest) -> HttpResponse:
    """The journal's selection as CSV (UTF-8 with BOM for spreadsheets, Paris times); the export is journaled."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_desk(membership)
    form = JournalFilterForm(request.GET or None, membership=membership)
    if form.is_bound and not form.is_valid():
        return HttpResponse("Filtres invalides : " + " ".join(form.errors.as_text().split()), status=400)
    filters = form.cleaned_data if form.is_bound else {}
    with transaction.atomic():
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.EXPORT,
            purpose=AuditPurpose.DATA_PROTECTION,
            detail={"kind": "journal", "filters": {k: str(v) for k, v in filters.items() if v}},
        )

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(["date", "action", "membre", "dossier", "finalite"])
        for chunk_start in range(0, 10**9, 2000):
            chunk = list(journal_events(membership, filters)[chunk_start : chunk_start + 2000])
            if not chunk:
                return
            persons = _persons_named(membership, chunk)
            for event in chunk:
                person = persons.get(event.person_id) if event.person_id else None
                record = person.file_number if person else ("fiche non consultable" if event.person_id else "")
                yield writer.writerow(
                    [
                        f"{timezone.localtime(event.created_at):%d/%m/%Y %H:%M:%S}",
                        event.get_action_display(),
                        (event.actor.get_full_name() or event.actor.email) if event.actor else "",
                        record,
                        event.get_purpose_display(),
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="historique-consultations.csv"'
    return response
