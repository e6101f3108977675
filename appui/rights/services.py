"""The only writers of screenings, right follow-ups and caseload screenings."""

import datetime
import logging
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from appui.accounts.models import Membership, Structure
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.models import HouseholdMember, Person
from appui.people.services import person_touch

from . import exports
from .access import can_screen, record_caseload_results_read
from .caseload import CaseloadEntry, CaseloadOutcome, entries_from_csv, run_caseload
from .csv_format import CsvFormatError, read_rows
from .engine import EngineError, get_engine
from .enums import CaseloadSource, CaseloadStatus, RightStatus
from .models import CaseloadResult, CaseloadScreening, RightFollowUp, Screening
from .screening import current_period, screen
from .situation import HouseholdAnswers, answers_from_record

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 5_000
MAX_CSV_ROWS = 200_000
RESULTS_BATCH = 2_000


def _check_may_screen(membership: Membership) -> None:
    if not can_screen(membership):
        raise PermissionDenied("Votre rôle ne permet pas de simuler les droits (données de situation).")


@transaction.atomic
def screening_run(
    *, membership: Membership, person: Person, answers: HouseholdAnswers, period: str | None = None
) -> Screening:
    """Screen the person's household, save the screening (inputs, engine versions, legislation date) and journal it.

    Each right found and not already received gets a follow-up ("à demander"); a right found again keeps its
    follow-up status, with the new estimate.
    """
    _check_may_screen(membership)
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette personne n'est pas suivie par votre structure.")
    period = period or current_period()
    try:
        outcome = screen(answers, period=period)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    except EngineError as exc:
        raise ValidationError("Le moteur de calcul ne répond pas. Réessayez dans quelques minutes.") from exc
    now = timezone.now()
    screening = Screening(
        structure=membership.structure,
        person=person,
        created_by=membership.user,
        period=period,
        legislation_date=datetime.date.fromisoformat(f"{period}-01"),
        engine=outcome.engine,
        engine_versions=outcome.engine_versions,
        unclaimed_monthly_total=outcome.unclaimed_monthly_total,
    )
    screening.answers = answers.to_json()
    screening.situation = outcome.situation.to_json()
    screening.results = [r.to_json() for r in outcome.rights]
    screening.save()
    for right in outcome.unclaimed:
        follow_up, created = RightFollowUp.objects.get_or_create(
            person=person,
            benefit=right.benefit,
            defaults={
                "structure": membership.structure,
                "screening": screening,
                "estimated_amount": right.amount,
                "frequency": right.frequency,
                "monthly_amount": right.monthly_amount,
                "status_changed_at": now,
                "updated_by": membership.user,
            },
        )
        if not created:
            follow_up.screening = screening
            follow_up.estimated_amount = right.amount
            follow_up.frequency = right.frequency
            follow_up.monthly_amount = right.monthly_amount
            follow_up.save(update_fields=["screening", "estimated_amount", "frequency", "monthly_amount"])
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.SCREENING_RUN,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=screening,
        person_id=person.pk,
        detail={"period": period, "rights_found": len(outcome.unclaimed)},
    )
    person_touch(person=person, when=now)
    return screening


def screening_rerun(*, membership: Membership, screening: Screening, period: str | None = None) -> Screening:
    """Screen again with the same answers, under the legislation of ``period`` (the current month by default)."""
    if not screening.answers.get("adults"):
        raise ValidationError("Cette simulation ne peut plus être relancée : ses réponses ont été effacées.")
    answers = HouseholdAnswers.from_json(screening.answers)
    return screening_run(membership=membership, person=screening.person, answers=answers, period=period)


@transaction.atomic
def right_status_update(
    *,
    membership: Membership,
    follow_up: RightFollowUp,
    status: str,
    claimed_on: datetime.date | None = None,
    decided_on: datetime.date | None = None,
    granted_amount: Decimal | None = None,
) -> RightFollowUp:
    """Record where a right stands (à demander, demande en cours, obtenu, refusé, non souhaité), with its dates.

    The claim date defaults to today when the claim is made, the decision date when the answer comes.
    """
    _check_may_screen(membership)
    if follow_up.structure_id != membership.structure_id:
        raise PermissionDenied("Ce suivi n'appartient pas à votre structure.")
    if status not in RightStatus.values:
        raise ValidationError({"status": "Choisissez un état du suivi."})
    today = timezone.localdate()
    errors = {}
    if claimed_on and claimed_on > today:
        errors["claimed_on"] = "La date de la demande ne peut pas être dans le futur."
    if decided_on and decided_on > today:
        errors["decided_on"] = "La date de la réponse ne peut pas être dans le futur."
    if claimed_on and decided_on and decided_on < claimed_on:
        errors["decided_on"] = "La réponse ne peut pas précéder la demande."
    if granted_amount is not None and granted_amount < 0:
        errors["granted_amount"] = "Le montant ne peut pas être négatif."
    if errors:
        raise ValidationError(errors)
    previous = follow_up.status
    if status in {RightStatus.CLAIMED, RightStatus.GRANTED, RightStatus.REFUSED}:
        claimed_on = claimed_on or follow_up.claimed_on or today
    if status in {RightStatus.GRANTED, RightStatus.REFUSED}:
        decided_on = decided_on or follow_up.decided_on or today
    follow_up.status = status
    follow_up.claimed_on = claimed_on
    follow_up.decided_on = decided_on
    follow_up.granted_amount = granted_amount if status == RightStatus.GRANTED else None
    follow_up.status_changed_at = timezone.now()
    follow_up.updated_by = membership.user
    follow_up.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.RIGHT_STATUS_UPDATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=follow_up,
        person_id=follow_up.person_id,
        detail={"benefit": follow_up.benefit, "from": previous, "to": status},
    )
    return follow_up


