"""Background tasks of the caseload screening (run by ``manage.py run_worker``; see ``appui.rights.jobs``)."""

from django_tasks import TaskContext, task

from appui.runtime.tasks import on_give_up

from . import jobs


@task(priority=20)
def start_caseload_screening(job_id: int) -> None:
    """Admit a pending caseload screening, cut it into chunks and queue them."""
    jobs.caseload_job_start(job_id=job_id)


@task(takes_context=True)
def screen_caseload_chunk(context: TaskContext, chunk_id: int) -> None:
    """Screen one chunk of a caseload screening with this worker's warm engine, and store its results."""
    jobs.caseload_chunk_run(chunk_id=chunk_id, worker_id=context.task_result.worker_ids[-1])


@on_give_up(start_caseload_screening)
def _start_given_up(job_id: int, *, reason: str) -> None:
    jobs.caseload_job_give_up(job_id=job_id, reason=reason)


@on_give_up(screen_caseload_chunk)
def _chunk_given_up(chunk_id: int, *, reason: str) -> None:
    jobs.caseload_chunk_give_up(chunk_id=chunk_id, reason=reason)
