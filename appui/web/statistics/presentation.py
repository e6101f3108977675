"""The statistics as the page shows them: numbers in French, tables, charts, and the secrecy of small counts."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats

from appui.reporting.periods import describe
from appui.reporting.secrecy import hidden_counts, is_small
from appui.reporting.statistics import Breakdown, Statistics

from .charts import BarChart, ColumnChart, Point, bar_chart, column_chart

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
DAILY_CHART_MAX_DAYS = 62


def number(value: int | float | Decimal, decimals: int = 0) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False


def figure(value: int, masked: bool) -> Cell:
    """Return a count as shown: "< 5" when the territory view hides it."""
    if masked and is_small(value):
        return Cell("< 5", hidden=True)
    return Cell(number(value))


@dataclass
class TableRow:
    label: str
    cells: list[Cell]


@dataclass
class Section:
    key: str
    title: str
    unit: str
    headers: list[str]
    rows: list[TableRow]
    chart: BarChart | ColumnChart | None = None
    kind: str = "bars"
    note: str = ""
    total: Cell | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def breakdown_section(breakdown: Breakdown, masked: bool, chart: bool = True, note: str = "") -> Section:
    """Return a breakdown as a table of counts and shares, with its bar chart."""
    counts = [r.count for r in breakdown.rows]
    hidden = hidden_counts(counts) if masked else [False] * len(counts)
    rows, points = [], []
    for row, is_hidden in zip(breakdown.rows, hidden, strict=True):
        if is_hidden:
            text = "< 5" if is_small(row.count) else "masqué"
            cells = [Cell(text, hidden=True), Cell("—", hidden=True)]
        else:
            text = number(row.count)
            cells = [Cell(text), Cell(f"{number(row.proportion, 1)} %")]
        rows.append(TableRow(row.label, cells))
        points.append(Point(row.label, 0 if is_hidden else row.count, text, is_hidden))
    return Section(
        key=breakdown.key,
        title=breakdown.title,
        unit=breakdown.unit,
        headers=[breakdown.unit.capitalize(), "Part"],
        rows=rows,
        chart=bar_chart(points, breakdown.unit) if chart and rows else None,
        note=note,
        total=figure(breakdown.total, masked),
    )


def series_section(key: str, title: str, series: list[tuple[datetime.date, int]], masked: bool, daily: bool) -> Section:
    """Return a series over time (per day or per month) as a column chart and its table."""
    rows, points = [], []
    for day, count in series:
        label = f"{day:%d/%m}" if daily else f"{MONTHS[day.month - 1]} {day:%y}"
        cell = figure(count, masked)
        rows.append(TableRow(f"{day:%d/%m/%Y}" if daily else f"{MONTHS[day.month - 1]} {day.year}", [cell]))
        points.append(Point(label, 0 if cell.hidden else count, cell.text, cell.hidden))
    every = max(1, len(points) // 12) if daily else 1
    return Section(
        key=key,
        title=title,
        unit="accompagnements",
        headers=["Accompagnements"],
        rows=rows,
        chart=column_chart(points, "accompagnements", label_every=every) if points else None,
        kind="columns",
    )


def members_section(breakdown: Breakdown) -> Section:
    rows = [
        TableRow(
            r.label,
            [Cell(number(r.extra["activities"])), Cell(number(r.count)), Cell(number(r.extra["hours"], 1))],
        )
        for r in breakdown.rows
    ]
    return Section(
        key="members",
        title=breakdown.title,
        unit="accompagnements",
        headers=["Activités", "Accompagnements", "Heures"],
        rows=rows,
        chart=bar_chart([Point(r.label, r.count, number(r.count)) for r in breakdown.rows], "accompagnements"),
    )


@dataclass
class Page:
    """Everything the statistics page, the territory page and the PDF report show."""

    period: str
    key_figures: list[tuple[str, Cell, str]]
    totals: list[TableRow]
    beneficiary_rows: list[TableRow]
    sections: list[Section]
    appui_sections: list[Section]
    appui_figures: list[tuple[str, Cell, str]]
    masked: bool


def present(stats: Statistics, masked: bool = False) -> Page:
    """Return the page of the statistics; ``masked`` applies the secrecy of the territory view."""
    t, b = stats.totals, stats.beneficiaries

    def f(value: int) -> Cell:
        return figure(value, masked)

    key_figures = [
        ("Activités", f(t["activities"]), "accompagnements individuels et ateliers"),
        ("Accompagnements", f(t["accompaniments"]), "une personne dans une activité"),
        ("Bénéficiaires", f(b["total"]), "personnes différentes"),
        ("Nouveaux bénéficiaires", f(b["new"]), "première venue dans la structure"),
        (
            "Heures d'accompagnement",
            Cell(number(t["minutes"] / 60, 1)) if not masked or not is_small(t["activities"]) else Cell("< 5", True),
            "durée cumulée des activités",
        ),
    ]
    totals = [
        TableRow("Accompagnements individuels", [f(t["individual"]), f(t["individual"])]),
        TableRow("Ateliers collectifs (participants)", [f(t["collective"]), f(t["collective_participants"])]),
        TableRow("dont aides aux démarches administratives", [f(t["procedures"]), f(t["procedure_accompaniments"])]),
        TableRow("Total", [f(t["activities"]), f(t["accompaniments"])]),
    ]
    beneficiary_rows = [
        TableRow("Personnes suivies (fiche nominative)", [f(b["followed"])]),
        TableRow("Personnes anonymes (aide ponctuelle, participants sans fiche)", [f(b["anonymous"])]),
        TableRow("dont nouvelles (première venue dans la structure)", [f(b["new"])]),
        TableRow("dont déjà venues avant la période", [f(b["returning"])]),
        TableRow("Total", [f(b["total"])]),
    ]
    s = stats.breakdowns
    sections = [series_section("per_month", "Accompagnements par mois", stats.per_month, masked, daily=False)]
    if len(stats.per_day) <= DAILY_CHART_MAX_DAYS:
        sections.append(series_section("per_day", "Accompagnements par jour", stats.per_day, masked, daily=True))
    for key in ("kinds", "durations", "place_kinds", "places", "themes", "procedures", "equipment"):
        sections.append(breakdown_section(s[key], masked))
    for key in ("genders", "age_bands", "social_statuses", "communes"):
        sections.append(breakdown_section(s[key], masked))
    if "members" in s:
        sections.append(members_section(s["members"]))
    appui = stats.appui
    referrals = appui["referrals"]
    rights = appui["rights"]
    diagnostics = appui["diagnostics"]
    progress = diagnostics["average_progress"]
    reassessed = diagnostics["reassessed"]
    if masked and is_small(reassessed):
        progress_cell = Cell("< 5", True)
    else:
        progress_cell = Cell("—" if progress is None else f"{'+' if progress >= 0 else ''}{number(progress, 2)} / 3")
    progress_hint = "score d'ensemble (sur 3), entre le premier et le dernier diagnostic"
    if not masked:
        plural = "s" if reassessed > 1 else ""
        progress_hint += f" ({reassessed} personne{plural} évaluée{plural} à nouveau)"
    appui_figures = [
        ("Orientations", f(referrals["orientations"]), "accompagnements dont la réalisation est une orientation"),
        ("Mandats créés", f(appui["mandates"]["created"]), "autorisations données par les personnes"),
        ("Démarches faites sous mandat", f(appui["mandates"]["used"]), "« fait à sa place »"),
        ("Diagnostics numériques", f(diagnostics["count"]), "réalisés sur la période"),
        ("Progrès moyen", progress_cell, progress_hint),
        ("Droits trouvés", f(rights["found"]), "par la simulation des droits"),
        ("Droits demandés", f(rights["claimed"]), "demande faite sur la période"),
        ("Droits obtenus", f(rights["obtained"]), "réponse positive sur la période"),
        (
            "Euros par mois obtenus",
            Cell(f"{number(rights['secured_monthly'], 2)} €")
            if not masked or not is_small(rights["obtained"])
            else Cell("< 5", True),
            "montant mensuel des droits obtenus",
        ),
        ("Signalements", f(appui["alerts"]["count"]), "services en ligne défaillants"),
    ]
    appui_sections = [
        breakdown_section(s["modes"], masked),
        breakdown_section(s["referred_to"], masked),
        breakdown_section(s["autonomy"], masked),
        breakdown_section(s["procedure_status"], masked),
        breakdown_section(appui["mandates"]["created_by_category"], masked),
        breakdown_section(appui["mandates"]["used_by_category"], masked),
        breakdown_section(diagnostics["by_level"], masked),
        breakdown_section(appui["alerts"]["by_service"], masked),
    ]
    return Page(
        period=describe(stats.filters.start, stats.filters.end),
        key_figures=key_figures,
        totals=totals,
        beneficiary_rows=beneficiary_rows,
        sections=sections,
        appui_sections=appui_sections,
        appui_figures=appui_figures,
        masked=masked,
    )