@transaction.atomic
def caseload_screening_create(
    *, membership: Membership, source: str, csv_text: str = "", filename: str = "", start: bool = True
) -> CaseloadScreening:
    """Record a caseload screening to run in the background, journal it, and start it once committed.

    A CSV file is checked here (header, size) so that the member hears of a wrong file at once; its rows are
    checked one by one during the run. ``start=False`` leaves the job pending for the caller to run (the CLI).
    """
    _check_may_screen(membership)
    if source not in CaseloadSource.values:
        raise ValidationError({"source": "Choisissez les personnes de la structure ou un fichier."})
    if source == CaseloadSource.CSV:
        try:
            rows = read_rows(csv_text)
        except CsvFormatError as exc:
            raise ValidationError({"file": str(exc)}) from exc
        if not rows:
            raise ValidationError({"file": "Le fichier ne contient aucun foyer."})
        if len(rows) > MAX_CSV_ROWS:
            raise ValidationError(
                {"file": f"Le fichier dépasse {MAX_CSV_ROWS:,} foyers : découpez-le.".replace(",", " ")}
            )
    else:
        csv_text, filename = "", ""
    job = CaseloadScreening.objects.create(
        structure=membership.structure,
        created_by=membership.user,
        source=source,
        filename=filename[:200],
        source_csv=csv_text,
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.CASELOAD_SCREENING,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=job,
        detail={"source": source},
    )
    if start:
        transaction.on_commit(partial(launch_caseload_screening, job.pk))
    return job


def launch_caseload_screening(job_id: int) -> None:
    """Start a caseload screening, as set by ``APPUI_RIGHTS_JOB_LAUNCHER``.

    "subprocess" (default): a detached ``manage.py screen_caseload --job <id>`` process, so that the web process
    never forks nor holds a request open; "inline": run now, in this process (tests, one-off scripts);
    "none": leave it pending for a worker started otherwise.
    """
    launcher = getattr(settings, "APPUI_RIGHTS_JOB_LAUNCHER", "subprocess")
    if launcher == "inline":
        caseload_screening_run(job_id=job_id)
    elif launcher == "subprocess":
        log_dir = Path(settings.BASE_DIR) / "var"
        log = (log_dir / "screen_caseload.log").open("ab") if log_dir.is_dir() else subprocess.DEVNULL
        subprocess.Popen(  # noqa: S603 (fixed arguments: this interpreter, manage.py, an integer id)
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "screen_caseload", "--job", str(int(job_id))],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )


def _structure_entries(structure: Structure) -> list[CaseloadEntry]:
    """Return one entry per named person of the structure: the answers of the last screening, or the record."""
    latest: dict[int, dict[str, Any]] = {}
    screenings = Screening.objects.filter(structure=structure).order_by("person_id", "-created_at", "-id")
    for screening in screenings.only("person_id", "answers").iterator(chunk_size=2000):
        latest.setdefault(screening.person_id, screening.answers)
    members: dict[int, list[HouseholdMember]] = {}
    for member in HouseholdMember.objects.filter(household__person__structure=structure).annotate(
        person_id=F("household__person_id")
    ):
        members.setdefault(member.person_id, []).append(member)  # type: ignore[attr-defined]
    today = timezone.localdate()
    entries = []
    persons = Person.objects.filter(structure=structure, is_anonymous=False).order_by("pk")
    for person in persons.iterator(chunk_size=2000):
        if person.pk in latest:
            answers = HouseholdAnswers.from_json(latest[person.pk])
        else:
            answers = answers_from_record(person, members.get(person.pk, []), today=today)
        entries.append(CaseloadEntry(reference=person.file_number, person_id=person.pk, answers=answers))
    return entries


