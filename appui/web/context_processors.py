from typing import Any

from django.http import HttpRequest

from appui.accounts import policy
from appui.web.person_mode import in_person_mode


def appui(request: HttpRequest) -> dict[str, Any]:
    """Expose the current membership and what it may do, for the header and menus."""
    membership = getattr(request, "membership", None)
    if in_person_mode(request):
        return {"membership": None, "person_mode": True}  # no menu, no structure: the person holds the device
    return {
        "membership": membership,
        "can_manage_members": bool(membership and policy.can_manage_members(membership)),
        "can_write_person": bool(membership and policy.can_write_person(membership)),
        "can_screen_rights": bool(membership and policy.can_view_situation(membership)),
        "can_view_scheduled_jobs": bool(membership and policy.can_view_scheduled_jobs(membership)),
        "can_view_history": bool(membership and policy.can_view_consultation_history(membership)),
        # Orienting persons: every role that records accompaniments (appui.orientations.access.can_orient).
        "can_orient": bool(membership and policy.can_record_accompaniment(membership)),
    }
