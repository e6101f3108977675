"""The caseload screening as a background job: chunk tasks shared by every worker, on every machine.

A job goes en attente → en cours → terminé (or échoué, with its reason; a failed job can be relaunched):

1. A file is cut into chunks of ``APPUI_CASELOAD_CHUNK_SIZE`` households, stored encrypted, when it is sent
   (``caseload_chunks_create``, in the transaction that records the job). ``caseload_job_start`` (a task, or the
   command line) admits a pending job when its structure runs fewer than ``APPUI_CASELOAD_MAX_RUNNING`` jobs,
   reads the structure's persons into chunks the same way, and queues one task per chunk.
2. ``caseload_chunk_run``, on any worker, claims a chunk, screens it with the worker's warm engine
   (``caseload.screen_chunk``), encrypts the results there, and stores them in bulk (``COPY`` on PostgreSQL) in
   the same transaction that marks the chunk done and advances the job's progress. A chunk whose worker was lost
   runs again; a chunk already done is never redone; a household is stored at most once (unique position).
3. The transaction that finishes the last chunk sums up the job from its stored results, marks it done and
   starts the structure's next pending job.

Everything here is written to be run again safely: a task may be run twice (a worker believed lost that was
only slow), and only the attempt that claimed a chunk last may mark it done.
"""

import json
import logging
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from appui.accounts.models import Membership, Structure
from appui.core.collector import gc_paused
from appui.core.fields import ROW_UID, EncryptedMixin, sealed_for

from .caseload import CaseloadEntry, ChunkOutcome, Entry, HouseholdFinding, screen_chunk
from .certainty import TO_COMPLETE, TO_VERIFY
from .csv_format import CsvFormatError, CsvRow, read_rows
from .engine import get_engine
from .enums import CaseloadSource, CaseloadStatus, ChunkStatus
from .models import CaseloadChunk, CaseloadResult, CaseloadScreening
from .screening import current_period
from .situation import HouseholdAnswers

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 5_000
# A job of at most this many chunks is small: its tasks go before the chunks of big jobs already queued.
SMALL_JOB_CHUNKS = 2


class ChunkTakenOverError(Exception):
    """The chunk was claimed again by another attempt (this worker was believed lost): this attempt writes nothing."""


def chunk_size() -> int:
    return max(1, int(settings.APPUI_CASELOAD_CHUNK_SIZE))


def max_running() -> int:
    return max(1, int(settings.APPUI_CASELOAD_MAX_RUNNING))


# --- Chunk inputs: what a worker needs to screen a chunk, stored encrypted with it ------------------------------
def _encode_entries(entries: Sequence[Entry]) -> dict[str, Any]:
    if entries and isinstance(entries[0], CsvRow):
        rows: Sequence[CsvRow] = entries  # type: ignore[assignment]
        return {
            "kind": "csv",
            "columns": rows[0].columns,
            "rows": [
                [row.line, row.values] if row.problem is None else [row.line, row.values, row.problem] for row in rows
            ],
        }
    return {
        "kind": "records",
        "entries": [
            [entry.reference, entry.person_id, entry.answers.to_json() if entry.answers else None] for entry in entries
        ],
    }


def _decode_entries(payload: dict[str, Any]) -> list[Entry]:
    if payload["kind"] == "csv":
        columns = payload["columns"]
        return [CsvRow(line, values, columns, *problem) for line, values, *problem in payload["rows"]]
    return [
        CaseloadEntry(reference=reference, person_id=person_id, answers=HouseholdAnswers.from_json(answers))
        for reference, person_id, answers in payload["entries"]
    ]


def _chunks(entries: Sequence[Entry], size: int) -> Iterator[tuple[int, int, Sequence[Entry]]]:
    count = math.ceil(len(entries) / size) if entries else 0
    step = math.ceil(len(entries) / count) if count else 0  # even chunks: no small last one
    for index in range(count):
        first = index * step
        yield index, first, entries[first : first + step]


