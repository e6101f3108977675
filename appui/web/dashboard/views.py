from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from appui.accompaniments.access import present_accompaniment
from appui.accounts import policy
from appui.documents.selectors import documents_expiring
from appui.orientations.access import can_orient
from appui.orientations.selectors import referral_follow_ups_due, referrals_awaiting_answer
from appui.people.export_parts import parts_to_complete
from appui.reporting.selectors import accompaniments_on, follow_ups_due, mandates_expiring, recent_persons
from appui.runtime.selectors import failed_scheduled_jobs
from appui.web.middleware import membership_required


@membership_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "Ma journée": recent persons, today's accompaniments in the structure, my follow-ups due."""
    membership = request.membership  # type: ignore[attr-defined]
    today = timezone.localdate()
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "today": today,
            "recent_persons": recent_persons(membership),
            "today_accompaniments": [
                present_accompaniment(membership, a) for a in accompaniments_on(membership, today)
            ],
            "follow_ups": list(follow_ups_due(membership, today)[:50]),
            "expiring_mandates": list(mandates_expiring(membership)[:20]),
            "expiring_documents": list(documents_expiring(membership)[:20]),
            "failed_scheduled_jobs": (failed_scheduled_jobs() if policy.can_view_scheduled_jobs(membership) else []),
            "referral_follow_ups": list(referral_follow_ups_due(membership, today)[:50])
            if can_orient(membership)
            else [],
            "referrals_awaiting": referrals_awaiting_answer(membership).count() if can_orient(membership) else 0,
            "export_parts": parts_to_complete(membership),
            "title": "Ma journée",
            "nav": "dashboard",
        },
    )
