"""The one way in to person records. Interfaces never query Person directly.

An object the member may not see raises Http404: its existence is never revealed.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record

from .enums import ExportPartKind, Obstacle
from .models import HouseholdMember, Person, PersonQuerySet, person_visibility

if TYPE_CHECKING:
    from .export_parts import AccessExportPart


def default_purpose(membership: Membership) -> AuditPurpose:
    """Return the purpose recorded for a read, from the reader's role."""
    if policy.can_view_consultation_history(membership) and not policy.can_view_notes(membership):
        return AuditPurpose.DATA_PROTECTION
    return AuditPurpose.ACCOMPANIMENT


def persons_visible_by(membership: Membership) -> PersonQuerySet:
    """Return the persons the member may list."""
    return Person.objects.visible_by(membership)


def member_sees_person(*, user_id: int, structure_id: int, person_id: int) -> bool:
    """Return whether the user, as an active member of the structure, may see the person: a background job that
    writes to a member about a record tells them nothing they could not open in a page."""
    memberships = Membership.objects.active().filter(user_id=user_id, structure_id=structure_id)
    return any(persons_visible_by(membership).filter(pk=person_id).exists() for membership in memberships)


def access_person(*, membership: Membership, pk: int | str, record_read: bool = True) -> Person:
    """Return the person ``pk`` if the member may see it, and journal the read in the current transaction."""
    try:
        person = persons_visible_by(membership).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("Personne introuvable.") from None
    if record_read:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.PERSON_VIEW,
            purpose=default_purpose(membership),
            obj=person,
            person_id=person.pk,
        )
    return person


def access_household_member(*, membership: Membership, pk: int | str) -> HouseholdMember:
    """Return the household member ``pk`` if it belongs to a person the member may see."""
    try:
        return HouseholdMember.objects.select_related("household__person").get(
            person_visibility(membership, "household__person__"), pk=pk
        )
    except (HouseholdMember.DoesNotExist, ValueError, TypeError):
        raise Http404("Membre du foyer introuvable.") from None


def access_export_part(*, membership: Membership, pk: int | str) -> "AccessExportPart":
    """Return the part ``pk`` of an access export if the member keeps the register of requests (responsable,
    DPO) and sees the person, or may produce the part; Http404 otherwise."""
    from .export_parts import AccessExportPart, member_may_complete

    try:
        part = (
            AccessExportPart.objects.of_structure(membership.structure_id)
            .select_related("request__person", "request__structure", "author", "completed_by")
            .get(pk=pk)
        )
    except (AccessExportPart.DoesNotExist, ValueError, TypeError):
        raise Http404("Partie introuvable.") from None
    keeper = policy.can_view_consultation_history(membership) and (
        persons_visible_by(membership).filter(pk=part.request.person_id).exists()
    )
    if part.kind == ExportPartKind.READABLE or not (keeper or member_may_complete(membership, part)):
        raise Http404("Partie introuvable.")
    return part


@dataclass(frozen=True)
class PersonView:
    """What one reader may see of a person; situation fields are None when the role may not read them."""

    person: Person
    show_situation: bool
    family_situation: str | None
    housing_status: str | None
    employment_status: str | None
    obstacles: list[str] | None
    situation_details: str | None

    @property
    def obstacle_labels(self) -> list[str]:
        return [Obstacle(code).label for code in self.obstacles or [] if code in Obstacle.values]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.person, name)

    def __str__(self) -> str:
        return str(self.person)


def present_person(membership: Membership, person: Person) -> PersonView:
    """Return the person as the member may see it."""
    show = policy.can_view_situation(membership)
    return PersonView(
        person=person,
        show_situation=show,
        family_situation=person.family_situation if show else None,
        housing_status=person.housing_status if show else None,
        employment_status=person.employment_status if show else None,
        obstacles=list(person.obstacles) if show else None,
        situation_details=person.situation_details if show else None,
    )
