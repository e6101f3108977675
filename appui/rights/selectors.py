"""Named reads of screenings, follow-ups and caseload results."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from appui.accounts.models import Membership, Structure
from appui.people.models import Person

from .certainty import INPUTS, REASONS, TO_COMPLETE
from .enums import CaseloadStatus, RightStatus
from .models import CaseloadResult, CaseloadScreening, RightFollowUp, RightFollowUpQuerySet, Screening


def latest_screening(person: Person) -> Screening | None:
    """Return the person's last screening, or None."""
    return Screening.objects.for_person(person.pk).latest_first().select_related("created_by").first()


def person_screenings(person: Person) -> QuerySet[Screening]:
    return Screening.objects.for_person(person.pk).latest_first().select_related("created_by")


def person_follow_ups(person: Person) -> list[RightFollowUp]:
    return list(RightFollowUp.objects.for_person(person.pk).order_by("benefit"))


def claim_reminders_due(membership: Membership, by: datetime.date) -> RightFollowUpQuerySet:
    """Return the member's open right follow-ups whose reminder date has come by ``by`` ("Ma journée").

    The member's own: those they last updated (who recorded the claim follows it), of the persons they may see.
    """
    return (
        RightFollowUp.objects.visible_by(membership)
        .filter(updated_by_id=membership.user_id)
        .reminders_due(by)
        .select_related("person")
    )


@dataclass(frozen=True)
class SecuredSummary:
    """What the structure's follow-ups add up to: euros per month actually secured, and where the rest stands."""

    counts: dict[str, int]
    secured_monthly: Decimal
    pending_monthly: Decimal
    persons_helped: int

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


def secured_summary(structure: Structure) -> SecuredSummary:
    """Return the follow-up counts by status and the euros per month obtained (granted) by the structure."""
    follow_ups = RightFollowUp.objects.filter(structure=structure)
    counts = {row["status"]: row["n"] for row in follow_ups.values("status").annotate(n=Count("id"))}
    secured = sum((f.secured_monthly_amount for f in follow_ups.granted()), Decimal("0.00"))
    pending = sum(
        (f.monthly_amount for f in follow_ups.filter(status__in=[RightStatus.TO_CLAIM, RightStatus.CLAIMED])),
        Decimal("0.00"),
    )
    helped = follow_ups.granted().values("person_id").distinct().count()
    return SecuredSummary(counts=counts, secured_monthly=secured, pending_monthly=pending, persons_helped=helped)


RANKING = ("certainty", "-unclaimed_monthly_total", "-to_verify_monthly_total", "position")


def _results_visible(job: CaseloadScreening, membership: Membership | None) -> QuerySet[CaseloadResult]:
    """The households of a job the member may see: the rows of an imported file (they name nobody in the
    records) and the persons the member may see. ``membership`` is None for an operator on the server's command
    line: every household."""
    from appui.people.models import person_visibility

    results = job.results.all()
    if membership is not None:
        results = results.filter(Q(person__isnull=True) | person_visibility(membership, "person__"))
    return results


def caseload_results(job: CaseloadScreening, *, membership: Membership | None) -> QuerySet[CaseloadResult]:
    """Return every household kept by a job: probable first, then à vérifier, then to complete; by amount."""
    return _results_visible(job, membership).order_by(*RANKING)


def caseload_ranked_results(job: CaseloadScreening, *, membership: Membership | None) -> QuerySet[CaseloadResult]:
    """Return the households assessed with rights found, by certainty then monthly amount."""
    return _results_visible(job, membership).exclude(certainty=TO_COMPLETE).order_by(*RANKING)


def caseload_to_complete(job: CaseloadScreening, *, membership: Membership | None) -> QuerySet[CaseloadResult]:
    """Return the households the job could not assess ("informations à compléter"), in caseload order."""
    return _results_visible(job, membership).filter(certainty=TO_COMPLETE).order_by("position")


def to_complete_reasons(job: CaseloadScreening) -> list[tuple[str, int]]:
    """Return why households could not be assessed: (missing input in French, number of households)."""
    return [
        (REASONS.get(code) or INPUTS.get(code, code), count) for code, count in (job.to_complete_reasons or {}).items()
    ]


def caseload_waiting_reason(job: CaseloadScreening) -> str:
    """Return, in French, why a job is waiting or stalled; an empty string when it is moving on normally.

    The page tells the truth: no worker running, or the structure's other jobs going first.
    """
    from django.conf import settings

    from appui.runtime.selectors import live_workers

    if job.is_finished:
        return ""
    if not live_workers().exists():
        if job.status == CaseloadStatus.RUNNING:
            return (
                "Le calcul est interrompu : aucun processus de calcul n'est actif en ce moment. Il reprendra où il "
                "en était dès qu'un processus redémarrera. Si cela dure, prévenez l'administrateur."
            )
        return (
            "Aucun processus de calcul n'est actif en ce moment : le repérage commencera dès qu'un processus "
            "démarrera. Si cela dure, prévenez l'administrateur."
        )
    if job.status == CaseloadStatus.PENDING:
        running = CaseloadScreening.objects.filter(structure_id=job.structure_id, status=CaseloadStatus.RUNNING)
        if running.count() >= settings.APPUI_CASELOAD_MAX_RUNNING:
            limit = settings.APPUI_CASELOAD_MAX_RUNNING
            return (
                f"Un autre repérage de votre structure est en cours ({limit} à la fois au plus) : "
                "celui-ci commencera dès qu'il sera terminé."
            )
    return ""


def recent_caseload_screenings(structure: Structure, limit: int = 10) -> list[CaseloadScreening]:
    return list(CaseloadScreening.objects.filter(structure=structure).select_related("created_by")[:limit])
