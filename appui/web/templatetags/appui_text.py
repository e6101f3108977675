"""French wording helpers for templates: plurals the French way, agreement with a person's gender."""

from django import template

register = template.Library()


@register.filter
def pluriel(count: object, suffixes: str = "s") -> str:
    """Return the plural suffix of ``count`` in French: "0 personne", "1 personne", "2 personnes".

    Unlike Django's ``pluralize`` (English: "0 persons"), zero and one take the singular. ``suffixes`` is
    "plural" or "singular,plural", like ``pluralize``.
    """
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        number = abs(float(count))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        try:
            number = len(count)  # type: ignore[arg-type]
        except TypeError:
            return singular
    return plural if number >= 2 else singular


@register.filter
def accord(gender: object, forms: str = ",e") -> str:
    """Return the ending agreeing with a gender ("masculin", "feminin", or unknown): ``forms`` is
    "masculine,feminine[,unknown]"; unknown gives the inclusive form "·e" unless a third form is given."""
    parts = forms.split(",")
    masculine, feminine = parts[0], parts[1]
    unknown = parts[2] if len(parts) > 2 else f"{masculine}·{feminine}" if not masculine else f"{masculine}/{feminine}"
    if gender == "masculin":
        return masculine
    if gender == "feminin":
        return feminine
    return unknown
