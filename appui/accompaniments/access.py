"""The one way in to accompaniments, and what each reader may see of them."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction
from appui.audit.services import audit_record
from appui.people.access import default_purpose

from .models import Accompaniment, AccompanimentQuerySet, Participation, ParticipationQuerySet


def accompaniments_visible_by(membership: Membership) -> AccompanimentQuerySet:
    """Return the accompaniments the member may list."""
    return Accompaniment.objects.visible_by(membership)


def participants_visible_by(membership: Membership, accompaniment: Accompaniment) -> ParticipationQuerySet:
    """Return the participations of an activity the member may see: anonymous ones, and visible persons'."""
    from appui.people.access import persons_visible_by

    return (
        Participation.objects.filter(accompaniment=accompaniment)
        .filter(Q(person__isnull=True) | Q(person__in=persons_visible_by(membership)))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )


def access_accompaniment(*, membership: Membership, pk: int | str, record_read: bool = True) -> Accompaniment:
    """Return the accompaniment ``pk`` if the member may see it, and journal the read."""
    try:
        accompaniment = accompaniments_visible_by(membership).select_related("person", "author").get(pk=pk)
    except (Accompaniment.DoesNotExist, ValueError, TypeError):
        raise Http404("Accompagnement introuvable.") from None
    if record_read:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.ACCOMPANIMENT_VIEW,
            purpose=default_purpose(membership),
            obj=accompaniment,
            person_id=accompaniment.person_id,
        )
    return accompaniment


def can_read_notes(membership: Membership, accompaniment: Accompaniment) -> bool:
    """Return whether the member may read the notes, outcome and next step of this accompaniment."""
    if not policy.can_view_notes(membership):
        return False
    if accompaniment.notes_under_secrecy and not membership.bound_by_secrecy:
        return False
    return True


def can_read_private_note(membership: Membership, accompaniment: Accompaniment) -> bool:
    """Return whether the member may read the private note: its author only."""
    return accompaniment.author_id == membership.user_id


@dataclass(frozen=True)
class AccompanimentView:
    """What one reader may see of an accompaniment; hidden fields are None, never the real value."""

    accompaniment: Accompaniment
    notes: str | None
    outcome: str | None
    next_step: str | None
    private_note: str | None

    @property
    def mandate_id(self) -> int | None:
        use = getattr(self.accompaniment, "mandate_use", None)
        return use.mandate_id if use is not None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.accompaniment, name)

    def __str__(self) -> str:
        return str(self.accompaniment)


def present_accompaniment(membership: Membership, accompaniment: Accompaniment) -> AccompanimentView:
    """Return the accompaniment as the member may see it."""
    notes_ok = can_read_notes(membership, accompaniment)
    return AccompanimentView(
        accompaniment=accompaniment,
        notes=accompaniment.notes if notes_ok else None,
        outcome=accompaniment.outcome if notes_ok else None,
        next_step=accompaniment.next_step if notes_ok else None,
        private_note=accompaniment.private_note if can_read_private_note(membership, accompaniment) else None,
    )
