"""Named reads of documents, for pages and the dashboard."""

import datetime

from django.utils import timezone

from appui.accounts.models import Membership
from appui.people.models import Person

from .access import documents_visible_by
from .enums import REMINDER_DAYS
from .models import DocumentQuerySet


def documents_of_person(membership: Membership, person: Person) -> DocumentQuerySet:
    """Return the person's documents the member may see, newest first (empty for roles without access)."""
    return documents_visible_by(membership).for_person(person.pk).select_related("uploaded_by")


def documents_expiring(
    membership: Membership, within_days: int = REMINDER_DAYS, today: datetime.date | None = None
) -> DocumentQuerySet:
    """Return the structure's documents whose validity ends within ``within_days`` or has ended, soonest first.

    Expired documents stay listed until someone replaces or deletes them: an out-of-date paper in the vault
    either needs renewing with the person or is no longer needed (RGPD art. 5-1-e, storage limitation).
    """
    today = today or timezone.localdate()
    return (
        documents_visible_by(membership)
        .expiring_by(today + datetime.timedelta(days=within_days))
        .select_related("person")
        .order_by("expires_on", "id")
    )
