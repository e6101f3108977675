"""The background worker: retries with a limit, tasks of lost workers, heartbeat, health endpoint."""

import datetime
import json

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appui.runtime import services
from appui.runtime.enums import WorkerState
from appui.runtime.models import WorkerHeartbeat

from . import tasks as test_tasks
from .support import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_records(settings):
    settings.APPUI_TASK_MAX_ATTEMPTS = 3
    settings.APPUI_TASK_RETRY_DELAYS = (0,)
    test_tasks.CALLS.clear()
    test_tasks.GIVEN_UP.clear()


def test_a_failing_task_is_tried_three_times_then_given_up_with_a_french_reason():
    result = test_tasks.always_fails.enqueue("A")
    run_queued_tasks()
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "FAILED" and len(stored.worker_ids) == 3
    assert test_tasks.CALLS == ["A", "A", "A"]
    assert len(test_tasks.GIVEN_UP) == 1
    marker, reason = test_tasks.GIVEN_UP[0]
    assert marker == "A" and "Erreur technique répétée 3 fois (RuntimeError)" in reason


def test_the_attempt_limit_is_a_setting(settings):
    settings.APPUI_TASK_MAX_ATTEMPTS = 1
    test_tasks.always_fails.enqueue("B")
    run_queued_tasks()
    assert test_tasks.CALLS == ["B"] and len(test_tasks.GIVEN_UP) == 1


def test_a_task_that_fails_once_succeeds_at_its_second_attempt_without_giving_up():
    result = test_tasks.succeeds_on_second_attempt.enqueue("C")
    run_queued_tasks()
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "SUCCESSFUL" and len(stored.worker_ids) == 2 and not test_tasks.GIVEN_UP


def test_a_retry_waits_for_its_delay(settings):
    settings.APPUI_TASK_RETRY_DELAYS = (600,)
    result = test_tasks.always_fails.enqueue("D")
    run_queued_tasks()
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "READY" and test_tasks.CALLS == ["D"]
    assert stored.run_after > timezone.now() + datetime.timedelta(seconds=500)
    assert stored.exception_class_path == "builtins.RuntimeError"


def _claimed_by(worker_id, result_id, *, when):
    DBTaskResult.objects.filter(pk=result_id).update(status="RUNNING", started_at=when, worker_ids=[worker_id])


def test_the_task_of_a_lost_worker_goes_back_to_the_queue_and_another_worker_finishes_it():
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(
        worker_id="perdu", hostname="m1", pid=1, started_at=long_ago, last_seen=long_ago, state=WorkerState.BUSY
    )
    result = test_tasks.succeeds_on_second_attempt.enqueue("E")
    test_tasks.CALLS.append("E")  # the lost worker's attempt
    _claimed_by("perdu", result.id, when=long_ago)
    assert services.lost_tasks_requeue() == 1
    assert services.lost_tasks_requeue() == 0  # another worker watching finds nothing more to do
    run_queued_tasks(worker_id="vivant")
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "SUCCESSFUL" and stored.worker_ids == ["perdu", "vivant"]


def test_the_task_of_a_live_worker_is_left_alone_however_long_it_runs():
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    services.heartbeat_record(
        worker_id="occupe", hostname="m1", pid=1, started_at=long_ago, state=WorkerState.BUSY, tasks_done=0
    )
    result = test_tasks.always_fails.enqueue("F")
    _claimed_by("occupe", result.id, when=long_ago)
    assert services.lost_tasks_requeue() == 0
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


def test_a_task_whose_worker_was_lost_at_every_attempt_is_given_up():
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    result = test_tasks.always_fails.enqueue("G")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["perdu1", "perdu2", "perdu3"]
    )
    services.lost_tasks_requeue()
    run_queued_tasks()
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "FAILED" and test_tasks.CALLS == []  # not run a fourth time
    assert "s'est arrêté 3 fois" in test_tasks.GIVEN_UP[0][1]


def test_a_worker_says_it_is_alive_then_that_it_stopped():
    worker = run_queued_tasks(worker_id="w-1")
    beat = WorkerHeartbeat.objects.get(worker_id="w-1")
    assert beat.state == WorkerState.STOPPED and beat.pid > 0 and beat.hostname == worker.hostname


def test_health_answers_503_without_a_worker_and_200_with_one(client):
    response = client.get("/sante/")
    body = json.loads(response.content)
    assert response.status_code == 503 and body["statut"] == "degrade" and body["base_de_donnees"] == "ok"
    assert body["processus_de_calcul"]["actifs"] == 0
    now = timezone.now()
    services.heartbeat_record(
        worker_id="w", hostname="m", pid=2, started_at=now, state=WorkerState.STARTING, tasks_done=0
    )
    assert client.get("/sante/").status_code == 503  # still building its rules engine
    services.heartbeat_record(worker_id="w", hostname="m", pid=2, started_at=now, state=WorkerState.IDLE, tasks_done=0)
    test_tasks.always_fails.enqueue("H")
    response = client.get("/sante/")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["statut"] == "ok"
    assert body["processus_de_calcul"] == {"actifs": 1, "disponibles_ou_occupes": 1}
    assert body["file_d_attente"]["taches"] == 1
    assert "m" not in json.dumps(body["processus_de_calcul"])  # no machine name for an anonymous probe


def test_a_silent_worker_is_no_longer_counted(client, settings):
    past = timezone.now() - datetime.timedelta(seconds=settings.APPUI_WORKER_LOST_AFTER + 5)
    WorkerHeartbeat.objects.create(
        worker_id="muet", hostname="m", pid=3, started_at=past, last_seen=past, state=WorkerState.IDLE
    )
    assert client.get("/sante/").status_code == 503


def test_old_finished_tasks_runs_and_workers_are_pruned(settings):
    old = timezone.now() - datetime.timedelta(days=settings.APPUI_TASK_HISTORY_DAYS + 1)
    result = test_tasks.always_fails.enqueue("I")
    DBTaskResult.objects.filter(pk=result.id).update(status="SUCCESSFUL", finished_at=old)
    recent = test_tasks.always_fails.enqueue("J")
    WorkerHeartbeat.objects.create(
        worker_id="ancien", hostname="m", pid=4, started_at=old, last_seen=old, state=WorkerState.STOPPED
    )
    pruned = services.task_history_prune(now=timezone.now())
    assert (pruned.tasks, pruned.workers) == (1, 1)
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.db_result.pk]
