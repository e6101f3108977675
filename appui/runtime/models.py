from typing import Any

from django.db import models
from django.db.models import Q

from .enums import RunStatus, WorkerState


class WorkerHeartbeatQuerySet(models.QuerySet["WorkerHeartbeat"]):
    def alive(self, *, since: Any) -> "WorkerHeartbeatQuerySet":
        """Return the workers that said they were alive after ``since`` and have not stopped."""
        return self.filter(last_seen__gte=since).exclude(state=WorkerState.STOPPED)


class WorkerHeartbeat(models.Model):
    """A background worker process, as it reports itself every few seconds (``manage.py run_worker``).

    A worker whose heartbeat is older than ``APPUI_WORKER_LOST_AFTER`` seconds is considered lost: the tasks it
    was running are given to another worker.
    """

    worker_id = models.CharField("identifiant", max_length=64, unique=True)
    hostname = models.CharField("machine", max_length=255)
    pid = models.PositiveIntegerField("processus")
    started_at = models.DateTimeField("démarré le")
    last_seen = models.DateTimeField("dernier signe de vie", db_index=True)
    state = models.CharField("état", max_length=20, choices=WorkerState.choices, default=WorkerState.STARTING)
    tasks_done = models.PositiveIntegerField("tâches effectuées", default=0)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = "processus de tâches de fond"
        verbose_name_plural = "processus de tâches de fond"
        ordering = ["-last_seen"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=WorkerState.values), name="worker_heartbeat_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.hostname} ({self.pid})"


class ScheduledRunQuerySet(models.QuerySet["ScheduledRun"]):
    def latest_first(self) -> "ScheduledRunQuerySet":
        return self.order_by("-slot", "job")

    def finished(self) -> "ScheduledRunQuerySet":
        return self.filter(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])


class ScheduledRun(models.Model):
    """One run of a scheduled job (``appui.runtime.schedule``): its planned slot, when it ran, and its outcome.

    The unique (job, slot) pair is what lets any number of workers watch the schedule: the first to record a
    slot runs it, the others cannot record it again.
    """

    job = models.CharField("tâche", max_length=60)
    slot = models.DateTimeField("prévue le")
    status = models.CharField("état", max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    worker_id = models.CharField("processus", max_length=64, blank=True)
    # What every structure may read (no person, no other structure's figures), then what concerns one structure.
    summary = models.TextField("résultat", blank=True)
    details = models.JSONField("résultat par structure", default=dict, blank=True)
    error = models.TextField("cause de l'échec", blank=True)

    objects = ScheduledRunQuerySet.as_manager()

    class Meta:
        verbose_name = "exécution d'une tâche planifiée"
        verbose_name_plural = "exécutions des tâches planifiées"
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_unique_slot"),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="scheduled_run_status_valid"),
        ]
        indexes = [models.Index(fields=["job", "-slot"], name="scheduled_run_job_slot")]

    def __str__(self) -> str:
        return f"{self.job} — {self.slot:%d/%m/%Y %H:%M}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def summary_for(self, structure_id: int | None) -> str:
        """Return what a member of ``structure_id`` reads of this run: the shared summary and their own part."""
        own = self.details.get(str(structure_id)) if structure_id is not None else None
        return f"{self.summary} {own}".strip() if own else self.summary
