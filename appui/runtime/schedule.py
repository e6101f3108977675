"""The schedule of recurring jobs: a small registry read by every background worker.

A job is added with one line in ``SCHEDULE``: a name, the label shown to the manager and the DPO, when it runs,
and the dotted path of a function called as ``function(slot=<the planned time>)`` — or with the keyword arguments
``arguments(slot)`` returns, for instance ``arguments=month_before`` for a service that takes ``month=`` (the
first day of the month before the slot). The function returns a ``JobReport`` (or a sentence), raises
``JobFailedError`` with a French reason for a failure to show, or lets any other exception escape (the run is then
retried, up to ``APPUI_TASK_MAX_ATTEMPTS`` attempts).

Every worker looks at the schedule every few seconds; the first one to record a slot in ``ScheduledRun`` (unique
job and slot) queues it, so a slot runs once whatever the number of workers and machines. A slot missed while no
worker was running is run once when a worker comes back (the latest one only, never a backlog).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class JobReport:
    """What a run did: a summary any structure may read (no person, no structure's own figures), and per structure."""

    summary: str
    by_structure: dict[int, str] = field(default_factory=dict)


class JobFailedError(Exception):
    """Raised by a scheduled job that ran but found something wrong (the message, in French, is shown)."""


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


class Frequency:
    """When a job runs: ``latest_slot(now)`` is the last planned time at or before ``now``."""

    label: str

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        raise NotImplementedError


@dataclass(frozen=True)
class Daily(Frequency):
    at: datetime.time

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"chaque jour à {self.at:%H:%M}"

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        local = now.astimezone(_zone())
        slot = datetime.datetime.combine(local.date(), self.at, tzinfo=_zone())
        if slot > now:
            slot = datetime.datetime.combine(local.date() - datetime.timedelta(days=1), self.at, tzinfo=_zone())
        return slot.astimezone(datetime.UTC)


@dataclass(frozen=True)
class Monthly(Frequency):
    day: int
    at: datetime.time

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"le {self.day} de chaque mois à {self.at:%H:%M}"

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        local = now.astimezone(_zone())
        slot = datetime.datetime(local.year, local.month, self.day, self.at.hour, self.at.minute, tzinfo=_zone())
        if slot > now:
            year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
            slot = datetime.datetime(year, month, self.day, self.at.hour, self.at.minute, tzinfo=_zone())
        return slot.astimezone(datetime.UTC)


@dataclass(frozen=True)
class Interval(Frequency):
    minutes: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"toutes les {self.minutes} minutes" if self.minutes > 1 else "chaque minute"

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        step = self.minutes * 60
        return datetime.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=datetime.UTC)


def daily(at: str) -> Daily:
    """Run every day at ``at`` ("HH:MM", local time; avoid 02:00–03:00, skipped or doubled by summer time)."""
    return Daily(_at(at))


def monthly(*, day: int, at: str) -> Monthly:
    """Run on ``day`` (1–28) of every month at ``at`` (local time)."""
    if not 1 <= day <= 28:
        raise ValueError("A monthly job runs on a day that every month has (1 to 28).")
    return Monthly(day, _at(at))


def every(*, minutes: int) -> Interval:
    """Run every ``minutes`` minutes, on the multiples of that period."""
    return Interval(minutes)


def previous_month(slot: datetime.datetime) -> datetime.date:
    """Return the first day of the month before ``slot`` (local time): the month a monthly report is about."""
    local = slot.astimezone(_zone()).date().replace(day=1)
    return (local - datetime.timedelta(days=1)).replace(day=1)


def slot_only(slot: datetime.datetime) -> dict[str, object]:
    """Call a scheduled function with the planned time: ``function(slot=…)`` (the default)."""
    return {"slot": slot}


def month_before(slot: datetime.datetime) -> dict[str, object]:
    """Call a monthly service with the month before the slot: ``function(month=<its first day>)``."""
    return {"month": previous_month(slot)}


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    label: str
    when: Frequency
    function: str
    arguments: Callable[[datetime.datetime], dict[str, object]] = slot_only

    @cached_property
    def callable(self) -> Callable[..., JobReport | str | None]:
        return import_string(self.function)  # type: ignore[no-any-return]

    def run(self, slot: datetime.datetime) -> JobReport | str | None:
        return self.callable(**self.arguments(slot))


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        "conservation",
        "Conservation des données : archivage, anonymisation, listes d'élimination",
        daily("04:00"),
        "appui.runtime.scheduled.apply_retention",
    ),
    ScheduledJob(
        "purge_audit",
        "Journal des accès : effacement des données personnelles anciennes",
        daily("04:15"),
        "appui.runtime.scheduled.purge_audit",
    ),
    ScheduledJob(
        "verification_audit",
        "Journal des accès : vérification de la chaîne d'empreintes et ancrage hors de la base",
        daily("04:30"),
        "appui.runtime.scheduled.verify_audit",
    ),
    ScheduledJob(
        "chainage_audit",
        "Journal des accès : rattrapage du chaînage",
        every(minutes=5),
        "appui.runtime.scheduled.link_audit",
    ),
    ScheduledJob(
        "nettoyage_taches",
        "Nettoyage de l'historique des tâches de fond",
        daily("04:45"),
        "appui.runtime.scheduled.clean_task_history",
    ),
    ScheduledJob(
        "reperages_echoues",
        "Repérages échoués : effacement des fichiers gardés pour les relancer (après 7 jours)",
        daily("04:50"),
        "appui.runtime.scheduled.purge_failed_caseloads",
    ),
    ScheduledJob(
        "rappels_mandats",
        "Rappels des mandats qui arrivent à échéance",
        daily("07:30"),
        "appui.runtime.scheduled.mandate_reminders",
    ),
    ScheduledJob(
        "rappels_documents",
        "Rappels des documents dont la validité prend fin",
        daily("07:35"),
        "appui.runtime.scheduled.document_reminders",
    ),
    ScheduledJob(
        "rapports_mensuels",
        "Rapports d'activité du mois écoulé, pour les financeurs",
        monthly(day=1, at="05:00"),
        "appui.runtime.scheduled.monthly_activity_reports",
        arguments=month_before,
    ),
)


def scheduled_jobs() -> dict[str, ScheduledJob]:
    """Return the scheduled jobs by name (``APPUI_SCHEDULE`` may replace the registry: tests, special hosts)."""
    jobs = getattr(settings, "APPUI_SCHEDULE", None)
    return {job.name: job for job in (SCHEDULE if jobs is None else jobs)}
