"""Reads of the guides: the national library, and what one structure's members see of it."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from .library import Guide, national_guides
from .models import GuideOverride
from .rendering import render_markdown

if TYPE_CHECKING:
    from appui.accounts.models import Structure


@dataclass(frozen=True)
class GuideView:
    """A guide as one structure's members read it: the national metadata, and the local body if any."""

    guide: Guide
    body_html: SafeString
    is_adapted: bool
    override: GuideOverride | None

    @property
    def slug(self) -> str:
        return self.guide.slug


def guide_list() -> list[Guide]:
    """Return the national guides, by title."""
    return sorted(national_guides().values(), key=lambda g: g.title.lower())


def guide_get(slug: str) -> Guide | None:
    """Return the national guide of that slug, or None."""
    return national_guides().get(slug)


def guides_for_theme(theme: str) -> list[Guide]:
    """Return the guides tagged with a theme (``appui.accompaniments.enums.Theme`` value), by title."""
    return [guide for guide in guide_list() if theme in guide.themes]


def guide_for_benefit(key: str) -> Guide | None:
    """Return the guide that helps claim a benefit of the rights screening (e.g. "rsa"), or None."""
    return next((guide for guide in guide_list() if key in guide.benefits), None)


def adapted_slugs(structure: "Structure") -> set[str]:
    """Return the slugs the structure has adapted."""
    return set(GuideOverride.objects.for_structure(structure).values_list("slug", flat=True))


def guide_for_structure(*, structure: "Structure", slug: str) -> GuideView | None:
    """Return the guide as the structure's members see it (their local version if any), or None."""
    guide = guide_get(slug)
    if guide is None:
        return None
    override = GuideOverride.objects.for_structure(structure).filter(slug=slug).first()
    body = override.body if override is not None else guide.body
    return GuideView(guide=guide, body_html=render_markdown(body), is_adapted=override is not None, override=override)
