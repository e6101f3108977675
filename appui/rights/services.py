"""The only writers of screenings, right follow-ups and caseload screenings."""

import datetime
import logging
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.fields import ROW_UID
from appui.people.models import HouseholdMember, Person
from appui.people.services import person_touch

from . import exports, jobs
from .access import can_screen, record_caseload_results_read
from .caseload import CaseloadEntry
from .csv_format import CsvFormatError, CsvRow, read_rows
from .engine import EngineError
from .enums import CaseloadSource, CaseloadStatus, RightStatus
from .models import OPEN_STATUSES, CaseloadScreening, RightFollowUp, Screening
from .screening import PERIOD_ERROR, current_period, is_period, screen
from .selectors import caseload_results
from .situation import HouseholdAnswers, answers_from_record
from .tasks import start_caseload_screening

logger = logging.getLogger(__name__)

MAX_CSV_ROWS = 200_000

# Without an answer two months after a claim, the administration's silence usually stands for a decision
# (Code des relations entre le public et l'administration, art. L231-1 and L231-4): a reminder after 30 days
# leaves time to ask where the claim stands, and to complete it, before that.
CLAIM_REMINDER_DAYS = 30


def _check_may_screen(membership: Membership) -> None:
    if not can_screen(membership):
        raise PermissionDenied("Votre rôle ne permet pas de simuler les droits (données de situation).")


@transaction.atomic
def screening_run(
    *, membership: Membership, person: Person, answers: HouseholdAnswers, period: str | None = None
) -> Screening:
    """Screen the person's household, save the screening (inputs, engine versions, legislation date) and journal it.

    Each probable right found and not already received gets a follow-up ("à demander"); a right found again keeps
    its follow-up status, with the new estimate. A right "à vérifier" gets none until the missing inputs are given:
    its amount rests on an assumption and would be counted in the euros still to claim.
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
        if not right.is_probable:
            continue
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
    reminder_on: datetime.date | None = None,
) -> RightFollowUp:
    """Record where a right stands (à demander, demande en cours, obtenu, refusé, non souhaité), with its dates.

    The claim date defaults to today when the claim is made, the decision date when the answer comes. A claim in
    progress always has a reminder date: the one chosen, or ``CLAIM_REMINDER_DAYS`` after the claim (not before
    today). A right still to claim keeps the reminder chosen, if any; a closed follow-up (obtenu, refusé, non
    souhaité) has none. A new reminder date cannot be in the past; the one already recorded may stay.
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
    if reminder_on and reminder_on < today and reminder_on != follow_up.reminder_on:
        errors["reminder_on"] = "La date de relance ne peut pas être passée."
    elif reminder_on and reminder_on > today + datetime.timedelta(days=366):
        errors["reminder_on"] = "Choisissez une date de relance dans l'année qui vient."
    if errors:
        raise ValidationError(errors)
    previous = follow_up.status
    if status in {RightStatus.CLAIMED, RightStatus.GRANTED, RightStatus.REFUSED}:
        claimed_on = claimed_on or follow_up.claimed_on or today
    if status in {RightStatus.GRANTED, RightStatus.REFUSED}:
        decided_on = decided_on or follow_up.decided_on or today
    follow_up.reminder_on = _reminder(
        follow_up=follow_up, status=status, chosen=reminder_on, claimed_on=claimed_on, today=today
    )
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
        detail={
            "benefit": follow_up.benefit,
            "from": previous,
            "to": status,
            "reminder_on": follow_up.reminder_on.isoformat() if follow_up.reminder_on else None,
        },
    )
    return follow_up


def _reminder(
    *,
    follow_up: RightFollowUp,
    status: str,
    chosen: datetime.date | None,
    claimed_on: datetime.date | None,
    today: datetime.date,
) -> datetime.date | None:
    """Return the reminder date the follow-up keeps once its status is ``status`` (before it is saved).

    The form sends back the date it showed: when the status changes, that unchanged date belongs to the old status
    and a claim gets its default instead. A claim saved again past its reminder gets a new one: saving it is news.
    """
    if status not in OPEN_STATUSES:
        return None
    if status != RightStatus.CLAIMED:
        return chosen
    unchanged = chosen == follow_up.reminder_on
    if chosen and not (unchanged and follow_up.status != status) and chosen >= today:
        return chosen
    return max((claimed_on or today) + datetime.timedelta(days=CLAIM_REMINDER_DAYS), today)