# --- Start ------------------------------------------------------------------------------------------------------
class SourceUnavailableError(Exception):
    """The job's source cannot be read (message in French)."""


def _read_source(job: CaseloadScreening) -> Sequence[Entry]:
    """Return the households of a job: its file's rows, or the persons its author may reach now."""
    if job.source == CaseloadSource.CSV:
        try:
            return read_rows(job.source_csv)
        except CsvFormatError as exc:
            raise SourceUnavailableError(str(exc)) from exc
    from .access import can_screen
    from .services import _structure_entries

    membership = (
        Membership.objects.active()
        .select_related("structure", "user")
        .filter(user_id=job.created_by_id or 0, structure_id=job.structure_id)
        .first()
    )
    if membership is None or not can_screen(membership):
        raise SourceUnavailableError(
            "La personne qui a lancé ce repérage n'a plus accès aux droits de la structure : il n'a pas été fait."
        )
    return _structure_entries(membership)


def caseload_chunks_create(*, job: CaseloadScreening, entries: Sequence[Entry]) -> None:
    """Store a job's households as chunks of ``APPUI_CASELOAD_CHUNK_SIZE``, encrypted (in the caller's
    transaction: a job has all its chunks or none)."""
    for index, first, part in _chunks(entries, chunk_size()):
        # One INSERT per chunk: megabytes of encrypted text per row are sent as they are (a bulk INSERT would
        # quote them into one array literal, several times slower).
        chunk = CaseloadChunk(job=job, index=index, first=first, size=len(part))
        # Tens of thousands of small lists: the cyclic collector would walk the whole file again and again.
        with gc_paused():
            chunk.entries = _encode_entries(part)
        chunk.save(force_insert=True)


def caseload_job_start(*, job_id: int, queue: bool = True) -> bool:
    """Start a pending job if its structure has room; return whether it started.

    A new job is read and cut into chunks; a relaunched one keeps its chunks. With ``queue`` (the background
    way) a task is queued per chunk to do; without, the caller runs the chunks itself (the command line).
    """
    from .tasks import screen_caseload_chunk

    with transaction.atomic():
        job = CaseloadScreening.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != CaseloadStatus.PENDING:
            return False
        # One structure's admissions are decided one at a time (the structure row is the lock).
        Structure.objects.select_for_update().filter(pk=job.structure_id).first()
        running = CaseloadScreening.objects.filter(structure_id=job.structure_id, status=CaseloadStatus.RUNNING)
        if running.count() >= max_running():
            return False
        now = timezone.now()
        if not job.chunks.exists():
            # The structure's persons are read now; a file is cut when it is sent (``caseload_chunks_create``),
            # except the file of a job recorded before that was so.
            try:
                entries = _read_source(job)
            except SourceUnavailableError as exc:
                _fail(job, str(exc), now=now)
                return False
            job.total = len(entries)
            caseload_chunks_create(job=job, entries=entries)
        if not job.engine:
            engine = get_engine()
            job.period = job.period or current_period()
            job.engine, job.engine_versions = engine.name, engine.versions()
        job.status = CaseloadStatus.RUNNING
        job.started_at = now
        job.finished_at = None
        job.failure_message = ""
        job.source_csv = ""  # the file is now held by the chunks, until each is done
        job.save(
            update_fields=[
                "status",
                "started_at",
                "finished_at",
                "failure_message",
                "source_csv",
                "total",
                "period",
                "engine",
                "engine_versions",
            ]
        )
        to_do = list(job.chunks.exclude(status=ChunkStatus.DONE).values_list("pk", flat=True))
        if not to_do:
            _finish_job(job, now=now)
        elif queue:
            priority = 10 if len(to_do) <= SMALL_JOB_CHUNKS else 0
            for chunk_id in to_do:
                # Queued in this transaction: the chunks exist for the workers exactly when their tasks do.
                screen_caseload_chunk.using(priority=priority).enqueue(chunk_id)
    return True


