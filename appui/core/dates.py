"""Dates written the French way, for documents people read: « 1er mars 2026 », « 3 mars 2026 à 14 h 05 ».

Times are shown in the local time of the installation (``TIME_ZONE``, Europe/Paris), never in UTC.
"""

import datetime

from django.utils import timezone

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: datetime.date) -> str:
    """Return « 3 mars 2026 » (« 1er » for the first day of a month); a datetime is first put in local time."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_time(value: datetime.datetime) -> str:
    """Return « 14 h 05 » in local time."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.hour} h {local.minute:02d}"


def french_datetime(value: datetime.datetime) -> str:
    """Return « 3 mars 2026 à 14 h 05 » in local time."""
    return f"{french_date(value)} à {french_time(value)}"
