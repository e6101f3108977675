"""Reads of referrals for the day's work and for activity statistics."""

import datetime

from django.db.models import Count

from appui.accounts.models import Membership

from .models import Referral, ReferralQuerySet


def referral_follow_ups_due(membership: Membership, by: datetime.date) -> ReferralQuerySet:
    """Return the member's own open referrals whose follow-up date has come, oldest first ("Ma journée")."""
    return (
        Referral.objects.visible_by(membership)
        .still_open()
        .filter(created_by_id=membership.user_id, follow_up_on__isnull=False, follow_up_on__lte=by)
        .select_related("person", "place")
        .order_by("follow_up_on", "id")
    )


def referrals_awaiting_answer(membership: Membership) -> ReferralQuerySet:
    """Return the referrals received by the member's structure that nobody has answered yet."""
    return Referral.objects.received_by(membership).filter(status="nouvelle")


def referral_counts(*, structure_ids: list[int], start: datetime.date, end: datetime.date) -> list[dict[str, object]]:
    """Return how many referrals the structures made from ``start`` to ``end`` (inclusive), by status and by kind
    of target structure; no personal data. Rows: {"status", "target_kind", "count"}."""
    from django.utils import timezone

    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    rows = (
        Referral.objects.filter(structure_id__in=structure_ids, created_at__gte=since, created_at__lt=until)
        .values("status", "target_kind")
        .annotate(count=Count("id"))
        .order_by("status", "target_kind")
    )
    return [dict(row) for row in rows]
