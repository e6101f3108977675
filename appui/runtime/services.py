"""The only writers of worker heartbeats, scheduled runs and the task queue's housekeeping."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .enums import RunStatus, WorkerState
from .models import ScheduledRun, WorkerHeartbeat
from .schedule import JobFailedError, JobReport, scheduled_jobs

logger = logging.getLogger(__name__)

# Shown when a worker disappeared (killed, machine stopped) while it was running a task.
WORKER_LOST = "Le processus qui exécutait cette tâche s'est arrêté sans la terminer."


def lost_after() -> datetime.timedelta:
    """Return how long a silent worker is still believed alive."""
    return datetime.timedelta(seconds=settings.APPUI_WORKER_LOST_AFTER)


def heartbeat_record(
    *, worker_id: str, hostname: str, pid: int, started_at: datetime.datetime, state: str, tasks_done: int
) -> None:
    """Record that a worker is alive now, and what it is doing."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": hostname[:255],
            "pid": pid,
            "started_at": started_at,
            "last_seen": timezone.now(),
            "state": state,
            "tasks_done": tasks_done,
        },
    )


def heartbeat_stop(*, worker_id: str) -> None:
    """Record that a worker stopped cleanly (it is not counted as lost)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(state=WorkerState.STOPPED, last_seen=timezone.now())


def lost_tasks_requeue(*, now: datetime.datetime | None = None) -> int:
    """Give the tasks of lost workers back to the queue; return how many.

    A task is lost when it is marked running and the worker that claimed it last has not been heard of for
    ``APPUI_WORKER_LOST_AFTER`` seconds (killed, out of memory, machine down). It is made ready again: its next
    claim counts as a new attempt, and the worker gives up once ``APPUI_TASK_MAX_ATTEMPTS`` is reached. Tasks are
    written to be run again safely (a finished chunk is never redone). Any worker may run this at any time:
    each change is conditional on the task being unchanged since it was read.
    """
    now = now or timezone.now()
    since = now - lost_after()
    alive = set(WorkerHeartbeat.objects.alive(since=since).values_list("worker_id", flat=True))
    requeued = 0
    for task in DBTaskResult.objects.running().filter(started_at__lt=since).only("id", "worker_ids", "started_at"):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        requeued += DBTaskResult.objects.filter(pk=task.pk, status="RUNNING", started_at=task.started_at).update(
            status="READY",
            run_after=now,
            exception_class_path="appui.runtime.worker.WorkerLostError",
            traceback=WORKER_LOST,
        )
    if requeued:
        logger.warning("%d task(s) of lost workers given back to the queue", requeued)
    return requeued


def scheduled_slots_claim(*, now: datetime.datetime | None = None) -> list[ScheduledRun]:
    """Record and queue every scheduled slot that is due and not yet recorded; return the runs this call queued.

    The unique (job, slot) constraint decides between workers: a slot recorded by another worker is skipped.
    """
    from .tasks import run_scheduled_job

    now = now or timezone.now()
    claimed = []
    for job in scheduled_jobs().values():
        slot = job.when.latest_slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot__gte=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                # Queued in the same transaction: a recorded slot always has its task, and the reverse.
                run_scheduled_job.enqueue(run.pk)
        except IntegrityError:
            continue
        claimed.append(run)
    return claimed


def scheduled_run_execute(*, run_id: int, worker_id: str) -> None:
    """Run a recorded slot of a scheduled job and record its outcome.

    ``JobFailedError`` is a failure to show (for instance an altered audit chain): recorded, not retried. Any other
    exception is recorded and raised again, so that the worker retries the run.
    """
    run = ScheduledRun.objects.get(pk=run_id)
    if run.status in {RunStatus.SUCCEEDED}:
        return
    job = scheduled_jobs().get(run.job)
    started = timezone.now()
    ScheduledRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING, started_at=started, worker_id=worker_id[:64], finished_at=None, error=""
    )
    if job is None:
        _run_finish(run_id, status=RunStatus.FAILED, error="Cette tâche n'existe plus dans le calendrier.")
        return
    try:
        outcome = job.run(run.slot)
    except JobFailedError as exc:
        _run_finish(run_id, status=RunStatus.FAILED, error=str(exc))
        return
    except Exception as exc:
        logger.exception("Scheduled job %s (slot %s) failed", run.job, run.slot)
        _run_finish(run_id, status=RunStatus.FAILED, error=_technical_failure(exc))
        raise
    report = outcome if isinstance(outcome, JobReport) else JobReport(str(outcome or "Terminée."))
    _run_finish(
        run_id,
        status=RunStatus.SUCCEEDED,
        summary=report.summary,
        details={str(k): v for k, v in report.by_structure.items()},
    )


def scheduled_run_give_up(*, run_id: int, reason: str) -> None:
    """Record that a run failed for good (its attempts are spent)."""
    _run_finish(run_id, status=RunStatus.FAILED, error=reason)


def _technical_failure(exc: BaseException) -> str:
    return (
        f"Erreur technique ({type(exc).__name__}) : la tâche sera relancée automatiquement. "
        "Si l'échec se répète, prévenez l'administrateur (détails dans les journaux du serveur)."
    )


def _run_finish(
    run_id: int, *, status: str, summary: str = "", details: dict[str, str] | None = None, error: str = ""
) -> None:
    ScheduledRun.objects.filter(pk=run_id).update(
        status=status, finished_at=timezone.now(), summary=summary, details=details or {}, error=error
    )


@dataclass(frozen=True)
class Pruned:
    tasks: int
    runs: int
    workers: int


def task_history_prune(*, now: datetime.datetime) -> Pruned:
    """Forget finished tasks, scheduled runs and stopped or lost workers older than the settings allow."""
    task_limit = now - datetime.timedelta(days=settings.APPUI_TASK_HISTORY_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=task_limit).delete()
    run_limit = now - datetime.timedelta(days=settings.APPUI_SCHEDULE_HISTORY_DAYS)
    runs, _ = ScheduledRun.objects.finished().filter(slot__lt=run_limit).delete()
    workers, _ = WorkerHeartbeat.objects.filter(last_seen__lt=now - datetime.timedelta(days=7)).delete()
    return Pruned(tasks=tasks, runs=runs, workers=workers)
