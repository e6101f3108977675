"""Who may adapt the guides: every member reads them; only the structure manager writes a local version."""

from appui.accounts.enums import Role
from appui.accounts.models import Membership


def can_adapt_guides(membership: Membership) -> bool:
    """Return whether the member may write or remove the structure's local version of a guide."""
    return membership.role == Role.RESPONSABLE
