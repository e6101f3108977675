"""Background tasks of the runtime, and what to do when a task of any app runs out of attempts.

Tasks are Django tasks (``django_tasks``, the backport of Django 6's ``django.tasks``), stored in the database
(``django_tasks_db``) and run by ``manage.py run_worker``. A task that raises is retried later, up to
``APPUI_TASK_MAX_ATTEMPTS`` attempts in all; so is a task whose worker was lost. When the attempts are spent, the
worker calls the handler registered for that task with ``on_give_up``, so that the app can record the failure
where people see it (a job marked failed with its reason).
"""

from collections.abc import Callable
from typing import Any

from django_tasks import TaskContext, task
from django_tasks.base import Task

from . import services

GiveUpHandler = Callable[..., None]
_give_up_handlers: dict[str, GiveUpHandler] = {}


def on_give_up(task_: Task[..., Any]) -> Callable[[GiveUpHandler], GiveUpHandler]:
    """Register ``handler(*task_args, reason=..., **task_kwargs)``, called when ``task_`` fails for good."""

    def register(handler: GiveUpHandler) -> GiveUpHandler:
        _give_up_handlers[task_.module_path] = handler
        return handler

    return register


def give_up_handler(module_path: str) -> GiveUpHandler | None:
    return _give_up_handlers.get(module_path)


@task(takes_context=True, priority=-10)
def run_scheduled_job(context: TaskContext, run_id: int) -> None:
    """Run one recorded slot of a scheduled job."""
    services.scheduled_run_execute(run_id=run_id, worker_id=context.task_result.worker_ids[-1])


@on_give_up(run_scheduled_job)
def _scheduled_job_given_up(run_id: int, *, reason: str) -> None:
    services.scheduled_run_give_up(run_id=run_id, reason=reason)
