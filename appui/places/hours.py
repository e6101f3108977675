"""Opening hours in OpenStreetMap syntax, evaluated in Europe/Paris with French public holidays.

The expressions are parsed by ``opening-hours-py`` (the Rust implementation of the OSM specification); the
parsed objects are cached by expression, so that "open now" over a département evaluates each distinct
schedule once.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import opening_hours
from django.utils import timezone
from opening_hours import OpeningHours, State

# The parser's error class is missing from the package's type stubs.
ParserError: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@lru_cache(maxsize=50_000)
def parsed(expression: str) -> OpeningHours | None:
    """Return the parsed expression with the French public holidays (``PH``), or None if it is invalid."""
    if not expression:
        return None
    try:
        return OpeningHours(expression, country="FR")
    except (ParserError, SyntaxError, ValueError):
        return None


def local_now(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the wall-clock time in Paris, without time zone (what the expressions describe)."""
    return timezone.localtime(now or timezone.now()).replace(tzinfo=None)


def is_open(expression: str, at: datetime.datetime) -> bool:
    """Return whether a place with these hours is open at ``at`` (a naive Paris time)."""
    hours = parsed(expression)
    return bool(hours and hours.is_open(at))


def _time(value: datetime.datetime) -> str:
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


@dataclass(frozen=True)
class Status:
    open: bool | None  # None: unknown (no hours, or unreadable)
    text: str


def status(expression: str, now: datetime.datetime | None = None) -> Status:
    """Return « Ouvert jusqu'à 12 h » / « Fermé — ouvre lundi à 9 h » for a place now."""
    hours = parsed(expression)
    if hours is None:
        return Status(None, "Horaires non renseignés")
    at = local_now(now)
    state, _ = hours.state(at)
    change = hours.next_change(at)
    if state == State.OPEN:
        if change is None:
            return Status(True, "Ouvert")
        until = change.replace(tzinfo=None)
        when = _time(until) if until.date() == at.date() else f"{DAY_NAMES[until.weekday()]} {_time(until)}"
        return Status(True, f"Ouvert jusqu'à {when}")
    if state == State.UNKNOWN:
        return Status(None, "Ouverture à confirmer")
    if change is None or (change.replace(tzinfo=None) - at).days > 60:
        return Status(False, "Fermé")
    opens = change.replace(tzinfo=None)
    if opens.date() == at.date():
        day = "aujourd'hui"
    elif opens.date() == at.date() + datetime.timedelta(days=1):
        day = "demain"
    else:
        day = DAY_NAMES[opens.weekday()] + f" {opens.day}"
    return Status(False, f"Fermé — ouvre {day} à {_time(opens)}")


def week(expression: str, now: datetime.datetime | None = None) -> list[tuple[str, str]]:
    """Return the hours of the current week, day by day: [("lundi 1er", "9 h – 12 h, 14 h – 17 h"), …].

    Computed from the expression for the actual dates, so public holidays and seasonal rules show as they are.
    """
    hours = parsed(expression)
    if hours is None:
        return []
    today = local_now(now).date()
    monday = datetime.datetime.combine(today - datetime.timedelta(days=today.weekday()), datetime.time())
    ranges: dict[int, list[str]] = {day: [] for day in range(7)}
    for start, end, state, _ in hours.intervals(monday, monday + datetime.timedelta(days=7)):
        if state != State.OPEN or start is None:
            continue
        start = start.replace(tzinfo=None)
        end = end.replace(tzinfo=None) if end is not None else monday + datetime.timedelta(days=7)
        while start < end:
            day_end = datetime.datetime.combine(start.date() + datetime.timedelta(days=1), datetime.time())
            stop = min(end, day_end)
            label = f"{_time(start)} – {'24 h' if stop == day_end else _time(stop)}"
            ranges[(start.date() - monday.date()).days].append(label)
            start = stop
    result = []
    for day in range(7):
        date = monday.date() + datetime.timedelta(days=day)
        number = "1er" if date.day == 1 else str(date.day)
        result.append((f"{DAY_NAMES[day]} {number}", ", ".join(ranges[day]) if ranges[day] else "fermé"))
    return result
