"""The activity report for funders (PDF): figures and charts of a period, compared with the period before.

It is produced on demand for any period, and once a month for every structure (``generate_monthly_reports``,
run by the scheduler at the start of each month): the monthly report of a structure is stored once and never
generated twice, so the command can run again safely.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from fpdf import FPDF

from appui.accounts.models import Membership, Structure
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.pdf import FAMILY, new_pdf

from .models import ActivityReport
from .periods import describe, month_bounds, previous_month
from .statistics import Breakdown, Filters, Scope, Statistics, statistics

BAR_COLOUR = (106, 106, 244)
PREVIOUS_COLOUR = (202, 202, 251)
MAX_BAR_ROWS = 10


def _n(value: int | float | Decimal, decimals: int = 0) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _evolution(current: float, previous: float) -> str:
    if previous == 0:
        return "—" if current == 0 else "nouveau"
    change = 100 * (current - previous) / previous
    return f"{'+' if change >= 0 else ''}{_n(change, 0)} %"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    current: float
    previous: float
    decimals: int = 0
    suffix: str = ""


def key_figures(current: Statistics, previous: Statistics) -> list[KeyFigure]:
    """Return the report's headline figures, for the period and the one before."""

    def pair(getter: Callable[[Statistics], float], label: str, decimals: int = 0, suffix: str = "") -> KeyFigure:
        return KeyFigure(label, getter(current), getter(previous), decimals, suffix)

    return [
        pair(lambda s: s.totals["activities"], "Activités"),
        pair(lambda s: s.totals["individual"], "Accompagnements individuels"),
        pair(lambda s: s.totals["collective"], "Ateliers collectifs"),
        pair(lambda s: s.totals["collective_participants"], "Participants aux ateliers"),
        pair(lambda s: s.totals["procedures"], "Aides aux démarches administratives"),
        pair(lambda s: s.totals["accompaniments"], "Accompagnements (personnes × activités)"),
        pair(lambda s: s.beneficiaries["total"], "Bénéficiaires"),
        pair(lambda s: s.beneficiaries["new"], "Nouveaux bénéficiaires"),
        pair(lambda s: s.totals["minutes"] / 60, "Heures d'accompagnement", 1),
        pair(lambda s: s.appui["referrals"]["orientations"], "Orientations"),
        pair(lambda s: s.appui["mandates"]["created"], "Mandats créés"),
        pair(lambda s: s.appui["mandates"]["used"], "Démarches faites sous mandat"),
        pair(lambda s: s.appui["diagnostics"]["count"], "Diagnostics numériques"),
        pair(lambda s: s.appui["rights"]["found"], "Droits trouvés"),
        pair(lambda s: s.appui["rights"]["obtained"], "Droits obtenus"),
        pair(lambda s: float(s.appui["rights"]["secured_monthly"]), "Euros par mois obtenus", 2, " €"),
        pair(lambda s: s.appui["alerts"]["count"], "Signalements de services en ligne"),
    ]


def _heading(pdf: FPDF, text: str, legend: bool = False) -> None:
    if pdf.get_y() + 45 > pdf.h - pdf.b_margin:  # never leave a heading alone at the foot of a page
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    if legend:
        pdf.set_font(FAMILY, "", 8)
        pdf.cell(
            0, 5, "Barre foncée : la période ; barre claire : la période précédente.", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FAMILY, "", 10)


