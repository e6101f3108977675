"""Tasks and scheduled jobs used by the runtime tests (module-level, as the Tasks framework requires)."""

import datetime

from django_tasks import task

from appui.runtime.schedule import JobFailedError, JobReport, ScheduledJob, daily
from appui.runtime.tasks import on_give_up

CALLS: list[str] = []
GIVEN_UP: list[tuple[str, str]] = []


@task()
def always_fails(marker: str) -> None:
    CALLS.append(marker)
    raise RuntimeError("panne de test")


@on_give_up(always_fails)
def _always_fails_given_up(marker: str, *, reason: str) -> None:
    GIVEN_UP.append((marker, reason))


@task()
def succeeds_on_second_attempt(marker: str) -> None:
    CALLS.append(marker)
    if CALLS.count(marker) < 2:
        raise RuntimeError("panne passagère")


def report_per_structure(*, slot: datetime.datetime) -> JobReport:
    """Count each structure's persons: a figure only that structure may read."""
    from django.db.models import Count

    from appui.people.models import Person

    counts = Person.objects.values("structure_id").annotate(n=Count("id"))
    return JobReport(
        "Tâche faite.", {row["structure_id"]: f"Dans votre structure : {row['n']} fiches." for row in counts}
    )


def finds_a_problem(*, slot: datetime.datetime) -> JobReport:
    raise JobFailedError("Journal des accès altéré : premier événement en cause : événement n° 7.")


def monthly_report(*, month: datetime.date) -> str:
    return f"Rapport de {month:%m/%Y} prêt."


TEST_SCHEDULE = (
    ScheduledJob("rapport", "Rapport de test", daily("04:00"), "tests.runtime.tasks.report_per_structure"),
    ScheduledJob("verification", "Vérification de test", daily("04:30"), "tests.runtime.tasks.finds_a_problem"),
)
