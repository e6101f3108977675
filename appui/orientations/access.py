"""The ways in to referrals: the sender's (the whole record, following the person's visibility) and the
receiver's (only what the person agreed to share).

Decisions (see docs/orientations.md):
- Every role that records accompaniments orients people, the accueil role included (orienting is a front-desk
  task); the DPO does not. A referral follows its person: archived persons' referrals are read by no one but
  the DPO, who does not read referrals (403), like diagnostics.
- A referral from a found right names a benefit (situation data): only the roles that read the situation see
  which right it was, and only they may orient from a right.
- The receiving structure (the place is one of its own) sees, in its inbox, the place, the dates, the sending
  structure and member, and the shared fields copied at consent — never the person's record. Its reads and
  answers are journaled with the person's id, so the sender's DPO sees them in the consultation history.
- Anything the member may not reach answers 404.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction
from appui.audit.services import audit_record
from appui.people.access import default_purpose

from .enums import SharedField
from .models import Referral, ReferralQuerySet


def can_orient(membership: Membership) -> bool:
    """Return whether the member may orient persons and follow the referrals (every role but the DPO)."""
    return policy.can_record_accompaniment(membership)


def can_answer_referrals(membership: Membership) -> bool:
    """Return whether the member may read and answer the referrals received by the structure."""
    return policy.can_record_accompaniment(membership)


def referrals_visible_by(membership: Membership) -> ReferralQuerySet:
    """Return the referrals sent by the member's structure for persons the member may see."""
    return Referral.objects.visible_by(membership)


def referrals_received_by(membership: Membership) -> ReferralQuerySet:
    """Return the referrals addressed to the member's structure."""
    return Referral.objects.received_by(membership)


def access_referral(*, membership: Membership, pk: int | str, record_read: bool = True) -> Referral:
    """Return the referral ``pk`` sent by the member's structure, and journal the read; or raise Http404."""
    try:
        referral = (
            referrals_visible_by(membership)
            .select_related("person", "place", "place_service", "created_by", "target_structure", "answered_by")
            .get(pk=pk)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("Orientation introuvable.") from None
    if record_read:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.REFERRAL_VIEW,
            purpose=default_purpose(membership),
            obj=referral,
            person_id=referral.person_id,
        )
    return referral


@dataclass(frozen=True)
class ReceivedReferral:
    """What the receiving structure sees of a referral: the shared fields, never the person's record."""

    pk: int
    created_at: datetime.datetime
    sender_structure: str
    sender_name: str
    sender_email: str
    place: Any
    place_service: Any
    target_kind_label: str
    shared_fields: list[str]
    shared: dict[str, Any]
    appointment_at: datetime.datetime | None
    status: str
    status_label: str
    status_changed_at: datetime.datetime
    refusal_reason: str
    refusal_reason_label: str
    response_message: str
    is_open: bool

    @property
    def person_label(self) -> str:
        identity = self.shared.get(SharedField.IDENTITY)
        if identity:
            return f"{identity['first_name']} {identity['last_name'].upper()}".strip()
        return "Personne (nom non partagé)"

    @property
    def shared_items(self) -> list[tuple[str, str]]:
        """Return (label, text) of each shared field, in the order of the form."""
        return shared_items(self.shared_fields, self.shared)


def shared_text(code: str, value: Any) -> str:
    """Return a shared value as the partner reads it."""
    if code == SharedField.IDENTITY and isinstance(value, dict):
        return f"{value.get('first_name', '')} {value.get('last_name', '').upper()}".strip()
    if code == SharedField.DIGITAL and isinstance(value, dict):
        workshops = value.get("workshops") or []
        return value.get("level", "") + (f" ; ateliers conseillés : {', '.join(workshops)}" if workshops else "")
    if code == SharedField.BIRTH_DATE and value and len(str(value)) == 10:
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value or "—")


def shared_items(fields: list[str], data: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, text) of the shared fields present in ``data``, in the order of the form."""
    return [
        (SharedField(code).label, shared_text(code, data[code]))
        for code in SharedField.values
        if code in fields and code in data
    ]


def present_received(referral: Referral, *, hide_right: bool = False) -> ReceivedReferral:
    """Return the receiver's view of a referral (``hide_right``: for a sender's role that may not see rights)."""
    shared = dict(referral.shared_data)
    shared_fields = list(referral.shared_fields)
    if hide_right:
        shared.pop(SharedField.RIGHT, None)
        shared_fields = [code for code in shared_fields if code != SharedField.RIGHT]
    return ReceivedReferral(
        pk=referral.pk,
        created_at=referral.created_at,
        sender_structure=referral.structure.name,
        sender_name=referral.created_by.get_full_name(),
        sender_email=referral.created_by.email,
        place=referral.place,
        place_service=referral.place_service,
        target_kind_label=referral.get_target_kind_display(),
        shared_fields=shared_fields,
        shared=shared,
        appointment_at=referral.appointment_at,
        status=referral.status,
        status_label=referral.get_status_display(),
        status_changed_at=referral.status_changed_at,
        refusal_reason=referral.refusal_reason,
        refusal_reason_label=referral.get_refusal_reason_display() if referral.refusal_reason else "",
        response_message=referral.response_message,
        is_open=referral.is_open,
    )


def access_received_referral(*, membership: Membership, pk: int | str, record_read: bool = True) -> Referral:
    """Return a referral addressed to the member's structure (present it with ``present_received``)."""
    try:
        referral = (
            referrals_received_by(membership)
            .select_related("structure", "created_by", "place", "place_service")
            .get(pk=pk)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("Orientation introuvable.") from None
    if record_read:
        audit_record(
            actor=membership.user,
            structure=membership.structure,
            action=AuditAction.REFERRAL_RECEIVED_VIEW,
            purpose=default_purpose(membership),
            obj=referral,
            person_id=referral.person_id,
        )
    return referral


def can_see_right(membership: Membership) -> bool:
    """Return whether the member may see which right a referral was made for (situation data)."""
    return policy.can_view_situation(membership)
