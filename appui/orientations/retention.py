"""What the person's right of access exports, and what anonymisation erases, of the referrals.

Registered in the people app's registries when the app is ready: every model linked to a person must have
both, or the export and the anonymisation refuse to run. A referral is read by the members who may orient (every
role but the DPO); the right it came from is read only by those who read rights.
"""

from django.utils import timezone

from appui.core.dates import french_date
from appui.people.enums import ExportPartKind
from appui.people.export import Entry, ExportContext, Record, Theme, choice, exporter
from appui.people.models import Person
from appui.people.retention import anonymiser

from .enums import SharedField
from .models import Referral


@exporter("orientations.Referral", theme=Theme.REFERRALS)
def _export_referrals(ctx: ExportContext) -> list[Record]:
    records = []
    referrals = (
        Referral.objects.filter(person_id=ctx.person.pk)
        .select_related("place", "target_structure", "right_follow_up")
        .order_by("created_at", "id")
    )
    for referral in referrals:
        if not ctx.include(ExportPartKind.REFERRALS, referral):
            continue
        shared = [SharedField(code).label for code in referral.shared_fields if code in SharedField.values]
        entries = [
            Entry("created_at", "Orientation du", referral.created_at),
            Entry("place", "Lieu", str(referral.place)),
            Entry("target_structure", "Structure qui vous reçoit", str(referral.target_structure or "") or None),
            choice("target_kind", "Type de lieu", referral.target_kind, referral.get_target_kind_display()),
            Entry("reason", "Pourquoi", referral.reason or None),
            choice("consent_mode", "Votre accord", referral.consent_mode, referral.get_consent_mode_display()),
            Entry("consented_at", "Accord donné le", referral.consented_at),
            Entry(
                "shared_fields",
                "Informations que vous avez accepté de partager",
                shared or None,
                ", ".join(shared) or None,
            ),
            Entry("shared_data", "Valeurs partagées", referral.shared_data or None),
            Entry("appointment_at", "Rendez-vous", referral.appointment_at),
            Entry("contact_name", "Personne à demander sur place", referral.contact_name or None),
            Entry("documents_to_bring", "Documents à apporter", referral.documents_to_bring or None),
            Entry("follow_up_on", "Date de suivi", referral.follow_up_on),
            choice("status", "Où en est l'orientation", referral.status, referral.get_status_display()),
            choice("refusal_reason", "Motif du refus", referral.refusal_reason, referral.get_refusal_reason_display()),
            Entry("response_message", "Réponse du lieu", referral.response_message or None),
        ]
        # The benefit a referral came from is rights data: only a reader of rights adds it.
        follow_up = referral.right_follow_up
        if follow_up is not None and ctx.include(ExportPartKind.RIGHTS, follow_up):
            entries.append(choice("benefit", "Droit concerné", follow_up.benefit, follow_up.get_benefit_display()))
        records.append(
            Record(
                "referral",
                f"Orientation du {french_date(timezone.localtime(referral.created_at).date())}",
                tuple(entries),
            )
        )
    return records


@anonymiser("orientations.Referral")
def _anonymise_referrals(person: Person) -> None:
    # What was written about the person and what was shared with the partner goes (the receiving structure
    # loses it too); the place, dates, kind and status stay for activity statistics.
    Referral.objects.filter(person=person).update(
        reason="", shared_data={}, documents_to_bring="", contact_name="", response_message=""
    )