@transaction.atomic
def caseload_screening_create(
    *,
    membership: Membership,
    source: str,
    csv_text: str = "",
    filename: str = "",
    period: str | None = None,
    start: bool = True,
) -> CaseloadScreening:
    """Record a caseload screening to run in the background, journal it, and start it once committed.

    A CSV file is checked here (header, size) so that the member hears of a wrong file at once, and cut into its
    chunks, encrypted, in this transaction (the file itself is not kept); its rows are checked one by one during
    the run. ``period`` ("YYYY-MM") is the month whose legislation is applied, as for
    one household; by default the current month when the job starts. ``start=False`` leaves the job pending for
    the caller to run (the CLI).
    """
    _check_may_screen(membership)
    if source not in CaseloadSource.values:
        raise ValidationError({"source": "Choisissez les personnes de la structure ou un fichier."})
    if period and not is_period(period):
        raise ValidationError({"period": PERIOD_ERROR})
    rows: list[CsvRow] = []
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
        filename = ""
    job = CaseloadScreening.objects.create(
        structure=membership.structure,
        created_by=membership.user,
        source=source,
        filename=filename[:200],
        period=period or "",
        total=len(rows),
    )
    if rows:
        # The file is read once, here, and kept only as its chunks, encrypted: the file itself is not stored.
        jobs.caseload_chunks_create(job=job, entries=rows)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.CASELOAD_SCREENING,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=job,
        detail={"source": source, **({"period": period} if period else {})},
    )
    if start:
        # Queued in this transaction (the queue is in the same database): the job and its task exist together.
        start_caseload_screening.enqueue(job.pk)
    return job


@transaction.atomic
def caseload_screening_relaunch(*, membership: Membership, job: CaseloadScreening) -> CaseloadScreening:
    """Put a failed caseload screening back in the queue; the chunks already done are kept, not redone."""
    _check_may_screen(membership)
    if job.structure_id != membership.structure_id:
        raise PermissionDenied("Ce repérage n'appartient pas à votre structure.")
    job.refresh_from_db()
    if job.status != CaseloadStatus.FAILED:
        raise ValidationError("Seul un repérage échoué peut être relancé.")
    if not job.can_relaunch:
        raise ValidationError(
            "Ce repérage ne peut plus être relancé : ses données ont été effacées. Lancez un nouveau repérage."
        )
    if not jobs.caseload_job_relaunch(job=job):
        raise ValidationError("Ce repérage a changé d'état entre-temps : rechargez la page.")
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.CASELOAD_SCREENING,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=job,
        detail={"source": job.source, "relaunch": True},
    )
    job.refresh_from_db()
    return job


def _structure_entries(membership: Membership) -> list[CaseloadEntry]:
    """Return one entry per named person the member may reach: the answers of the last screening, or the record.

    The persons are those the member sees in the pages (``Person.objects.visible_by``): no archived record.
    """
    structure = membership.structure
    latest: dict[int, dict[str, Any]] = {}
    screenings = Screening.objects.filter(structure=structure).order_by("person_id", "-created_at", "-id")
    for screening in screenings.only("person_id", "answers", ROW_UID).iterator(chunk_size=2000):
        latest.setdefault(screening.person_id, screening.answers)
    members: dict[int, list[HouseholdMember]] = {}
    for member in HouseholdMember.objects.filter(household__person__structure=structure).annotate(
        person_id=F("household__person_id")
    ):
        members.setdefault(member.person_id, []).append(member)  # type: ignore[attr-defined]
    today = timezone.localdate()
    entries = []
    persons = Person.objects.visible_by(membership).named().order_by("pk")
    for person in persons.iterator(chunk_size=2000):
        if person.pk in latest:
            answers = HouseholdAnswers.from_json(latest[person.pk])
        else:
            answers = answers_from_record(person, members.get(person.pk, []), today=today)
        entries.append(CaseloadEntry(reference=person.file_number, person_id=person.pk, answers=answers))
    return entries


def caseload_screening_run(*, job_id: int, progress: Callable[[int, int], None] | None = None) -> CaseloadScreening:
    """Run a pending caseload screening in this process, chunk after chunk (the command line, tests).

    The same code as the workers' (``appui.rights.jobs``), without the queue. A job that is not pending, or whose
    structure already runs as many jobs as allowed, is returned as it is.
    """
    jobs.caseload_job_run_here(job_id=job_id, worker_id=f"cli-{os.getpid()}", progress=progress)
    return CaseloadScreening.objects.get(pk=job_id)


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
    results = list(caseload_results(job, membership=membership))
    rows = [
        exports.result_row(
            rank=rank,
            reference=r.reference,
            line=r.line,
            certainty=r.certainty,
            monthly_total=r.unclaimed_monthly_total,
            to_verify_total=r.to_verify_monthly_total,
            rights=r.rights,
            to_verify=r.to_verify_benefits,
            missing=r.missing_labels,
            assumptions=r.assumptions,
        )
        for rank, r in enumerate(results, start=1)
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
