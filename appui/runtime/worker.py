"""The background worker: django-tasks-db's worker loop, with a heartbeat, retries and a warm rules engine.

One worker is one process that runs one task at a time. Start as many as there are cores on each machine
(``manage.py run_worker``; systemd units in ``deploy/``); all of them share the queue through the database.

- At start, the worker builds and warms OpenFisca-France once (about 6 s), then keeps it for every task.
- A heartbeat thread writes ``WorkerHeartbeat`` every ``APPUI_WORKER_HEARTBEAT_SECONDS``; it also gives the
  tasks of lost workers back to the queue and records the scheduled slots that are due (``schedule.py``).
- A task that raises is retried after a delay (``APPUI_TASK_RETRY_DELAYS``), up to ``APPUI_TASK_MAX_ATTEMPTS``
  attempts; then the task's give-up handler records the failure where people see it.
"""

import datetime
import gc
import logging
import os
import socket
import threading
import time
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import services
from .enums import WorkerState
from .tasks import give_up_handler

logger = logging.getLogger(__name__)


class WorkerLostError(Exception):
    """Recorded on a task whose worker disappeared while running it."""


class TaskGaveUpError(Exception):
    """Recorded on a task whose attempts are spent."""


def max_attempts() -> int:
    return max(1, int(settings.APPUI_TASK_MAX_ATTEMPTS))


def retry_delay(attempt: int) -> float:
    """Return the delay before attempt ``attempt + 1``."""
    delays = list(settings.APPUI_TASK_RETRY_DELAYS) or [0]
    return float(delays[min(attempt, len(delays)) - 1])


def gave_up_reason(exc: BaseException | None, attempts: int) -> str:
    """Return the French reason recorded when a task fails for good."""
    if exc is None:
        return (
            f"Le processus de calcul s'est arrêté {attempts} fois pendant ce travail (arrêt de la machine, "
            "mémoire insuffisante…). Relancez-le ; si l'échec se répète, prévenez l'administrateur."
        )
    return (
        f"Erreur technique répétée {attempts} fois ({type(exc).__name__}). Relancez ; si l'échec se répète, "
        "prévenez l'administrateur (détails dans les journaux du serveur)."
    )


class Heartbeat(threading.Thread):
    """Say every few seconds that this worker is alive; watch for lost workers and due scheduled slots."""

    def __init__(self, worker: "AppuiWorker", *, schedule: bool) -> None:
        super().__init__(name="appui-heartbeat", daemon=True)
        self.worker = worker
        self.schedule = schedule
        self.stopping = threading.Event()
        self.interval = float(settings.APPUI_WORKER_HEARTBEAT_SECONDS)

    def beat(self) -> None:
        services.heartbeat_record(
            worker_id=self.worker.worker_id,
            hostname=self.worker.hostname,
            pid=os.getpid(),
            started_at=self.worker.started_at,
            state=self.worker.state,
            tasks_done=self.worker.tasks_done,
        )

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.beat()
                services.lost_tasks_requeue()
                if self.schedule:
                    services.scheduled_slots_claim()
            except DatabaseError:
                # The database may be restarting, or busy (SQLite): try again at the next beat.
                logger.warning("Heartbeat of worker %s failed", self.worker.worker_id, exc_info=True)
                connection.close()
            except Exception:
                # Never let the thread die: a silent worker would be taken for lost and its task run twice.
                logger.exception("Heartbeat of worker %s: unexpected error", self.worker.worker_id)
            self.stopping.wait(self.interval)
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)


class AppuiWorker(Worker):
    """django-tasks-db's worker loop with Appui's heartbeat, retry policy and warm engine."""

    def __init__(self, *, warm_up: bool = True, schedule: bool = True, beat_in_thread: bool = True, **kwargs: Any):
        """``beat_in_thread=False`` beats once at start only (a worker run inside a test's transaction)."""
        super().__init__(**kwargs)
        self.hostname = socket.gethostname()
        self.started_at = timezone.now()
        self.state: str = WorkerState.STARTING
        self.tasks_done = 0
        self.warm = warm_up
        self.beat_in_thread = beat_in_thread
        self.heartbeat = Heartbeat(self, schedule=schedule)

    def run(self) -> None:
        self.heartbeat.beat()  # seen as starting at once, while the engine warms up
        if self.beat_in_thread:
            self.heartbeat.start()
        try:
            if self.warm:
                self.warm_up()
            self.state = WorkerState.IDLE
            self.heartbeat.beat()
            super().run()
        finally:
            if self.beat_in_thread:
                self.heartbeat.stop()
            self.state = WorkerState.STOPPED
            try:
                services.heartbeat_stop(worker_id=self.worker_id)
            except DatabaseError:
                logger.warning("Worker %s could not record its stop", self.worker_id, exc_info=True)

    def warm_up(self) -> None:
        """Build and warm the rules engine once, then move it out of the garbage collector's sight."""
        from appui.rights.engine import warm_up

        started = time.perf_counter()
        warm_up()
        # Millions of long-lived objects: the cyclic collector would walk them at every full collection.
        gc.freeze()
        logger.info("Worker %s: rules engine warm in %.1f s", self.worker_id, time.perf_counter() - started)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run a claimed task; retry it later if it raises, give up once its attempts are spent."""
        self.running_task = True
        self.state = WorkerState.BUSY
        attempt = len(db_task_result.worker_ids)
        try:
            task = db_task_result.task
            if attempt > max_attempts():
                # Claimed again after its last attempt's worker was lost.
                self._give_up(db_task_result, None, attempt - 1)
                return
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            if task.takes_context:
                context = TaskContext(task_result=task_result)  # type: ignore[arg-type]
                value = task.call(context, *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=type(task.get_backend()), task_result=db_task_result.task_result)
        except (KeyboardInterrupt, SystemExit):
            # Stopped by force in the middle of a task: give it back at once for another worker.
            self._retry(db_task_result, None, delay=0)
            raise
        except Exception as exc:
            logger.exception("Task %s (%s) failed, attempt %d", db_task_result.id, db_task_result.task_path, attempt)
            if attempt < max_attempts():
                self._retry(db_task_result, exc, delay=retry_delay(attempt))
            else:
                self._give_up(db_task_result, exc, attempt)
        finally:
            self.running_task = False
            self._run_tasks += 1
            self.tasks_done += 1
            self.state = WorkerState.IDLE
            # A chunk's simulation is gone: collect its cycles now, between tasks, not in the middle of the next.
            gc.collect()

    def _retry(self, db_task_result: DBTaskResult, exc: BaseException | None, *, delay: float) -> None:
        DBTaskResult.objects.filter(pk=db_task_result.pk).update(
            status="READY",
            run_after=timezone.now() + datetime.timedelta(seconds=delay),
            exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}" if exc else "",
            traceback="".join(format_exception(exc)) if exc else "",
        )

    def _give_up(self, db_task_result: DBTaskResult, exc: BaseException | None, attempts: int) -> None:
        reason = gave_up_reason(exc, attempts)
        handler = give_up_handler(db_task_result.task_path)
        if handler is not None:
            args = db_task_result.args_kwargs
            try:
                handler(*args["args"], reason=reason, **args["kwargs"])
            except Exception:
                logger.exception("Give-up handler of task %s failed", db_task_result.id)
        db_task_result.set_failed(exc or TaskGaveUpError(reason))