def caseload_screening_run(
    *, job_id: int, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> CaseloadScreening:
    """Run a pending caseload screening: the background job's code path, also called by the CLI and the tests.

    Progress is written as each chunk ends (one small update, committed at once: the page polls it); the
    results, counts and line errors are written together at the end, in one transaction. The uploaded file is
    then emptied. A job runs once: a job that is not pending is returned as it is.
    """
    claimed = CaseloadScreening.objects.filter(pk=job_id, status=CaseloadStatus.PENDING).update(
        status=CaseloadStatus.RUNNING, started_at=timezone.now()
    )
    job = CaseloadScreening.objects.get(pk=job_id)
    if not claimed:
        return job
    try:
        period = current_period()
        engine = get_engine()
        if job.source == CaseloadSource.CSV:
            entries = entries_from_csv(read_rows(job.source_csv))
        else:
            entries = _structure_entries(job.structure)
        CaseloadScreening.objects.filter(pk=job.pk).update(
            total=len(entries), period=period, engine=engine.name, engine_versions=engine.versions()
        )

        def on_progress(done: int) -> None:
            CaseloadScreening.objects.filter(pk=job.pk).update(processed=done)
            if progress:
                progress(done, len(entries))

        outcome = run_caseload(entries, period=period, engine=engine, workers=workers, progress=on_progress)
        _save_outcome(job.pk, outcome)
    except CsvFormatError as exc:
        _fail(job.pk, str(exc))
    except Exception:
        logger.exception("Caseload screening %s failed", job_id)
        _fail(job.pk, "Le repérage n'a pas pu aboutir. Relancez-le ; si l'échec se répète, prévenez l'administrateur.")
    return CaseloadScreening.objects.get(pk=job_id)


def _fail(job_id: int, message: str) -> None:
    CaseloadScreening.objects.filter(pk=job_id).update(
        status=CaseloadStatus.FAILED, failure_message=message[:300], finished_at=timezone.now(), source_csv=""
    )


RESULT_COLUMNS = (
    "job_id",
    "rank",
    "reference",
    "line",
    "person_id",
    "unclaimed_monthly_total",
    "rights",
    "assumptions",
)


def _insert_results(job_id: int, outcome: CaseloadOutcome) -> None:
    """Insert the households found, in batches, with one prepared INSERT executed for many rows.

    A 100,000-household file finds some 90,000 households: ``bulk_create`` spent most of its time building SQL,
    value by value. The encrypted fields still go through their ``get_db_prep_save``, so they are encrypted exactly
    as by the ORM (same key, same associated data); the other values are plain integers, text and decimals.
    """
    fields = {field.attname: field for field in CaseloadResult._meta.concrete_fields}
    encrypt_rights = fields["rights"].get_db_prep_save
    encrypt_assumptions = fields["assumptions"].get_db_prep_save
    quote = connection.ops.quote_name
    # Only quoted identifiers from the model's metadata go into the text; every value is a query parameter.
    sql = (
        f"INSERT INTO {quote(CaseloadResult._meta.db_table)} ({', '.join(quote(c) for c in RESULT_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(RESULT_COLUMNS))})"
    )
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for rank, finding in enumerate(outcome.findings, start=1):
            batch.append(
                [
                    job_id,
                    rank,
                    finding.reference,
                    finding.line,
                    finding.person_id,
                    Decimal(str(finding.monthly_total)),  # both backends adapt a Decimal for a numeric column
                    encrypt_rights(finding.rights, connection),
                    encrypt_assumptions(list(finding.assumptions), connection),
                ]
            )
            if len(batch) == RESULTS_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


@transaction.atomic
def _save_outcome(job_id: int, outcome: CaseloadOutcome) -> None:
    _insert_results(job_id, outcome)
    errors = [{"line": p.line, "reference": p.reference, "message": p.message} for p in outcome.problems]
    CaseloadScreening.objects.filter(pk=job_id).update(
        status=CaseloadStatus.DONE,
        processed=outcome.total,
        with_rights=len(outcome.findings),
        error_count=len(errors),
        errors=errors[:MAX_STORED_ERRORS],
        unclaimed_monthly_total=Decimal(str(outcome.monthly_total)),
        finished_at=timezone.now(),
        duration_seconds=round(outcome.seconds, 3),
        source_csv="",
    )


@transaction.atomic
def caseload_results_export(*, membership: Membership | None, job: CaseloadScreening, fmt: str) -> bytes:
    """Return the households found by a caseload screening as a file ("csv" or "xlsx"), and journal the export.

    ``membership`` is None for an operator on the server's command line: the export is journaled in the name of
    the member who launched the screening.
    """
    if membership is not None:
        _check_may_screen(membership)
        if job.structure_id != membership.structure_id:
            raise PermissionDenied("Ce repérage n'appartient pas à votre structure.")
    if fmt not in {"csv", "xlsx"}:
        raise ValidationError("Format inconnu : csv ou xlsx.")
    results = list(job.results.order_by("rank"))
    rows = [
        exports.result_row(
            rank=r.rank,
            reference=r.reference,
            line=r.line,
            monthly_total=r.unclaimed_monthly_total,
            rights=r.rights,
            assumptions=r.assumptions,
        )
        for r in results
    ]
    actor = membership.user if membership else job.created_by
    audit_record(
        actor=actor,
        structure=job.structure,
        action=AuditAction.EXPORT,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=job,
        detail={"format": fmt, "rows": len(rows)},
    )
    # Each person's own history shows that their result left Appui in a file, as a read of their record does.
    record_caseload_results_read(
        actor=actor, structure=job.structure, purpose=AuditPurpose.ACCOMPANIMENT, results=results, export=True
    )
    if fmt == "xlsx":
        return exports.to_xlsx(rows, exports.result_header())
    return exports.to_csv(rows, exports.result_header()).encode("utf-8")