def _key_table(pdf: FPDF, figures: list[KeyFigure], current_label: str, previous_label: str) -> None:
    with pdf.table(col_widths=(80, 35, 35, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Indicateur", current_label, previous_label, "Évolution"])
        for f in figures:
            table.row(
                [
                    f.label,
                    _n(f.current, f.decimals) + f.suffix,
                    _n(f.previous, f.decimals) + f.suffix,
                    _evolution(f.current, f.previous),
                ]
            )


def _bars(pdf: FPDF, title: str, current: Breakdown, previous: Breakdown) -> None:
    """Draw a breakdown as paired horizontal bars (period, then the period before) with their numbers."""
    rows = [r for r in current.rows if r.count or previous.count(r.value)]
    rows = sorted(rows, key=lambda r: -r.count)[:MAX_BAR_ROWS]
    if not rows:
        return
    needed = 12 + 9 * len(rows)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 7, f"{title} ({current.unit})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    biggest = max([r.count for r in rows] + [previous.count(r.value) for r in rows]) or 1
    label_w, bar_w = 70, 85
    for row in rows:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, 8, row.label[:45])
        x = pdf.l_margin + label_w
        before = previous.count(row.value)
        pdf.set_fill_color(*BAR_COLOUR)
        pdf.rect(x, y + 1, max(bar_w * row.count / biggest, 0.3), 3.2, style="F")
        pdf.set_fill_color(*PREVIOUS_COLOUR)
        pdf.rect(x, y + 4.4, max(bar_w * before / biggest, 0.3), 2.6, style="F")
        pdf.set_xy(x + bar_w + 2, y)
        pdf.cell(0, 8, f"{_n(row.count)} (avant : {_n(before)})")
        pdf.set_y(y + 9)
    pdf.ln(2)


def _columns(pdf: FPDF, title: str, series: list[tuple[datetime.date, int]], monthly: bool) -> None:
    if not series:
        return
    if pdf.get_y() + 60 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 7)
    top, height = pdf.get_y() + 2, 40
    width = pdf.w - pdf.l_margin - pdf.r_margin
    step = width / len(series)
    biggest = max(n for _, n in series) or 1
    pdf.set_fill_color(*BAR_COLOUR)
    every = 1 if monthly else max(1, len(series) // 10)
    for i, (day, count) in enumerate(series):
        h = height * count / biggest
        x = pdf.l_margin + i * step
        if count:
            pdf.rect(x + step * 0.1, top + height - h, step * 0.8, h, style="F")
        if i % every == 0:
            pdf.set_xy(x, top + height + 1)
            pdf.cell(step * every, 4, f"{day:%m/%y}" if monthly else f"{day:%d/%m}")
    pdf.set_xy(pdf.l_margin, top + height + 6)
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(
        0,
        5,
        f"Maximum : {_n(biggest)} accompagnements {'par mois' if monthly else 'par jour'}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def report_pdf(*, structure: Structure, scope: Scope, filters: Filters, subtitle: str = "") -> bytes:
    """Return the activity report of the scope for the period of ``filters``, compared with the period before."""
    current = statistics(scope, filters)
    before_filters = filters.previous()
    previous = statistics(scope, before_filters)
    period = describe(filters.start, filters.end)
    previous_period = describe(before_filters.start, before_filters.end)
    pdf = new_pdf(title=f"Rapport d'activité — {structure.name} — {period}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 18)
    pdf.multi_cell(0, 9, "Rapport d'activité", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 7, structure.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(
        0, 6, f"Période : {period} (comparée à : {previous_period}){subtitle}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.multi_cell(
        0,
        6,
        f"Produit le {timezone.localtime():%d/%m/%Y à %H:%M} par Appui. Chiffres au format du compte rendu "
        "d'activité (CRA) de la médiation numérique ; aucune donnée nominative.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, "Chiffres clés")
    _key_table(pdf, key_figures(current, previous), period, previous_period)
    _heading(pdf, "Activité dans le temps")
    daily = len(current.per_day) <= 62
    _columns(
        pdf,
        "Accompagnements par jour" if daily else "Accompagnements par mois",
        current.per_day if daily else current.per_month,
        monthly=not daily,
    )
    _heading(pdf, "Activités", legend=True)
    for key in ("kinds", "durations", "place_kinds", "themes", "procedures", "equipment"):
        _bars(pdf, current[key].title, current[key], previous[key])
    _heading(pdf, "Bénéficiaires", legend=True)
    for key in ("genders", "age_bands", "social_statuses", "communes"):
        _bars(pdf, current[key].title, current[key], previous[key])
    _heading(pdf, "Ce que seul Appui suit", legend=True)
    for key in ("modes", "referred_to", "procedure_status"):
        _bars(pdf, current[key].title, current[key], previous[key])
    mandates_now, mandates_before = current.appui["mandates"], previous.appui["mandates"]
    _bars(
        pdf, "Mandats créés, par catégorie", mandates_now["created_by_category"], mandates_before["created_by_category"]
    )
    _bars(
        pdf,
        "Démarches sous mandat, par catégorie",
        mandates_now["used_by_category"],
        mandates_before["used_by_category"],
    )
    diagnostics = current.appui["diagnostics"]
    progress = diagnostics["average_progress"]
    pdf.multi_cell(
        0,
        6,
        f"Diagnostics numériques : {_n(diagnostics['count'])}. Progrès moyen du score d'ensemble (sur 3) des "
        f"{_n(diagnostics['reassessed'])} personnes évaluées à nouveau : "
        f"{'—' if progress is None else _n(progress, 2)}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    rights = current.appui["rights"]
    pdf.multi_cell(
        0,
        6,
        f"Droits : {_n(rights['found'])} trouvés, {_n(rights['claimed'])} demandés, {_n(rights['obtained'])} "
        f"obtenus, soit {_n(rights['secured_monthly'], 2)} € par mois pour {_n(rights['persons_obtained'])} personnes.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _bars(
        pdf, "Signalements par service", current.appui["alerts"]["by_service"], previous.appui["alerts"]["by_service"]
    )
    return bytes(pdf.output())


def structure_scope(structure: Structure) -> Scope:
    return Scope(structure_ids=(structure.pk,))


@transaction.atomic
def monthly_report_generate(
    *, structure: Structure, month: datetime.date, by: Membership | None = None
) -> tuple[ActivityReport, bool]:
    """Return the structure's report for the month containing ``month``, producing it if it does not exist yet.

    Return (report, created). A report already produced is returned as it is: it is what was sent.
    """
    start, end = month_bounds(month)
    existing = ActivityReport.objects.filter(structure=structure, period_start=start, period_end=end).first()
    if existing is not None:
        return existing, False
    pdf = report_pdf(structure=structure, scope=structure_scope(structure), filters=Filters(start=start, end=end))
    try:
        with transaction.atomic():
            report = ActivityReport.objects.create(
                structure=structure,
                period_start=start,
                period_end=end,
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                generated_by=by.user if by else None,
            )
    except IntegrityError:
        # Another run produced it meanwhile: keep theirs.
        return ActivityReport.objects.get(structure=structure, period_start=start, period_end=end), False
    audit_record(
        actor=by.user if by else None,
        structure=structure,
        action=AuditAction.REPORT_GENERATE,
        purpose=AuditPurpose.STATISTICS,
        obj=report,
        detail={"period_start": start, "period_end": end},
    )
    return report, True


def monthly_reports_generate_all(*, today: datetime.date | None = None) -> list[tuple[ActivityReport, bool]]:
    """Produce last month's report of every active structure (idempotent); return (report, created) pairs."""
    start, _ = previous_month(today or timezone.localdate())
    return [monthly_report_generate(structure=s, month=start) for s in Structure.objects.active().order_by("pk")]
