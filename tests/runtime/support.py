"""Run the real background worker inside a test: what is queued runs, then the worker stops."""

from unittest import mock

from django_tasks_db.management.commands import db_worker

from appui.runtime.worker import AppuiWorker


def _keep_test_connection() -> None:
    """The worker closes its database connection between tasks, as a server does after each request. Inside a
    test's transaction that would lose the test's data: like Django's test client for requests, leave it open."""


def run_queued_tasks(*, max_tasks: int | None = None, worker_id: str = "test-worker") -> AppuiWorker:
    """Run the ready tasks with Appui's worker loop (batch mode, no heartbeat thread, engine warmed by the test)."""
    worker = AppuiWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
        warm_up=False,
        schedule=False,
        beat_in_thread=False,
    )
    with mock.patch.object(db_worker, "close_old_connections", _keep_test_connection):
        worker.run()
    return worker
