"""Signalements: report a broken online service; dashboards by service and week; CSV export."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from appui.accompaniments.access import access_accompaniment
from appui.accounts import policy
from appui.reporting.selectors import service_alerts_by_week
from appui.service_alerts import services
from appui.service_alerts.access import access_alert, alerts_visible_by, territory_structure_ids
from appui.web.files import attachment_response
from appui.web.middleware import membership_required

from .forms import ServiceAlertForm

WEEKS = 12


@membership_required
def service_alert_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied
    source = request.POST.get("accompagnement") or request.GET.get("accompagnement")
    accompaniment = access_accompaniment(membership=membership, pk=source, record_read=False) if source else None
    guide = (request.POST.get("guide") or request.GET.get("guide") or "")[:100]
    initial = {}
    if accompaniment is not None and accompaniment.online_services:
        initial["service"] = accompaniment.online_services[0]
    form = ServiceAlertForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "screenshot"}
        try:
            services.service_alert_create(
                membership=membership,
                fields={**fields, "guide_slug": guide},
                accompaniment=accompaniment,
                screenshot=form.cleaned_data.get("screenshot"),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Merci : le signalement est enregistré.")
            return redirect("web:service_alert_dashboard")
    return render(
        request,
        "web/service_alerts/form.html",
        {
            "form": form,
            "accompaniment": accompaniment,
            "guide": guide,
            "title": "Signaler un service en ligne",
            "nav": "alerts",
        },
    )


def _scope(request: HttpRequest) -> tuple[str, list[int]]:
    membership = request.membership  # type: ignore[attr-defined]
    if request.GET.get("perimetre") == "territoire":
        return "territoire", territory_structure_ids(membership)
    return "structure", [membership.structure_id]


@membership_required
def service_alert_dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    scope, structure_ids = _scope(request)
    since = timezone.localdate() - datetime.timedelta(weeks=WEEKS)
    return render(
        request,
        "web/service_alerts/dashboard.html",
        {
            "rows": service_alerts_by_week(structure_ids, since),
            "scope": scope,
            "structure_count": len(structure_ids),
            "recent": alerts_visible_by(membership).select_related("author")[:20],
            "weeks": WEEKS,
            "title": "Signalements de services en ligne",
            "nav": "alerts",
        },
    )


@membership_required
def service_alert_export(request: HttpRequest) -> HttpResponse:
    """Download the counts by service and week as CSV, to send to the institutions concerned."""
    membership = request.membership  # type: ignore[attr-defined]
    scope, structure_ids = _scope(request)
    rows = service_alerts_by_week(structure_ids, timezone.localdate() - datetime.timedelta(weeks=WEEKS))
    services.service_alert_export_record(membership=membership, scope=scope, rows=len(rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signalements-{scope}-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # lets spreadsheet software read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["semaine_du", "service", "signalements", "structures"])
    for row in rows:
        writer.writerow([row["week"].isoformat(), row["service_label"], row["count"], row["structures"]])
    return response


@membership_required
def service_alert_screenshot(request: HttpRequest, alert_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    alert = access_alert(membership=membership, pk=alert_pk)
    if not alert.screenshot:
        return HttpResponse("Pas de capture pour ce signalement.", status=404, content_type="text/plain; charset=utf-8")
    extension = "png" if alert.screenshot_type == "image/png" else "jpg"
    return attachment_response(
        bytes(alert.screenshot), content_type=alert.screenshot_type, filename=f"signalement-{alert.pk}.{extension}"
    )
