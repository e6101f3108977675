"""Helper run in a separate process by the multi-process tests: prepare a database, read a job's state.

python -m tests.runtime.scenario setup --csv FILE     # migrate, create a member, launch a caseload job; print its id
python -m tests.runtime.scenario state --job ID       # print the job, its chunks, tasks and results as JSON

The environment gives the database (``DATABASE_URL``) and ``DJANGO_SETTINGS_MODULE=tests.settings``.
"""

import argparse
import json
import sys
from pathlib import Path


def setup(csv: Path) -> None:
    from django.core.management import call_command

    from appui.accounts.enums import Role
    from appui.rights import services
    from appui.rights.enums import CaseloadSource
    from tests.accounts.factories import MembershipFactory, StructureFactory

    call_command("migrate", verbosity=0, interactive=False)
    member = MembershipFactory(structure=StructureFactory(name="CCAS multi-processus"), role=Role.TRAVAILLEUR_SOCIAL)
    job = services.caseload_screening_create(
        membership=member, source=CaseloadSource.CSV, csv_text=csv.read_text(encoding="utf-8"), filename=csv.name
    )
    print(job.pk)


def state(job_id: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from appui.rights.models import CaseloadResult, CaseloadScreening

    job = CaseloadScreening.objects.get(pk=job_id)
    results = [
        [r.position, r.line, str(r.unclaimed_monthly_total), r.rights]
        for r in CaseloadResult.objects.filter(job=job).order_by("position")
    ]
    chunks = list(job.chunks.order_by("index").values("index", "status", "attempts", "worker_id", "size"))
    tasks = list(DBTaskResult.objects.values("status", "task_path", "worker_ids", "args_kwargs"))
    json.dump(
        {
            "status": job.status,
            "failure": job.failure_message,
            "total": job.total,
            "processed": job.processed,
            "with_rights": job.with_rights,
            "to_complete": job.to_complete,
            "chunks": chunks,
            "tasks": tasks,
            "results": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "state"])
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--job", type=int)
    args = parser.parse_args()
    django.setup()
    if args.command == "setup":
        setup(args.csv)
    else:
        state(args.job)
