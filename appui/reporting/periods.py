"""Periods of the statistics: a month, a quarter, a year or chosen dates, as (first day, last day)."""

import datetime

from dateutil.relativedelta import relativedelta

from .enums import PeriodKind

MAX_DAYS = 3 * 366  # a custom period longer than three years is refused (the page would not be readable)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    return start, start + relativedelta(months=1) - datetime.timedelta(days=1)


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return start, start + relativedelta(months=3) - datetime.timedelta(days=1)


def year_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the month before the one of ``today``."""
    return month_bounds(today.replace(day=1) - datetime.timedelta(days=1))


def bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the month, quarter or year that contains ``day``."""
    if kind == PeriodKind.QUARTER:
        return quarter_bounds(day)
    if kind == PeriodKind.YEAR:
        return year_bounds(day)
    return month_bounds(day)


def describe(start: datetime.date, end: datetime.date) -> str:
    """Return the period in words: "mars 2026", "1er trimestre 2026", "année 2026" or "du … au …"."""
    months = [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]  # fmt: skip
    if (start, end) == month_bounds(start):
        return f"{months[start.month - 1]} {start.year}"
    if (start, end) == quarter_bounds(start) and start.month in {1, 4, 7, 10}:
        number = (start.month - 1) // 3 + 1
        return f"{number}{'er' if number == 1 else 'e'} trimestre {start.year}"
    if (start, end) == year_bounds(start):
        return f"année {start.year}"
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
