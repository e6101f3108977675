"""Who may do what, by role. Every interface asks these functions; nothing else decides.

Rules (issue 2): the accueil role sees identity and contact, not situation or notes; the DPO reads the
consultation history but not social content; only the structure manager manages members.
"""

from .enums import Role
from .models import Membership

_SOCIAL_ROLES = frozenset({Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE})


def can_view_situation(membership: Membership) -> bool:
    """Return whether the member may read family, housing, employment situation and obstacles."""
    return membership.role in _SOCIAL_ROLES


def can_view_notes(membership: Membership) -> bool:
    """Return whether the member may read accompaniment notes, outcome and next step."""
    return membership.role in _SOCIAL_ROLES


def can_write_person(membership: Membership) -> bool:
    """Return whether the member may create or edit person records (the DPO only reads)."""
    return membership.role != Role.DPO


def can_record_accompaniment(membership: Membership) -> bool:
    """Return whether the member may record accompaniments."""
    return membership.role != Role.DPO


def can_manage_members(membership: Membership) -> bool:
    """Return whether the member may invite and deactivate members of the structure."""
    return membership.role == Role.RESPONSABLE


def can_view_consultation_history(membership: Membership) -> bool:
    """Return whether the member may read who consulted a person's record (responsable and DPO)."""
    return membership.role in {Role.RESPONSABLE, Role.DPO}


def can_view_scheduled_jobs(membership: Membership) -> bool:
    """Return whether the member may read the runs of the scheduled jobs (retention, audit…): responsable and DPO."""
    return membership.role in {Role.RESPONSABLE, Role.DPO}


def can_act_under_mandate(membership: Membership) -> bool:
    """Return whether the member may create, use and revoke mandates (doing procedures in a person's place)."""
    return membership.role in _SOCIAL_ROLES