# --- Chunks -----------------------------------------------------------------------------------------------------
def caseload_chunk_run(*, chunk_id: int, worker_id: str) -> bool:
    """Screen one chunk and store its results; return whether this attempt finished it.

    A chunk already done, or whose job is no longer running, is left as it is.
    """
    with transaction.atomic():
        chunk = CaseloadChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is None or chunk.status in {ChunkStatus.DONE, ChunkStatus.FAILED}:
            return False
        job = CaseloadScreening.objects.only("id", "status", "period").get(pk=chunk.job_id)
        if job.status != CaseloadStatus.RUNNING:
            return False
        chunk.attempts += 1
        CaseloadChunk.objects.filter(pk=chunk.pk).update(
            status=ChunkStatus.RUNNING, attempts=chunk.attempts, worker_id=worker_id[:64], started_at=timezone.now()
        )
    started = time.perf_counter()
    entries = _decode_entries(chunk.entries)
    outcome = screen_chunk(entries, period=job.period, engine=get_engine())
    rows = _result_rows(job.pk, chunk.first, entries, outcome.findings)
    try:
        _chunk_finish(chunk, outcome, rows, seconds=time.perf_counter() - started)
    except ChunkTakenOverError:
        logger.warning("Chunk %s was taken over by another attempt; this one's results are dropped", chunk_id)
        return False
    return True


def result_fields(finding: HouseholdFinding) -> dict[str, Any]:
    """Return the ``CaseloadResult`` values of a household found: a new field of the finding is stored here."""
    return {
        "reference": finding.reference,
        "line": finding.line,
        "person_id": finding.person_id,
        "certainty": finding.certainty,
        "unclaimed_monthly_total": Decimal(str(finding.monthly_total)),
        "to_verify_monthly_total": Decimal(str(finding.to_verify_total)),
        "rights": finding.rights,
        "to_verify_benefits": list(finding.to_verify),
        "missing_inputs": list(finding.missing),
        "assumptions": list(finding.assumptions),
    }


def _result_rows(
    job_id: int, first: int, entries: Sequence[Entry], findings: Sequence[HouseholdFinding]
) -> tuple[list[str], list[list[Any]]]:
    """Return the columns and the database-ready rows of a chunk's results, encrypted here, in the worker.

    A finding's position in the caseload comes from its entry (its file line, or its person, unique in a chunk).
    """
    index_of = {(entry.line, entry.person_id): index for index, entry in enumerate(entries)}
    # The connection itself, not Django's per-thread proxy: it is read for every row.
    database = connections[DEFAULT_DB_ALIAS]
    fields = {field.attname: field for field in CaseloadResult._meta.concrete_fields}
    row_uid_field = fields[ROW_UID]
    names: list[str] = []
    rows: list[list[Any]] = []
    converters: list[Callable[[Any, uuid.UUID], Any] | None] = []
    for finding in findings:
        values = result_fields(finding)
        if not names:
            names = list(values)
            for name in names:
                field = fields[name]
                # Encrypted fields are sealed for their row (same key and associated data as the ORM), JSON
                # fields are written as the JSON text Django would send; integers, text and decimals go as they are.
                if isinstance(field, EncryptedMixin):
                    converters.append(field.row_sealer())
                elif field.get_internal_type() == "JSONField":
                    converters.append(_json_text(field))
                else:
                    converters.append(None)
        row_uid = uuid.uuid4()
        row: list[Any] = [
            job_id,
            first + index_of[(finding.line, finding.person_id)],
            row_uid_field.get_db_prep_value(row_uid, database),
        ]
        for convert, value in zip(converters, values.values(), strict=True):
            row.append(convert(value, row_uid) if convert else value)
        rows.append(row)
    columns = ["job_id", "position", str(row_uid_field.column), *(str(fields[name].column) for name in names)]
    return columns, rows


