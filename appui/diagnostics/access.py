"""The one way in to diagnostics, and who may run or read them.

Decisions (issue 5):
- Every role that records accompaniments may run a diagnostic, the accueil role included: digital skills are
  not the social situation, and a first digital check at the front desk is a common France Services practice
  that orients the person to the right help. The DPO may neither run nor read diagnostics: the DPO controls
  the processing (the consultation history), not the content.
- The answers to the obstacle questions (equipment, connection, reading, language or disability) are situation
  data, like ``Person.obstacles``: only the roles that may read the situation see them once recorded, and the
  accueil role does not ask them in the worker form. A person answering alone in "mode personne" answers
  them (or declines to) for herself.
- A diagnostic of another structure answers 404, like any record the member may not see.
"""

from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction
from appui.audit.services import audit_record
from appui.people.access import default_purpose
from appui.people.models import Person

from .models import Diagnostic, DiagnosticQuerySet


def can_run_diagnostic(membership: Membership) -> bool:
    """Return whether the member may run a diagnostic (every role that records accompaniments)."""
    return policy.can_record_accompaniment(membership)


def can_view_diagnostics(membership: Membership) -> bool:
    """Return whether the member may read diagnostic results (the same roles: not the DPO)."""
    return policy.can_record_accompaniment(membership)


def can_view_obstacles(membership: Membership) -> bool:
    """Return whether the member may read the obstacle answers (situation data)."""
    return policy.can_view_situation(membership)


def diagnostics_visible_by(membership: Membership) -> DiagnosticQuerySet:
    """Return the diagnostics the member may list."""
    return Diagnostic.objects.visible_by(membership)


def access_diagnostic(*, membership: Membership, pk: int | str, record_read: bool = True) -> Diagnostic:
    """Return the diagnostic ``pk`` if it belongs to the member's structure, and journal the read."""
    try:
        diagnostic = diagnostics_visible_by(membership).select_related("person", "author").get(pk=pk)
    except (Diagnostic.DoesNotExist, ValueError, TypeError):
        raise Http404("Diagnostic introuvable.") from None
    if record_read:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.DIAGNOSTIC_VIEW,
            purpose=default_purpose(membership),
            obj=diagnostic,
            person_id=diagnostic.person_id,
        )
    return diagnostic


def person_diagnostics(*, membership: Membership, person: Person) -> list[Diagnostic]:
    """Return the person's diagnostics, oldest first, and journal that they were read (one event)."""
    diagnostics = list(
        diagnostics_visible_by(membership).for_person(person.pk).chronological().select_related("author")
    )
    if diagnostics:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.DIAGNOSTIC_VIEW,
            purpose=default_purpose(membership),
            person_id=person.pk,
            detail={"diagnostics": [d.pk for d in diagnostics]},
        )
    return diagnostics
