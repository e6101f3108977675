"""Cross-model reads for dashboards and histories. Callers pass the member; results stay in their structure."""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from appui.accompaniments.enums import OnlineService
from appui.accompaniments.models import Accompaniment, AccompanimentQuerySet
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent, AuditEventQuerySet
from appui.mandates.models import Mandate, MandateQuerySet
from appui.people.models import Person


def recent_persons(membership: Membership, limit: int = 8) -> list[Person]:
    """Return the persons the member consulted or created most recently, newest first."""
    person_ids: list[int] = []
    events = (
        AuditEvent.objects.filter(
            actor_id=membership.user_id,
            structure_id=membership.structure_id,
            action__in=[AuditAction.PERSON_VIEW, AuditAction.PERSON_CREATE],
            person_id__isnull=False,
        )
        .order_by("-id")
        .values_list("person_id", flat=True)[:200]
    )
    for person_id in events:
        if person_id is not None and person_id not in person_ids:
            person_ids.append(person_id)
        if len(person_ids) == limit:
            break
    persons = Person.objects.visible_by(membership).in_bulk(person_ids)
    return [persons[pk] for pk in person_ids if pk in persons]


def accompaniments_on(membership: Membership, day: datetime.date) -> AccompanimentQuerySet:
    """Return the structure's accompaniments of one day."""
    return Accompaniment.objects.visible_by(membership).on_day(day).select_related("person", "author", "place")


def follow_ups_due(membership: Membership, by: datetime.date) -> AccompanimentQuerySet:
    """Return the member's own follow-ups due on or before ``by``, oldest first."""
    return (
        Accompaniment.objects.visible_by(membership)
        .follow_ups_due(by)
        .filter(author_id=membership.user_id)
        .select_related("person")
        .order_by("follow_up_date", "id")
    )


def person_audit_trail(person: Person) -> AuditEventQuerySet:
    """Return every audit event about a person: consultations, changes, exports."""
    return AuditEvent.objects.for_person(person.pk).select_related("actor", "structure")


def mandates_expiring(membership: Membership, within_days: int = 15) -> MandateQuerySet:
    """Return the current mandates the member may see that end within ``within_days``, soonest first."""
    limit = timezone.now() + datetime.timedelta(days=within_days)
    return Mandate.objects.visible_by(membership).expiring_before(limit).select_related("person").order_by("expires_at")


def service_alerts_by_week(structure_ids: list[int], since: datetime.date) -> list[dict[str, object]]:
    """Return alert counts by online service and week (Monday), newest week first; no personal data."""
    from appui.service_alerts.models import ServiceAlert

    rows = (
        ServiceAlert.objects.of_structures(structure_ids)
        .filter(occurred_on__gte=since)
        .annotate(week=TruncWeek("occurred_on"))
        .values("service", "week")
        .annotate(count=Count("id"), structures=Count("structure", distinct=True))
        .order_by("-week", "-count", "service")
    )
    labels = dict(OnlineService.choices)
    return [
        {
            "week": row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"],
            "service": row["service"],
            "service_label": labels.get(row["service"], row["service"]),
            "count": row["count"],
            "structures": row["structures"],
        }
        for row in rows
    ]