def _json_text(field: Any) -> Callable[[Any, uuid.UUID], Any]:
    """Return the JSON text of a list of codes, as ``JSONField`` writes it (the database reads it as JSON): a
    chunk repeats the same few lists thousands of times, each is written once."""
    known: dict[tuple[Any, ...], str] = {}

    def prepare(value: Any, row_uid: uuid.UUID) -> Any:
        if not isinstance(value, list):
            return json.dumps(value, cls=field.encoder)
        key = tuple(value)
        text = known.get(key)
        if text is None:
            text = known[key] = json.dumps(value, cls=field.encoder)
        return text

    return prepare


def _store_results(columns: list[str], rows: list[list[Any]]) -> None:
    """Insert a chunk's results in bulk: ``COPY`` on PostgreSQL, one prepared statement for many rows elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(CaseloadResult._meta.db_table)
    # Only quoted identifiers from the model's metadata go into the statement; every value is data.
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _chunk_finish(
    chunk: CaseloadChunk, outcome: ChunkOutcome, rows: tuple[list[str], list[list[Any]]], *, seconds: float
) -> None:
    """Store a chunk's results and mark it done, in one transaction; finish the job after its last chunk."""
    now = timezone.now()
    with transaction.atomic():
        claimed = CaseloadChunk.objects.filter(pk=chunk.pk, status=ChunkStatus.RUNNING, attempts=chunk.attempts).update(
            status=ChunkStatus.DONE,
            finished_at=now,
            seconds=round(seconds, 3),
            entries=None,
            problems=sealed_for(
                chunk,
                "problems",
                [{"line": p.line, "reference": p.reference, "message": p.message} for p in outcome.problems],
            ),
        )
        if not claimed:
            raise ChunkTakenOverError
        _store_results(*rows)
        # The job row is locked last and briefly: chunks finishing together on several workers queue up here.
        job = CaseloadScreening.objects.select_for_update().get(pk=chunk.job_id)
        CaseloadScreening.objects.filter(pk=job.pk).update(processed=F("processed") + chunk.size)
        if job.status == CaseloadStatus.RUNNING and not job.chunks.exclude(status=ChunkStatus.DONE).exists():
            _finish_job(job, now=now)


def _finish_job(job: CaseloadScreening, *, now: Any) -> None:
    """Sum up a job whose chunks are all done, from what is stored, and start the structure's next job."""
    results = CaseloadResult.objects.filter(job=job)
    totals = results.aggregate(
        count=Count("id", filter=~Q(certainty=TO_COMPLETE)),
        to_verify=Count("id", filter=Q(certainty=TO_VERIFY)),
        to_complete=Count("id", filter=Q(certainty=TO_COMPLETE)),
        amount=Sum("unclaimed_monthly_total"),
    )
    reasons: Counter[str] = Counter()
    for keys in results.filter(certainty=TO_COMPLETE).values_list("missing_inputs", flat=True).iterator(5000):
        reasons.update({key.partition(":")[0] for key in keys})
    problems = [
        problem for chunk in job.chunks.order_by("index").only("problems", ROW_UID) for problem in chunk.problems
    ]
    problems.sort(key=lambda p: (p["line"] is None, p["line"] or 0))
    CaseloadScreening.objects.filter(pk=job.pk).update(
        status=CaseloadStatus.DONE,
        processed=job.total,
        with_rights=totals["count"],
        to_verify=totals["to_verify"],
        to_complete=totals["to_complete"],
        to_complete_reasons=dict(reasons.most_common()),
        unclaimed_monthly_total=totals["amount"] or Decimal("0.00"),
        error_count=len(problems),
        errors=sealed_for(job, "errors", problems[:MAX_STORED_ERRORS]),
        finished_at=now,
        duration_seconds=round((now - job.started_at).total_seconds(), 3) if job.started_at else None,
        source_csv="",
    )
    _start_next(job.structure_id)


def _fail(job: CaseloadScreening, reason: str, *, now: Any) -> None:
    CaseloadScreening.objects.filter(pk=job.pk).update(
        status=CaseloadStatus.FAILED, failure_message=reason[:300], finished_at=now, source_csv=""
    )


