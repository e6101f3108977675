"""What the person's right of access exports, and what anonymisation erases, of the referrals.

Registered in the people app's registries when the app is ready: every model linked to a person must have
both, or the export and the anonymisation refuse to run.
"""

from typing import Any

from appui.people.export import exporter, row
from appui.people.models import Person
from appui.people.retention import anonymiser

from .models import Referral


@exporter("orientations.Referral")
def _export_referrals(person: Person) -> list[dict[str, Any]]:
    return [
        row(referral) | {"lieu": str(referral.place), "structure destinataire": str(referral.target_structure or "")}
        for referral in Referral.objects.filter(person=person).select_related("place", "target_structure")
    ]


@anonymiser("orientations.Referral")
def _anonymise_referrals(person: Person) -> None:
    # What was written about the person and what was shared with the partner goes (the receiving structure
    # loses it too); the place, dates, kind and status stay for activity statistics.
    Referral.objects.filter(person=person).update(
        reason="", shared_data={}, documents_to_bring="", contact_name="", response_message=""
    )
