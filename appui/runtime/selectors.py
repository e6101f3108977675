"""Named reads of the workers' state, the task queue and the scheduled runs."""

from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .enums import RunStatus
from .models import ScheduledRun, WorkerHeartbeat, WorkerHeartbeatQuerySet
from .schedule import ScheduledJob, scheduled_jobs
from .services import lost_after


def live_workers() -> WorkerHeartbeatQuerySet:
    """Return the workers heard of recently that have not stopped."""
    return WorkerHeartbeat.objects.alive(since=timezone.now() - lost_after())


@dataclass(frozen=True)
class Health:
    """The state of a server, as ``/sante/`` answers it: no name, no figure about any structure."""

    database: bool
    workers: int
    workers_ready: int
    queued: int
    oldest_queued_seconds: float | None

    @property
    def healthy(self) -> bool:
        return self.database and self.workers_ready > 0

    def as_json(self) -> dict[str, object]:
        return {
            "statut": "ok" if self.healthy else "degrade",
            "base_de_donnees": "ok" if self.database else "injoignable",
            "processus_de_calcul": {"actifs": self.workers, "disponibles_ou_occupes": self.workers_ready},
            "file_d_attente": {"taches": self.queued, "plus_ancienne_secondes": self.oldest_queued_seconds},
        }


def health() -> Health:
    """Check the database with a trivial query, then count the live workers and the waiting tasks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        workers = list(live_workers().values_list("state", flat=True))
        ready = DBTaskResult.objects.ready()
        queued = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except DatabaseError:
        return Health(database=False, workers=0, workers_ready=0, queued=0, oldest_queued_seconds=None)
    return Health(
        database=True,
        workers=len(workers),
        workers_ready=sum(1 for state in workers if state != "demarrage"),
        queued=queued,
        oldest_queued_seconds=round((timezone.now() - oldest).total_seconds(), 1) if oldest else None,
    )


@dataclass(frozen=True)
class JobOverview:
    """A scheduled job with its latest runs, as the manager and the DPO see it."""

    job: ScheduledJob
    runs: list[ScheduledRun]

    @property
    def last(self) -> ScheduledRun | None:
        return self.runs[0] if self.runs else None

    @property
    def failed(self) -> bool:
        return self.last is not None and self.last.status == RunStatus.FAILED


def schedule_overview(*, runs_per_job: int = 5) -> list[JobOverview]:
    """Return every scheduled job of the registry with its latest runs, newest first."""
    jobs = scheduled_jobs()
    recent = {name: [] for name in jobs}  # type: dict[str, list[ScheduledRun]]
    for name in jobs:
        recent[name] = list(ScheduledRun.objects.filter(job=name).latest_first()[:runs_per_job])
    return [JobOverview(job=job, runs=recent[name]) for name, job in jobs.items()]


def failed_scheduled_jobs() -> list[JobOverview]:
    """Return the scheduled jobs whose latest run failed (shown on the dashboard of the manager and the DPO)."""
    jobs = scheduled_jobs()
    latest = ScheduledRun.objects.filter(job=OuterRef("job")).order_by("-slot").values("pk")[:1]
    failed = ScheduledRun.objects.filter(job__in=list(jobs), pk=Subquery(latest), status=RunStatus.FAILED)
    return [JobOverview(job=jobs[run.job], runs=[run]) for run in failed.order_by("job")]