def _start_next(structure_id: int) -> None:
    """Queue the start of the structure's oldest pending jobs (each checks the limit again when it runs)."""
    from .tasks import start_caseload_screening

    waiting = CaseloadScreening.objects.filter(structure_id=structure_id, status=CaseloadStatus.PENDING)
    for job_id in waiting.order_by("created_at", "id").values_list("pk", flat=True)[: max_running()]:
        start_caseload_screening.enqueue(job_id)


# --- Failures ---------------------------------------------------------------------------------------------------
def caseload_chunk_give_up(*, chunk_id: int, reason: str) -> None:
    """Mark a chunk failed for good, and its job failed with ``reason`` (it can be relaunched)."""
    with transaction.atomic():
        chunk = CaseloadChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is None or chunk.status == ChunkStatus.DONE:
            return
        CaseloadChunk.objects.filter(pk=chunk_id).update(status=ChunkStatus.FAILED, finished_at=timezone.now())
        caseload_job_give_up(job_id=chunk.job_id, reason=reason)


def caseload_job_give_up(*, job_id: int, reason: str) -> None:
    """Mark a job failed with ``reason``, unless it has already ended; start the structure's next job."""
    with transaction.atomic():
        job = CaseloadScreening.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        # A job that never started keeps its file, so that it can be relaunched.
        CaseloadScreening.objects.filter(pk=job.pk).update(
            status=CaseloadStatus.FAILED, failure_message=reason[:300], finished_at=timezone.now()
        )
        _start_next(job.structure_id)


def caseload_job_relaunch(*, job: CaseloadScreening) -> bool:
    """Put a failed job back in the queue: its chunks not done run again, the others are kept.

    Return False when the job was no longer failed. Its chunks are locked before the job, in the order every
    chunk's last transaction takes them (no deadlock with a chunk finishing late).
    """
    from .tasks import start_caseload_screening

    with transaction.atomic():
        to_redo = [
            c.pk for c in CaseloadChunk.objects.select_for_update().filter(job=job).exclude(status=ChunkStatus.DONE)
        ]
        if not CaseloadScreening.objects.filter(pk=job.pk, status=CaseloadStatus.FAILED).update(
            status=CaseloadStatus.PENDING, failure_message="", finished_at=None, duration_seconds=None
        ):
            return False
        CaseloadChunk.objects.filter(pk__in=to_redo).update(
            status=ChunkStatus.PENDING, attempts=0, worker_id="", started_at=None
        )
        start_caseload_screening.enqueue(job.pk)
    return True


def caseload_inputs_purge(*, older_than: Any) -> int:
    """Erase the households kept by jobs that failed before ``older_than`` (they can no longer be relaunched);
    return how many jobs had some."""
    stale = CaseloadScreening.objects.filter(status=CaseloadStatus.FAILED, finished_at__lt=older_than)
    holding = stale.filter(Q(chunks__entries__isnull=False) | ~Q(source_csv="")).distinct()
    job_ids = list(holding.values_list("pk", flat=True))
    CaseloadChunk.objects.filter(job_id__in=job_ids, entries__isnull=False).update(entries=None)
    CaseloadScreening.objects.filter(pk__in=job_ids).update(source_csv="")
    return len(job_ids)


# --- In this process (command line, tests) ----------------------------------------------------------------------
def caseload_job_run_here(*, job_id: int, worker_id: str, progress: Callable[[int, int], None] | None = None) -> bool:
    """Start a pending job and run its chunks in this process, one after the other; return whether it started."""
    if not caseload_job_start(job_id=job_id, queue=False):
        return False
    total = CaseloadScreening.objects.values_list("total", flat=True).get(pk=job_id)
    done = 0
    for chunk_id, size in CaseloadChunk.objects.filter(job_id=job_id).order_by("index").values_list("pk", "size"):
        caseload_chunk_run(chunk_id=chunk_id, worker_id=worker_id)
        done += size
        if progress:
            progress(done, total)
    if progress and not total:
        progress(0, 0)
    return True
