"""The caseload screening as a background job: chunks on workers, exactly once, failures, relaunch, limits."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.rights import jobs, services
from appui.rights.caseload import entries_from_csv, run_caseload
from appui.rights.csv_format import read_rows
from appui.rights.engine import _engine
from appui.rights.enums import CaseloadSource, CaseloadStatus, ChunkStatus
from appui.rights.models import CaseloadChunk, CaseloadResult, CaseloadScreening
from appui.rights.selectors import caseload_results
from appui.runtime import services as runtime_services
from appui.runtime.enums import WorkerState
from tests.people.factories import PersonFactory
from tests.runtime.support import run_queued_tasks

from .factories import ScreeningFactory
from .test_caseload import BAD, GOOD, csv_text

pytestmark = pytest.mark.django_db

# 12 good rows and one bad (line 14): with chunks of 4 households, 4 chunks.
ROWS = [row.replace("A", f"R{i}-", 1) for i in range(3) for row in GOOD[:4]] + BAD[:1]


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.APPUI_CASELOAD_CHUNK_SIZE = 4
    settings.APPUI_CASELOAD_MAX_RUNNING = 1
    settings.APPUI_TASK_RETRY_DELAYS = (0,)
    settings.APPUI_TASK_MAX_ATTEMPTS = 3


@pytest.fixture
def member(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def reference(engine):
    """The households found by screening the same rows in one process, by line: what every run must store."""
    outcome = run_caseload(entries_from_csv(read_rows(csv_text(ROWS))), period=_period(), engine=engine, workers=1)
    return {f.line: (f.reference, f.monthly_total, f.rights, f.certainty, list(f.missing)) for f in outcome.findings}


def _period():
    from appui.rights.screening import current_period

    return current_period()


def _launch(member, rows=ROWS):
    return services.caseload_screening_create(
        membership=member, source=CaseloadSource.CSV, csv_text=csv_text(rows), filename="foyers.csv"
    )


def _stored(job):
    return {
        r.line: (r.reference, float(r.unclaimed_monthly_total), r.rights, r.certainty, r.missing_inputs)
        for r in CaseloadResult.objects.filter(job=job)
    }


def _chunk_task(chunk):
    return next(
        t
        for t in DBTaskResult.objects.filter(task_path__endswith="screen_caseload_chunk")
        if t.args_kwargs["args"] == [chunk.pk]
    )


def test_a_file_is_cut_into_its_encrypted_chunks_when_sent_and_the_file_itself_is_not_kept(member, engine, reference):
    job = services.caseload_screening_create(
        membership=member, source=CaseloadSource.CSV, csv_text=csv_text(ROWS), start=False
    )
    job.refresh_from_db()
    assert job.status == CaseloadStatus.PENDING and job.total == 13 and job.source_csv == ""
    assert [(c.index, c.first, c.size, c.status) for c in job.chunks.order_by("index")] == [
        (0, 0, 4, ChunkStatus.PENDING),
        (1, 4, 4, ChunkStatus.PENDING),
        (2, 8, 4, ChunkStatus.PENDING),
        (3, 12, 1, ChunkStatus.PENDING),
    ]
    assert not job.engine and not job.started_at  # the period and the engine are those of the start
    jobs.caseload_job_run_here(job_id=job.pk, worker_id="ici")
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE and job.engine and len(job.period) == 7
    assert _stored(job) == reference


def test_a_job_is_cut_into_chunk_tasks_that_advance_its_progress_and_store_every_household_once(
    member, engine, reference
):
    job = _launch(member)
    assert job.status == CaseloadStatus.PENDING
    run_queued_tasks(max_tasks=2)  # the start, then one chunk
    job.refresh_from_db()
    assert job.status == CaseloadStatus.RUNNING and job.total == 13 and job.source_csv == ""
    chunks = list(job.chunks.order_by("index"))
    assert [(c.index, c.first, c.size) for c in chunks] == [(0, 0, 4), (1, 4, 4), (2, 8, 4), (3, 12, 1)]
    assert job.processed == 4 and job.progress_percent == 30
    with connection.cursor() as cursor:  # the households waiting in a chunk are stored encrypted
        cursor.execute("SELECT entries FROM rights_caseloadchunk WHERE id = %s", [chunks[1].pk])
        assert cursor.fetchone()[0].startswith("enc2:")
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE and job.processed == 13 and job.finished_at >= job.started_at
    assert all(c.status == ChunkStatus.DONE and c.attempts == 1 and c.entries is None for c in job.chunks.all())
    assert _stored(job) == reference
    assert job.with_rights + job.to_complete == len(reference) and job.to_complete == 3  # A4 of each copy
    assert [e["line"] for e in job.errors] == [14] and job.error_count == 1
    positions = list(CaseloadResult.objects.filter(job=job).values_list("position", flat=True))
    assert len(positions) == len(set(positions))
    ranking = [(r.certainty, -r.unclaimed_monthly_total) for r in caseload_results(job, membership=None)]
    assert ranking == sorted(ranking)


def test_the_database_refuses_a_household_stored_twice(member, engine):
    job = _launch(member)
    run_queued_tasks()
    result = CaseloadResult.objects.filter(job=job).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseloadResult.objects.create(
            job=job, position=result.position, reference="X", unclaimed_monthly_total=1, rights={}, assumptions=[]
        )


def test_the_chunks_of_a_lost_worker_run_again_and_the_finished_ones_are_not_repeated(member, engine, reference):
    job = _launch(member)
    run_queued_tasks(max_tasks=2)  # the start and the first chunk, by a worker that stays alive
    second = job.chunks.get(index=1)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    # Another worker claimed the second chunk, then was killed (no heartbeat for five minutes).
    DBTaskResult.objects.filter(pk=_chunk_task(second).pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["tue"]
    )
    CaseloadChunk.objects.filter(pk=second.pk).update(status=ChunkStatus.RUNNING, attempts=1, worker_id="tue")
    assert runtime_services.lost_tasks_requeue() == 1
    run_queued_tasks(worker_id="autre")
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE
    attempts = dict(job.chunks.values_list("index", "attempts"))
    assert attempts == {0: 1, 1: 2, 2: 1, 3: 1}
    assert _stored(job) == reference


def test_an_attempt_taken_over_by_another_writes_nothing(member, engine):
    job = _launch(member)
    jobs.caseload_job_start(job_id=job.pk, queue=False)
    chunk = job.chunks.get(index=0)
    # A slow attempt claimed the chunk (attempt 1), was believed lost, and another attempt took over.
    CaseloadChunk.objects.filter(pk=chunk.pk).update(status=ChunkStatus.RUNNING, attempts=1, worker_id="lent")
    slow = CaseloadChunk.objects.get(pk=chunk.pk)
    jobs.caseload_chunk_run(chunk_id=chunk.pk, worker_id="rapide")  # the attempt that took over (attempt 2)
    stored = CaseloadResult.objects.filter(job=job).count()
    assert CaseloadChunk.objects.get(pk=chunk.pk).attempts == 2
    columns_rows = jobs._result_rows(job.pk, 0, [], [])
    with pytest.raises(jobs.ChunkTakenOverError):
        from appui.rights.caseload import ChunkOutcome

        jobs._chunk_finish(slow, ChunkOutcome(count=4), columns_rows, seconds=1.0)
    assert CaseloadResult.objects.filter(job=job).count() == stored


def test_an_engine_outage_fails_the_job_with_its_reason_and_a_relaunch_keeps_what_was_done(
    member, engine, reference, settings, client_for
):
    job = _launch(member)
    run_queued_tasks(max_tasks=2)  # the start and the first chunk
    settings.APPUI_RIGHTS_ENGINE = "webapi"
    settings.APPUI_OPENFISCA_API_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.APPUI_OPENFISCA_API_TIMEOUT = 2
    _engine.cache_clear()
    try:
        run_queued_tasks()
    finally:
        settings.APPUI_RIGHTS_ENGINE = "inprocess"
        _engine.cache_clear()
    job.refresh_from_db()
    assert job.status == CaseloadStatus.FAILED and job.processed == 4
    assert "Erreur technique répétée 3 fois (EngineError)" in job.failure_message and job.can_relaunch
    client = client_for(member)
    page = client.get(reverse("web:rights_caseload_detail", args=[job.pk])).content.decode()
    assert "Le repérage a échoué" in page and "Relancer le repérage" in page and "ce calcul est gardé" in page
    response = client.post(reverse("web:rights_caseload_relaunch", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == CaseloadStatus.PENDING and job.failure_message == ""
    assert AuditEvent.objects.filter(action=AuditAction.CASELOAD_SCREENING, detail__relaunch=True).count() == 1
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE and _stored(job) == reference
    assert job.chunks.get(index=0).attempts == 1  # done before the outage: not redone


def test_only_a_failed_job_can_be_relaunched_and_not_once_its_data_is_erased(member, engine, client_for):
    job = _launch(member)
    run_queued_tasks()
    client = client_for(member)
    client.post(reverse("web:rights_caseload_relaunch", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE
    failed = _launch(member)
    jobs.caseload_job_give_up(job_id=failed.pk, reason="Panne.")
    failed.refresh_from_db()
    assert failed.can_relaunch  # it never started: its file is still there
    CaseloadScreening.objects.filter(pk=failed.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    assert jobs.caseload_inputs_purge(older_than=timezone.now() - datetime.timedelta(days=7)) == 1
    failed.refresh_from_db()
    assert not failed.can_relaunch and failed.source_csv == ""
    page = client.get(reverse("web:rights_caseload_detail", args=[failed.pk])).content.decode()
    assert "Relancer" not in page and "Le fichier a été effacé" in page


def test_a_structure_runs_one_job_at_a_time_and_the_next_waits_its_turn(member, engine, client_for, settings):
    first, second = _launch(member), _launch(member, GOOD)
    now = timezone.now()
    runtime_services.heartbeat_record(
        worker_id="w", hostname="m", pid=1, started_at=now, state=WorkerState.BUSY, tasks_done=0
    )
    run_queued_tasks(max_tasks=2)  # both start tasks
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (CaseloadStatus.RUNNING, CaseloadStatus.PENDING)
    page = client_for(member).get(reverse("web:rights_caseload_progress", args=[second.pk])).content.decode()
    assert "Un autre repérage de votre structure est en cours (1 à la fois au plus)" in page
    run_queued_tasks()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == CaseloadStatus.DONE
    assert second.started_at >= first.finished_at


def test_another_structure_is_not_held_up_by_this_ones_limit(member, engine, other_structure, member_of):
    _launch(member)
    other = _launch(member_of(other_structure, Role.TRAVAILLEUR_SOCIAL), GOOD)
    run_queued_tasks(max_tasks=2)
    other.refresh_from_db()
    assert other.status == CaseloadStatus.RUNNING


def test_the_page_says_when_no_worker_is_running(member, client_for):
    job = _launch(member)
    client = client_for(member)
    page = client.get(reverse("web:rights_caseload_progress", args=[job.pk])).content.decode()
    assert "Repérage en attente." in page and "Aucun processus de calcul n&#x27;est actif" in page
    CaseloadScreening.objects.filter(pk=job.pk).update(status=CaseloadStatus.RUNNING, total=13)
    page = client.get(reverse("web:rights_caseload_progress", args=[job.pk])).content.decode()
    assert "Le calcul est interrompu" in page


def test_a_structure_job_screens_only_the_persons_its_author_may_open(member, structure, engine):
    seen = PersonFactory(structure=structure)
    ScreeningFactory(person=seen)
    PersonFactory(structure=structure, archived_at=timezone.now())
    job = services.caseload_screening_create(membership=member, source=CaseloadSource.STRUCTURE)
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE and job.total == 1
    assert list(CaseloadResult.objects.filter(job=job).values_list("person_id", flat=True)) == [seen.pk]


def test_a_structure_job_whose_author_left_fails_with_a_french_reason(member, structure):
    PersonFactory(structure=structure)
    job = services.caseload_screening_create(membership=member, source=CaseloadSource.STRUCTURE)
    member.is_active = False
    member.save()
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == CaseloadStatus.FAILED and "n'a plus accès" in job.failure_message


def test_the_api_relaunches_a_failed_job_and_refuses_a_finished_one(member, engine):
    from rest_framework.test import APIClient

    from appui.accounts.services import api_token_create

    _, raw = api_token_create(membership=member, name="test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    job = _launch(member)
    jobs.caseload_job_give_up(job_id=job.pk, reason="Panne.")
    response = api.post(f"/api/v1/rights/caseload-screenings/{job.pk}/relaunch/")
    assert response.status_code == 202 and response.json()["status"] == "en_attente"
    run_queued_tasks()
    assert api.get(f"/api/v1/rights/caseload-screenings/{job.pk}/").json()["status"] == "terminee"
    refused = api.post(f"/api/v1/rights/caseload-screenings/{job.pk}/relaunch/")
    assert refused.status_code == 400 and "échoué" in refused.json()["non_field_errors"][0]
    page = api.get(f"/api/v1/rights/caseload-screenings/{job.pk}/results/").json()
    assert [r["rank"] for r in page["results"]] == list(range(1, page["count"] + 1))
