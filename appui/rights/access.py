"""The one way in to screenings, right follow-ups and caseload screenings, and who may use them.

Decisions (issue 3):
- Screening results, resources and benefits are situation data: only the roles that may read the situation
  (médiateur, travailleur social, responsable) may run or read them. The accueil and DPO roles answer 403 on
  a person of their own structure, and 404, like everyone, on another structure's objects: an interface
  checks existence with these helpers first, then the role.
- A caseload screening reads the situation of every person of the structure: the same roles.
"""

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction
from appui.audit.services import AuditEntry, audit_record, audit_record_many
from appui.people.access import default_purpose

from .models import (
    CaseloadResult,
    CaseloadScreening,
    CaseloadScreeningQuerySet,
    RightFollowUp,
    RightFollowUpQuerySet,
    Screening,
    ScreeningQuerySet,
)


def can_screen(membership: Membership) -> bool:
    """Return whether the member may run and read screenings (situation data)."""
    return policy.can_view_situation(membership)


def screenings_visible_by(membership: Membership) -> ScreeningQuerySet:
    return Screening.objects.visible_by(membership)


def follow_ups_visible_by(membership: Membership) -> RightFollowUpQuerySet:
    return RightFollowUp.objects.visible_by(membership)


def caseload_screenings_visible_by(membership: Membership) -> CaseloadScreeningQuerySet:
    return CaseloadScreening.objects.visible_by(membership)


def access_screening(*, membership: Membership, pk: int | str, record_read: bool = True) -> Screening:
    """Return the screening ``pk`` if it belongs to the member's structure, and journal the read."""
    try:
        screening = screenings_visible_by(membership).select_related("person", "created_by").get(pk=pk)
    except (Screening.DoesNotExist, ValueError, TypeError):
        raise Http404("Simulation introuvable.") from None
    if record_read:
        record_screening_view(membership=membership, screening=screening)
    return screening


def record_screening_view(*, membership: Membership, screening: Screening) -> None:
    """Journal that the member read a screening (in the current transaction)."""
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.SCREENING_VIEW,
        purpose=default_purpose(membership),
        obj=screening,
        person_id=screening.person_id,
    )


def access_follow_up(*, membership: Membership, pk: int | str) -> RightFollowUp:
    """Return the right follow-up ``pk`` if it belongs to the member's structure."""
    try:
        return follow_ups_visible_by(membership).select_related("person").get(pk=pk)
    except (RightFollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("Suivi introuvable.") from None


def access_caseload_screening(*, membership: Membership, pk: int | str) -> CaseloadScreening:
    """Return the caseload screening ``pk`` if it belongs to the member's structure."""
    try:
        return caseload_screenings_visible_by(membership).get(pk=pk)
    except (CaseloadScreening.DoesNotExist, ValueError, TypeError):
        raise Http404("Repérage introuvable.") from None


def record_caseload_results_read(
    *, actor: Any, structure: Any, purpose: str, results: Iterable[CaseloadResult], export: bool = False
) -> int:
    """Journal, for each result about a person of the structure, that it was read (or exported): one event per
    person, in their history, as for a read of their record. Rows of an imported file name nobody: no event."""
    return audit_record_many(
        actor=actor,
        structure=structure,
        action=AuditAction.CASELOAD_RESULT_EXPORT if export else AuditAction.CASELOAD_RESULT_VIEW,
        purpose=purpose,
        entries=[
            AuditEntry(obj=result, person_id=result.person_id, detail={"caseload_screening": result.job_id})
            for result in results
            if result.person_id is not None
        ],
    )
