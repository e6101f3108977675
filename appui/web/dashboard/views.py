"""« Ma journée »: what the member has to do today, reminders first; the DPO's home shows the DPO's work."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from appui.accompaniments.access import present_accompaniment
from appui.accounts import policy
from appui.accounts.enums import Role
from appui.accounts.models import Membership
from appui.documents.selectors import documents_expiring
from appui.orientations.access import can_orient
from appui.orientations.selectors import referral_follow_ups_due, referrals_awaiting_answer
from appui.people.export_parts import parts_to_complete
from appui.people.requests import RequestStatus, RightsRequest
from appui.people.retention import elimination_lists_visible_by, persons_due_for_archiving
from appui.reporting.selectors import accompaniments_on, follow_ups_due, mandates_expiring, recent_persons
from appui.rights.access import can_screen
from appui.rights.selectors import claim_reminders_due
from appui.runtime.selectors import failed_scheduled_jobs, schedule_overview
from appui.web.middleware import membership_required

AUDIT_VERIFICATION_JOB = "verification_audit"


def _follow_up_groups(membership: Membership, today: datetime.date) -> list[dict[str, Any]]:
    """The member's follow-ups to do: late, today, in the next seven days, each with its subject and person."""
    due = list(follow_ups_due(membership, today + datetime.timedelta(days=7))[:200])
    groups = [
        {"key": "retard", "title": "En retard", "items": [a for a in due if a.follow_up_date < today]},
        {"key": "aujourdhui", "title": "Aujourd'hui", "items": [a for a in due if a.follow_up_date == today]},
        {"key": "semaine", "title": "Cette semaine", "items": [a for a in due if a.follow_up_date > today]},
    ]
    for group in groups:
        for acc in group["items"]:
            acc.days_late = (today - acc.follow_up_date).days
        group["items"] = [present_accompaniment(membership, a) for a in group["items"]]
    return groups


def _dpo_desk(request: HttpRequest, membership: Membership, today: datetime.date) -> HttpResponse:
    requests = list(
        RightsRequest.objects.visible_by(membership)
        .filter(status=RequestStatus.OPEN)
        .select_related("person")
        .order_by("due_on", "id")[:50]
    )
    verification = next((o for o in schedule_overview(runs_per_job=1) if o.job.name == AUDIT_VERIFICATION_JOB), None)
    return render(
        request,
        "web/dashboard/dpo.html",
        {
            "today": today,
            "requests": requests,
            "overdue": sum(1 for r in requests if r.due_on < today),
            "due_for_archiving": persons_due_for_archiving(membership, within_days=30, limit=100),
            "eliminations": list(elimination_lists_visible_by(membership).filter(approved_at__isnull=True)),
            "verification": verification,
            "failed_scheduled_jobs": failed_scheduled_jobs(),
            "export_parts": parts_to_complete(membership),
            "title": "Ma journée",
            "nav": "dashboard",
        },
    )


@membership_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """« Ma journée »: reminders, my follow-ups by urgency, recent persons, my accompaniments of the day."""
    membership = request.membership  # type: ignore[attr-defined]
    today = timezone.localdate()
    if membership.role == Role.DPO:
        return _dpo_desk(request, membership, today)
    whole_structure = request.GET.get("accompagnements") == "structure"
    day = accompaniments_on(membership, today).order_by("-created_at", "-id")
    if not whole_structure:
        day = day.filter(author_id=membership.user_id)
    follow_ups = _follow_up_groups(membership, today)
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "today": today,
            "recent_persons": recent_persons(membership),
            "whole_structure": whole_structure,
            "today_accompaniments": [present_accompaniment(membership, a) for a in day[:100]],
            "follow_up_groups": follow_ups,
            "follow_up_count": sum(len(g["items"]) for g in follow_ups),
            "expiring_mandates": list(mandates_expiring(membership)[:20]),
            "expiring_documents": list(documents_expiring(membership)[:20]),
            "failed_scheduled_jobs": (failed_scheduled_jobs() if policy.can_view_scheduled_jobs(membership) else []),
            "referral_follow_ups": list(referral_follow_ups_due(membership, today)[:50])
            if can_orient(membership)
            else [],
            "referrals_awaiting": referrals_awaiting_answer(membership).count() if can_orient(membership) else 0,
            # Right follow-ups are situation data: only the roles that may read the situation see them.
            "claim_reminders": list(claim_reminders_due(membership, today)[:50]) if can_screen(membership) else [],
            "export_parts": parts_to_complete(membership),
            "can_record": policy.can_record_accompaniment(membership),
            "title": "Ma journée",
            "nav": "dashboard",
        },
    )
