"""Search helpers of a place, derived from its fields: département and EPCI (COG), name key, facets, hours key.

Facets are tokens such as « svc:aide-demarches-administratives » in one text column, each surrounded by
spaces: a filter is a ``contains`` lookup that works the same on SQLite and PostgreSQL, and a search within a
département only reads that département's rows.
"""

import hashlib
from typing import Any

from appui.core.communes import epci_of, get_commune, normalize_commune_name
from appui.core.text import normalize

# Facet prefix → Place field holding the values.
FACETS = {
    "svc": "services",
    "pub": "publics",
    "sup": "specific_supports",
    "fee": "fees",
    "prog": "programmes",
    "acc": "access_modes",
    "mod": "support_modes",
}


def hours_digest(opening_hours: str) -> int | None:
    """Return a signed 64-bit key of an opening-hours expression (None without hours)."""
    if not opening_hours:
        return None
    digest = hashlib.blake2b(opening_hours.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def facet_token(prefix: str, value: str) -> str:
    return f" {prefix}:{value} "


def derived_fields(fields: dict[str, Any], themes: list[str] | None = None) -> dict[str, Any]:
    """Return the derived fields of a place from its field values (``themes``: data·inclusion themes)."""
    commune = get_commune(fields.get("commune_code", ""))
    epci = epci_of(commune.code) if commune else None
    tokens: list[str] = []
    for prefix, name in FACETS.items():
        tokens.extend(f"{prefix}:{value}" for value in fields.get(name) or [])
    categories = {theme.split("--", 1)[0] for theme in themes or []}
    if fields.get("services"):
        categories.add("numerique")
    tokens.extend(f"th:{category}" for category in sorted(categories))
    search = " ".join(
        part
        for part in (
            normalize(fields.get("name", "")),
            normalize_commune_name(fields.get("commune_name", "")),
            normalize(fields.get("parent_organisation", "")),
        )
        if part
    )
    return {
        "departement": commune.departement if commune else "",
        "epci": epci.code if epci else "",
        "search_text": search[:500],
        "facets": (" " + " ".join(tokens) + " ") if tokens else "",
        "hours_digest": hours_digest(fields.get("opening_hours", "")),
    }
