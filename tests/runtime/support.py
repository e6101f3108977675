"""Run the real background worker inside a test: what is queued runs, then the worker stops."""

from appui.runtime.worker import AppuiWorker


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
    worker.run()
    return worker
