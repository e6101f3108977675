"""What the person's right of access exports, and what anonymisation erases, of the rights data.

Registered in the people app's registries (``appui.people.export.EXPORTERS``, ``appui.people.retention.
ANONYMISERS``) when the app is ready: every model linked to a person must have both, or the export and the
anonymisation refuse to run.
"""

from typing import Any

from appui.people.export import exporter, row
from appui.people.models import Person
from appui.people.retention import anonymiser

from .models import CaseloadResult, RightFollowUp, Screening


@exporter("rights.Screening")
def _export_screenings(person: Person) -> list[dict[str, Any]]:
    return [row(s) for s in Screening.objects.filter(person=person).order_by("created_at", "id")]


@exporter("rights.RightFollowUp")
def _export_follow_ups(person: Person) -> list[dict[str, Any]]:
    return [row(f) for f in RightFollowUp.objects.filter(person=person).order_by("benefit")]


@exporter("rights.CaseloadResult")
def _export_caseload_results(person: Person) -> list[dict[str, Any]]:
    return [row(r) for r in CaseloadResult.objects.filter(person=person).order_by("job_id", "position")]


@anonymiser("rights.Screening")
def _anonymise_screenings(person: Person) -> None:
    # The answers and the situation hold birth dates, first names, resources and disability rates: erased. The
    # rights found, their amounts and the legislation date stay for statistics on non-recours.
    Screening.objects.filter(person=person).update(answers={}, situation={})


@anonymiser("rights.RightFollowUp")
def _anonymise_follow_ups(person: Person) -> None:
    """A benefit code, amounts, dates and a status: nothing identifying once the person is anonymous; they stay
    so that the structure keeps counting the euros per month secured."""


@anonymiser("rights.CaseloadResult")
def _anonymise_caseload_results(person: Person) -> None:
    # The assumptions may name members of the household.
    CaseloadResult.objects.filter(person=person).update(assumptions=[])
