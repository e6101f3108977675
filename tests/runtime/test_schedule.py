"""Scheduled jobs: slots, one run per slot whatever the number of workers, runs recorded and shown."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.urls import reverse

from appui.accounts.enums import Role
from appui.runtime import services
from appui.runtime.enums import RunStatus, WorkerState
from appui.runtime.models import ScheduledRun
from appui.runtime.schedule import SCHEDULE, ScheduledJob, daily, every, month_before, monthly, previous_month

from .support import run_queued_tasks
from .tasks import TEST_SCHEDULE

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def test_a_daily_slot_is_the_last_planned_time_in_local_time():
    at_four = daily("04:00")
    assert at_four.latest_slot(paris(2026, 11, 29, 10, 0)) == paris(2026, 11, 29, 4, 0)
    assert at_four.latest_slot(paris(2026, 11, 29, 3, 59)) == paris(2026, 11, 28, 4, 0)
    assert at_four.latest_slot(paris(2026, 11, 29, 4, 0)) == paris(2026, 11, 29, 4, 0)
    # Summer time: still 04:00 on the wall clock, on both sides of the change.
    assert at_four.latest_slot(paris(2026, 3, 29, 12, 0)).astimezone(PARIS).hour == 4
    assert at_four.latest_slot(paris(2026, 10, 25, 12, 0)).astimezone(PARIS).hour == 4


def test_monthly_and_interval_slots():
    first = monthly(day=1, at="06:00")
    assert first.latest_slot(paris(2026, 12, 15, 9, 0)) == paris(2026, 12, 1, 6, 0)
    assert first.latest_slot(paris(2027, 1, 1, 5, 0)) == paris(2026, 12, 1, 6, 0)
    assert previous_month(paris(2026, 12, 1, 6, 0)) == datetime.date(2026, 11, 1)
    assert previous_month(paris(2027, 1, 1, 6, 0)) == datetime.date(2026, 12, 1)
    five = every(minutes=5)
    assert five.latest_slot(paris(2026, 11, 29, 10, 7, 30)) == paris(2026, 11, 29, 10, 5)
    with pytest.raises(ValueError, match="1 to 28"):
        monthly(day=31, at="06:00")


def test_the_registry_names_each_job_once_and_each_function_exists():
    names = [job.name for job in SCHEDULE]
    assert len(names) == len(set(names))
    for job in SCHEDULE:
        assert callable(job.callable), job.function


@pytest.mark.django_db
def test_a_slot_is_queued_once_whatever_the_number_of_workers(settings):
    settings.APPUI_SCHEDULE = TEST_SCHEDULE
    now = paris(2026, 11, 29, 10, 0)
    first = services.scheduled_slots_claim(now=now)
    second = services.scheduled_slots_claim(now=now)  # another worker, same moment
    assert sorted(run.job for run in first) == ["rapport", "verification"] and second == []
    assert ScheduledRun.objects.count() == 2
    with pytest.raises(IntegrityError):  # the database itself refuses a second run of a slot
        ScheduledRun.objects.create(job="rapport", slot=paris(2026, 11, 29, 4, 0))


@pytest.mark.django_db
def test_a_missed_slot_runs_once_when_a_worker_comes_back_and_not_its_backlog(settings):
    settings.APPUI_SCHEDULE = TEST_SCHEDULE[:1]
    services.scheduled_slots_claim(now=paris(2026, 11, 20, 10, 0))
    services.scheduled_slots_claim(now=paris(2026, 11, 29, 10, 0))  # nine days without a worker
    assert list(ScheduledRun.objects.order_by("slot").values_list("slot", flat=True)) == [
        paris(2026, 11, 20, 4, 0),
        paris(2026, 11, 29, 4, 0),
    ]


@pytest.mark.django_db
def test_runs_are_recorded_with_their_result_or_their_failure(settings):
    settings.APPUI_SCHEDULE = TEST_SCHEDULE
    services.scheduled_slots_claim(now=paris(2026, 11, 29, 10, 0))
    run_queued_tasks()
    done = ScheduledRun.objects.get(job="rapport")
    assert done.status == RunStatus.SUCCEEDED and done.summary == "Tâche faite." and done.finished_at
    assert done.started_at <= done.finished_at and done.worker_id == "test-worker"
    failed = ScheduledRun.objects.get(job="verification")
    assert failed.status == RunStatus.FAILED and "événement n° 7" in failed.error


@pytest.mark.django_db
def test_a_monthly_service_is_called_for_the_month_before_its_slot(settings):
    settings.APPUI_SCHEDULE = (
        ScheduledJob(
            "rapport_mensuel",
            "Rapport mensuel",
            monthly(day=1, at="06:00"),
            "tests.runtime.tasks.monthly_report",
            arguments=month_before,
        ),
    )
    services.scheduled_slots_claim(now=paris(2027, 1, 3, 10, 0))
    run_queued_tasks()
    run = ScheduledRun.objects.get()
    assert run.slot == paris(2027, 1, 1, 6, 0) and run.summary == "Rapport de 12/2026 prêt."


@pytest.mark.django_db
def test_the_real_schedule_runs_on_an_empty_instance():
    services.scheduled_slots_claim()
    run_queued_tasks()
    runs = {run.job: run for run in ScheduledRun.objects.all()}
    assert set(runs) == {job.name for job in SCHEDULE}
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values()), {r.job: r.error for r in runs.values()}
    assert runs["verification_audit"].summary.startswith("Journal des accès intact.")
    assert runs["chainage_audit"].summary == "0 événement chaîné."
    assert runs["rappels_mandats"].summary == "0 rappel envoyé."


@pytest.fixture
def ran(db, settings):
    settings.APPUI_SCHEDULE = TEST_SCHEDULE
    services.scheduled_slots_claim(now=paris(2026, 11, 29, 10, 0))
    run_queued_tasks()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.DPO])
def test_the_manager_and_the_dpo_see_each_run_and_the_failure(ran, role, structure, member_of, client_for):
    client = client_for(member_of(structure, role))
    page = client.get(reverse("web:scheduled_jobs")).content.decode()
    assert "Rapport de test" in page and "chaque jour à 04:00" in page and "Tâche faite." in page
    assert "1 tâche en échec" in page and "événement n° 7" in page
    assert "Aucun processus de tâches de fond n'est actif" in page
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "Une tâche automatique a échoué" in dashboard and "Vérification de test" in dashboard


@pytest.mark.django_db
def test_a_structure_reads_only_its_own_part_of_a_run(settings, structure, other_structure, member_of, client_for):
    from tests.people.factories import PersonFactory

    PersonFactory.create_batch(2, structure=structure)
    PersonFactory.create_batch(5, structure=other_structure)
    settings.APPUI_SCHEDULE = TEST_SCHEDULE[:1]
    services.scheduled_slots_claim(now=paris(2026, 11, 29, 10, 0))
    run_queued_tasks()
    page = client_for(member_of(structure, Role.RESPONSABLE)).get(reverse("web:scheduled_jobs")).content.decode()
    assert "Tâche faite. Dans votre structure : 2 fiches." in page and "5 fiches" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL])
def test_other_roles_neither_see_the_page_nor_the_alert(ran, role, structure, member_of, client_for):
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:scheduled_jobs")).status_code == 403
    assert "tâche automatique" not in client.get(reverse("web:dashboard")).content.decode()


@pytest.mark.django_db
def test_the_page_says_when_workers_are_running(ran, structure, member_of, client_for):
    from django.utils import timezone

    now = timezone.now()
    services.heartbeat_record(worker_id="w", hostname="m", pid=1, started_at=now, state=WorkerState.IDLE, tasks_done=0)
    page = client_for(member_of(structure, Role.DPO)).get(reverse("web:scheduled_jobs")).content.decode()
    assert "Aucun processus de tâches de fond" not in page
