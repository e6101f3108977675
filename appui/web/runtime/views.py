"""The server's health for monitoring (``/sante/``), and the scheduled jobs' runs for the manager and the DPO."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from appui.accounts import policy
from appui.runtime.selectors import health, live_workers, schedule_overview
from appui.web.middleware import membership_required


@require_GET
@login_not_required
@transaction.non_atomic_requests
def health_check(request: HttpRequest) -> JsonResponse:
    """Answer the state of the database and of the background workers: 200 when both work, 503 otherwise.

    For a monitoring probe or a load balancer: no login, no name, no figure about any structure.
    """
    state = health()
    return JsonResponse(
        state.as_json(), status=200 if state.healthy else 503, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@membership_required
def scheduled_jobs(request: HttpRequest) -> HttpResponse:
    """List the scheduled jobs, when each ran and how it went (manager and DPO)."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_view_scheduled_jobs(membership):
        raise PermissionDenied("Seuls le ou la responsable et le DPO voient les tâches automatiques.")
    overview = schedule_overview()
    return render(
        request,
        "web/runtime/scheduled_jobs.html",
        {
            "overview": [
                {"entry": entry, "runs": [(run, run.summary_for(membership.structure_id)) for run in entry.runs]}
                for entry in overview
            ],
            "failed": [entry for entry in overview if entry.failed],
            "workers": live_workers().count(),
            "title": "Tâches automatiques",
            "nav": "scheduled_jobs",
        },
    )
