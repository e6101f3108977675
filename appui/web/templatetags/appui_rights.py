"""Template filters of the rights follow-up pages."""

import datetime

from django import template

from appui.rights.models import RightFollowUp

register = template.Library()


@register.filter
def without_news(follow_up: RightFollowUp, today: datetime.date) -> bool:
    """Return whether a claim in progress has passed its reminder date with no news (``is_without_news``)."""
    return follow_up.is_without_news(today)
