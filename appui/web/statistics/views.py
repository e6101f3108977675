"""Statistics pages: the member's or the structure's activity, exports, reports, sharing, the territory view."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from appui.accounts import policy
from appui.accounts.access import members_visible_by
from appui.accounts.enums import Role
from appui.accounts.models import Membership
from appui.core.territories import departement_of, epci_of, territory_name
from appui.places.access import own_places_of
from appui.reporting import services
from appui.reporting.exports import activity_rows, csv_stream, xlsx_file
from appui.reporting.models import ActivityReport, StatisticsSharing
from appui.reporting.periods import describe
from appui.reporting.reports import monthly_report_generate, report_pdf
from appui.reporting.statistics import OWN_PLACE_PREFIX, Filters, Scope, activities_in, statistics
from appui.reporting.territory import coordinations_of, territory_of
from appui.web.middleware import membership_required

from .forms import PeriodForm, SharingForm
from .presentation import present


def sees_structure(membership: Membership) -> bool:
    """Return whether the member sees the whole structure's statistics (the manager), or only their own."""
    return membership.role == Role.RESPONSABLE


def scope_of(membership: Membership) -> Scope:
    if sees_structure(membership):
        return Scope(structure_ids=(membership.structure_id,))
    return Scope(structure_ids=(membership.structure_id,), author_id=membership.user_id)


def _period_form(request: HttpRequest, membership: Membership) -> PeriodForm:
    members = None
    if sees_structure(membership):
        members = [
            (m.user_id, m.user.get_full_name()) for m in members_visible_by(membership).order_by("user__last_name")
        ]
    places = [(p.pk, p.name) for p in own_places_of(membership)]
    return PeriodForm(request.GET or None, members=members, places=places)


