"""Who reads an export: a member, through exactly the rules of the pages, or nobody (a part sealed for the person).

``MemberReader`` answers "may this member read this?" with the access helpers and presenters the pages use
(``present_person``, ``present_accompaniment``, ``can_read_notes``, the diagnostics, documents and rights rules,
the ``visible_by`` querysets), so an export never shows a member more than Appui does.
"""

from functools import cached_property
from typing import Any

from django.db import models

from appui.accounts.models import Membership

from .enums import ExportPartKind
from .models import Person


class MemberReader:
    """A member of the person's structure reading the export with their own rights."""

    def __init__(self, membership: Membership, person: Person) -> None:
        self.membership = membership
        self.person = person

    def person_view(self, person: Person) -> Any:
        from .access import present_person

        return present_person(self.membership, person)

    def accompaniment_view(self, accompaniment: models.Model) -> Any:
        from appui.accompaniments.access import present_accompaniment

        return present_accompaniment(self.membership, accompaniment)  # type: ignore[arg-type]

    def sees(self, kind: str, obj: models.Model) -> bool:
        """Return whether the member may read the data of ``kind`` held in ``obj``."""
        from appui.accompaniments.access import can_read_notes, can_read_private_note

        member = self.membership
        if kind == ExportPartKind.SITUATION:
            return bool(self.person_view(self.person).show_situation)
        if kind in {ExportPartKind.NOTES, ExportPartKind.SECRET_NOTES}:
            return obj.pk in self._accompaniments and can_read_notes(member, obj)  # type: ignore[arg-type]
        if kind == ExportPartKind.PRIVATE_NOTES:
            return obj.pk in self._accompaniments and can_read_private_note(member, obj)  # type: ignore[arg-type]
        if kind == ExportPartKind.DIAGNOSTICS:
            return obj.pk in self._diagnostics
        if kind == ExportPartKind.DOCUMENTS:
            return obj.pk in self._documents
        if kind == ExportPartKind.RIGHTS:
            return (obj._meta.label, obj.pk) in self._rights
        if kind == ExportPartKind.REFERRALS:
            return obj.pk in self._referrals
        raise ValueError(f"Unknown export part kind: {kind}")

    @cached_property
    def _accompaniments(self) -> set[int]:
        from appui.accompaniments.access import accompaniments_visible_by

        return set(accompaniments_visible_by(self.membership).for_person(self.person.pk).values_list("pk", flat=True))

    @cached_property
    def _referrals(self) -> set[int]:
        from appui.orientations.access import can_orient, referrals_visible_by

        if not can_orient(self.membership):
            return set()
        return set(referrals_visible_by(self.membership).filter(person_id=self.person.pk).values_list("pk", flat=True))

    @cached_property
    def _diagnostics(self) -> set[int]:
        from appui.diagnostics.access import can_view_diagnostics, can_view_obstacles, diagnostics_visible_by

        # The obstacle answers are situation data: a diagnostic goes whole to a member who may read both.
        if not (can_view_diagnostics(self.membership) and can_view_obstacles(self.membership)):
            return set()
        return set(diagnostics_visible_by(self.membership).for_person(self.person.pk).values_list("pk", flat=True))

    @cached_property
    def _documents(self) -> set[int]:
        from appui.documents.access import documents_visible_by

        return set(documents_visible_by(self.membership).filter(person_id=self.person.pk).values_list("pk", flat=True))

    @cached_property
    def _rights(self) -> set[tuple[str, int]]:
        from appui.rights.access import (
            can_screen,
            caseload_screenings_visible_by,
            follow_ups_visible_by,
            screenings_visible_by,
        )
        from appui.rights.models import CaseloadResult

        if not can_screen(self.membership):
            return set()
        person_id = self.person.pk
        visible = {
            ("rights.Screening", pk)
            for pk in screenings_visible_by(self.membership).for_person(person_id).values_list("pk", flat=True)
        }
        visible |= {
            ("rights.RightFollowUp", pk)
            for pk in follow_ups_visible_by(self.membership).for_person(person_id).values_list("pk", flat=True)
        }
        jobs = caseload_screenings_visible_by(self.membership)
        visible |= {
            ("rights.CaseloadResult", pk)
            for pk in CaseloadResult.objects.filter(person_id=person_id, job__in=jobs).values_list("pk", flat=True)
        }
        return visible


class SealedReader:
    """Nobody: the part is written for the person alone, into a PDF only their passphrase opens."""

    def __init__(self, person: Person) -> None:
        self.person = person

    def person_view(self, person: Person) -> Any:
        from .access import PersonView

        return PersonView(
            person=person,
            show_situation=True,
            family_situation=person.family_situation,
            housing_status=person.housing_status,
            employment_status=person.employment_status,
            obstacles=list(person.obstacles),
            situation_details=person.situation_details,
        )

    def accompaniment_view(self, accompaniment: models.Model) -> Any:
        from appui.accompaniments.access import AccompanimentView

        return AccompanimentView(
            accompaniment=accompaniment,  # type: ignore[arg-type]
            notes=accompaniment.notes,  # type: ignore[attr-defined]
            outcome=accompaniment.outcome,  # type: ignore[attr-defined]
            next_step=accompaniment.next_step,  # type: ignore[attr-defined]
            private_note=accompaniment.private_note,  # type: ignore[attr-defined]
        )

    def sees(self, kind: str, obj: models.Model) -> bool:
        return True