def _query(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


@membership_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Show the activity of the member (or of the structure, for its manager) over the chosen period."""
    membership = request.membership  # type: ignore[attr-defined]
    form = _period_form(request, membership)
    filters = form.filters()
    stats = statistics(scope_of(membership), filters)
    page = present(stats)
    if not policy.can_view_situation(membership):
        # The social status follows from the persons' situation, which this role does not read.
        page.sections = [s for s in page.sections if s.key != "social_statuses"]
    return render(
        request,
        "web/statistics/page.html",
        {
            "form": form,
            "page": page,
            "stats": stats,
            "query": _query(request),
            "scope_label": membership.structure.name if sees_structure(membership) else "Mon activité",
            "sees_structure": sees_structure(membership),
            "can_export": policy.can_view_situation(membership),
            "reports": list(ActivityReport.objects.filter(structure_id=membership.structure_id).defer("pdf")[:24])
            if sees_structure(membership)
            else [],
            "title": "Statistiques",
            "nav": "statistics",
        },
    )


def _export_filename(filters: Filters, extension: str) -> str:
    return f"activites_{filters.start:%Y-%m-%d}_{filters.end:%Y-%m-%d}.{extension}"


@membership_required
def statistics_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download the activities of the period, one row per activity and beneficiary (CSV or XLSX), no names."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_view_situation(membership):
        raise PermissionDenied
    form = _period_form(request, membership)
    filters = form.filters()
    activities = activities_in(scope_of(membership), filters)
    services.record_export(
        membership=membership,
        kind=f"activites_{fmt}",
        detail={"du": filters.start, "au": filters.end, "filtres": _query(request)},
    )
    rows = activity_rows(
        activities, structure_id=membership.structure_id, may_open_archived=membership.role == Role.DPO
    )
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_export_filename(filters, "csv")}"'
        return response
    title = f"Activités — {membership.structure.name} — {describe(filters.start, filters.end)}"
    return FileResponse(
        xlsx_file(rows, title=title),
        as_attachment=True,
        filename=_export_filename(filters, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@membership_required
def statistics_report(request: HttpRequest) -> HttpResponse:
    """Produce the activity report (PDF) of the chosen period, compared with the period before."""
    membership = request.membership  # type: ignore[attr-defined]
    form = _period_form(request, membership)
    filters = form.filters()
    scope = scope_of(membership)
    subtitle = "" if scope.author_id is None else f" — activité de {membership.user.get_full_name()}"
    pdf = report_pdf(structure=membership.structure, scope=scope, filters=filters, subtitle=subtitle)
    services.record_export(membership=membership, kind="rapport_pdf", detail={"du": filters.start, "au": filters.end})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="rapport_{filters.start:%Y-%m-%d}_{filters.end:%Y-%m-%d}.pdf"'
    )
    return response


@require_POST
@membership_required
def monthly_report_create(request: HttpRequest) -> HttpResponse:
    """Produce (once) the stored report of last month, without waiting for the monthly job."""
    membership = request.membership  # type: ignore[attr-defined]
    if not sees_structure(membership):
        raise PermissionDenied
    from appui.reporting.periods import previous_month

    start, _ = previous_month(timezone.localdate())
    report, created = monthly_report_generate(structure=membership.structure, month=start, by=membership)
    messages.success(request, f"{report} : {'produit' if created else 'déjà produit, le voici'}.")
    return redirect("web:statistics")


@membership_required
def monthly_report_download(request: HttpRequest, report_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    try:
        report = ActivityReport.objects.get(pk=report_pk, structure_id=membership.structure_id)
    except (ActivityReport.DoesNotExist, ValueError):
        raise Http404("Rapport introuvable.") from None
    if not sees_structure(membership):
        raise PermissionDenied
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport_{report.period_start:%Y-%m}.pdf"'
    return response


@membership_required
def statistics_sharing(request: HttpRequest) -> HttpResponse:
    """Let the manager decide whether the territory's coordinators see the structure's aggregated figures."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_manage_members(membership):
        raise PermissionDenied
    sharing = StatisticsSharing.objects.filter(structure_id=membership.structure_id).first()
    initial = {
        "with_departement": bool(sharing and sharing.with_departement),
        "with_epci": bool(sharing and sharing.with_epci),
    }
    commune = membership.structure.commune_code
    form = SharingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.statistics_sharing_update(membership=membership, **form.cleaned_data)
        messages.success(request, "Le partage des statistiques est enregistré.")
        return redirect("web:statistics_sharing")
    departement, epci = departement_of(commune), epci_of(commune)
    return render(
        request,
        "web/statistics/sharing.html",
        {
            "form": form,
            "departement": territory_name("departement", departement) if departement else "",
            "epci": territory_name("epci", epci) if epci else "",
            "title": "Partager les statistiques avec le territoire",
            "nav": "statistics",
        },
    )


def territory_statistics(request: HttpRequest) -> HttpResponse:
    """Show a coordinator the aggregated figures of the structures of their territory that opted in.

    Only counts: no person, no member; every count under 5 is shown "< 5".
    """
    coordinations = list(coordinations_of(request.user)) if request.user.is_authenticated else []  # type: ignore[arg-type]
    if not coordinations:
        raise Http404("Page introuvable.")
    chosen = next((c for c in coordinations if str(c.pk) == request.GET.get("territoire")), coordinations[0])
    territory = territory_of(chosen)
    form = PeriodForm(request.GET or None, members=None, places=[])
    chosen_filters = form.filters()
    # A coordinator filters by period, theme, type and kind of place; never by member or by a structure's place.
    filters = Filters(
        start=chosen_filters.start,
        end=chosen_filters.end,
        theme=chosen_filters.theme,
        kind=chosen_filters.kind,
        place="" if chosen_filters.place.startswith(OWN_PLACE_PREFIX) else chosen_filters.place,
    )
    scope = Scope(structure_ids=territory.structure_ids or (0,), territory=True)
    stats = statistics(scope, filters)
    page = present(stats, masked=True)
    page.sections = [s for s in page.sections if s.key not in {"places"}]
    by_structure = _structure_totals(scope, filters, territory)
    return render(
        request,
        "web/statistics/territory.html",
        {
            "form": form,
            "page": page,
            "territory": territory,
            "coordinations": coordinations,
            "chosen": chosen,
            "by_structure": by_structure,
            "title": f"Statistiques du territoire — {territory.name}",
            "nav": "territory",
        },
    )


def _structure_totals(scope: Scope, filters: Filters, territory: Any) -> list[tuple[str, Any]]:
    from django.db.models import Count

    from .presentation import figure

    counts = dict(
        activities_in(scope, filters)
        .order_by()
        .values("structure_id")
        .annotate(n=Count("id"))
        .values_list("structure_id", "n")
    )
    return [(s.name, figure(counts.get(s.pk, 0), masked=True)) for s in territory.structures]
