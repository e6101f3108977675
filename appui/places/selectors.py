"""The directory search: proximity by the COG (commune → EPCI → département), filters, "open now", distance.

A search names a commune. Its places come first; when it has none, the search widens to its intercommunality
(EPCI), then to its département, and says so; the member may also widen or narrow by hand. When the places
carry coordinates, results are sorted by distance from a reference point: the member's position if given
("autour de moi"), else the centre of the places known in the commune (the COG has no coordinates).
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Power

from appui.accounts.models import Membership
from appui.core.communes import (
    Commune,
    Epci,
    departement_name,
    epci_of,
    municipality_codes,
    normalize_commune_name,
)
from appui.core.text import normalize

from .hours import Status, is_open, local_now, status
from .indexing import facet_token
from .models import Place, PlaceQuerySet

SCOPES = ("commune", "epci", "departement", "france")
SCOPE_LABELS = {
    "commune": "la commune",
    "epci": "l'intercommunalité",
    "departement": "le département",
    "france": "toute la France",
}
PAGE_SIZE = 20
EARTH_RADIUS_KM = 6371.0
# A search across France counts its places up to this number ("plus de 1 000 lieux": narrow the search).
FRANCE_COUNT_CAP = 1000

# Facet prefix of each filter of the directory form.
FILTERS = {
    "services": "svc",
    "publics": "pub",
    "supports": "sup",
    "fees": "fee",
    "programmes": "prog",
    "access_modes": "acc",
    "support_modes": "mod",
    "themes": "th",
}


@dataclass
class DirectoryQuery:
    commune: Commune | None = None
    scope: str = "auto"
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    open_now: bool = False
    latitude: float | None = None
    longitude: float | None = None

    @property
    def has_criteria(self) -> bool:
        return bool(self.commune or self.text or any(self.filters.values()) or self.open_now)


@dataclass
class PlaceHit:
    place: Place
    ring: str  # "commune", "epci", "departement" or "" (no commune searched)
    distance_km: float | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.place, name)

    @property
    def status(self) -> Status:
        return status(self.place.opening_hours)


@dataclass
class DirectoryResult:
    query: DirectoryQuery
    page: Page
    hits: list[PlaceHit]
    scope: str
    widened: bool  # the commune had nothing: the search went wider on its own
    counts: dict[str, int]
    epci: Epci | None
    departement: str
    reference: tuple[float, float] | None
    reference_is_position: bool
    count_capped: bool = False  # more places than FRANCE_COUNT_CAP match: the count shown is a lower bound

    @property
    def scope_label(self) -> str:
        if self.scope == "commune" and self.query.commune:
            return self.query.commune.name
        if self.scope == "epci" and self.epci:
            return self.epci.name
        if self.scope == "departement":
            return f"{departement_name(self.departement)} ({self.departement})"
        return "toute la France"


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _filtered(base: PlaceQuerySet, query: DirectoryQuery) -> PlaceQuerySet:
    queryset = base
    for name, prefix in FILTERS.items():
        values = query.filters.get(name) or []
        if values:
            condition = Q()
            for value in values:
                condition |= Q(facets__contains=facet_token(prefix, value))
            queryset = queryset.filter(condition)
    for word in normalize(query.text).split()[:8]:
        queryset = queryset.filter(search_text__contains=normalize_commune_name(word) or word)
    return queryset


def _ring(queryset: PlaceQuerySet, scope: str, commune: Commune | None, epci: Epci | None) -> PlaceQuerySet:
    if commune is None or scope == "france":
        return queryset
    if scope == "commune":
        return queryset.filter(commune_code__in=municipality_codes(commune.code))
    if scope == "epci":
        if epci is None:
            return queryset.filter(commune_code__in=municipality_codes(commune.code))
        return queryset.filter(epci=epci.code)
    return queryset.filter(departement=commune.departement)


def _open_now_filter(queryset: PlaceQuerySet, now: Any) -> PlaceQuerySet:
    """Keep the places open now: evaluate each distinct schedule of the set once, then filter on its key."""
    at = local_now(now)
    schedules = (
        queryset.exclude(hours_digest__isnull=True)
        .order_by()  # the default ordering would make every row distinct
        .values_list("hours_digest", "opening_hours")
        .distinct()
    )
    open_keys = [digest for digest, expression in schedules if is_open(expression, at)]
    return queryset.filter(hours_digest__in=open_keys)


def directory_search(
    membership: Membership, query: DirectoryQuery, *, page_number: Any = 1, per_page: int = PAGE_SIZE, now: Any = None
) -> DirectoryResult:
    """Return one page of the places matching ``query``, nearest first, widening the area when needed."""
    commune = query.commune
    epci = epci_of(commune.code) if commune else None
    base = _filtered(Place.objects.visible_by(membership).open(), query)
    if commune is not None:
        # Every ring lies within the département: "open now" and the counts read only that département.
        base = base.filter(departement=commune.departement)
    if query.open_now:
        base = _open_now_filter(base, now)
    counts: dict[str, int] = {}
    scope = query.scope if query.scope in SCOPES[:3] else "auto"
    widened = False
    if commune is None:
        scope = "france"
    else:
        rings = ["commune", "epci", "departement"] if epci else ["commune", "departement"]
        counts = _ring_counts(base, rings, commune, epci)
        if scope == "auto":
            scope = next((ring for ring in rings if counts[ring]), "departement")
            widened = scope != "commune"
        elif scope == "epci" and epci is None:
            scope = "commune"
    queryset = _ring(base, scope, commune, epci)
    reference, is_position = _reference(query, commune)
    queryset = _ordered(queryset, commune, epci, reference)
    known = counts.get(scope)
    capped = False
    if commune is None:
        # Across France a word or a filter can match tens of thousands of places: count up to a bound only.
        known = queryset.order_by().values("id")[: FRANCE_COUNT_CAP + 1].count()
        capped = known > FRANCE_COUNT_CAP
        known = min(known, FRANCE_COUNT_CAP)
    # Order and cut the page on the ids only, then read the page's places: the sort never carries whole rows.
    paginator = CountedPaginator(queryset.values_list("id", flat=True), per_page, known_count=known)
    page = paginator.get_page(page_number)
    by_id = Place.objects.in_bulk(list(page.object_list))
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    hits = [
        PlaceHit(
            place=place,
            ring=_ring_of(place, commune, epci),
            distance_km=haversine_km(reference, (place.latitude, place.longitude))
            if reference and place.latitude is not None and place.longitude is not None
            else None,
        )
        for place in page.object_list
    ]
    if commune is None:
        counts["france"] = paginator.count
    return DirectoryResult(
        query=query,
        page=page,
        hits=hits,
        scope=scope,
        widened=widened,
        counts=counts,
        epci=epci,
        departement=commune.departement if commune else "",
        reference=reference,
        reference_is_position=is_position,
        count_capped=capped,
    )


class CountedPaginator(Paginator):
    """A paginator that takes the count when the search already made it (one scan of the area, not two)."""

    def __init__(self, *args: Any, known_count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count  # the cached_property's slot


def _ring_counts(base: PlaceQuerySet, rings: list[str], commune: Commune, epci: Epci | None) -> dict[str, int]:
    """Count the places of each ring in one scan of the département (the base is already cut to it)."""
    conditions = {
        "commune": Q(commune_code__in=municipality_codes(commune.code)),
        "epci": Q(epci=epci.code) if epci is not None else Q(commune_code__in=municipality_codes(commune.code)),
    }
    aggregates = {ring: Count("id", filter=conditions[ring]) for ring in rings if ring in conditions}
    aggregates["departement"] = Count("id")
    return {ring: value for ring, value in base.order_by().aggregate(**aggregates).items() if ring in rings}


def _reference(query: DirectoryQuery, commune: Commune | None) -> tuple[tuple[float, float] | None, bool]:
    if query.latitude is not None and query.longitude is not None:
        return (query.latitude, query.longitude), True
    if commune is None:
        return None, False
    centre = (
        Place.objects.open()
        .filter(
            departement=commune.departement,  # lets the database read the area index only
            commune_code__in=municipality_codes(commune.code),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    )
    if centre["latitude"] is None:
        return None, False
    return (centre["latitude"], centre["longitude"]), False


def _ordered(
    queryset: PlaceQuerySet, commune: Commune | None, epci: Epci | None, reference: tuple[float, float] | None
) -> PlaceQuerySet:
    ordering: list[Any] = []
    if commune is not None:
        codes = municipality_codes(commune.code)
        whens = [When(commune_code__in=codes, then=Value(0))]
        if epci is not None:
            whens.append(When(epci=epci.code, then=Value(1)))
        queryset = queryset.annotate(ring=Case(*whens, default=Value(2), output_field=IntegerField()))
    if reference is not None:
        # An equirectangular approximation is enough to sort within a département; the page shows the real
        # (haversine) distance.
        scale = math.cos(math.radians(reference[0]))
        queryset = queryset.annotate(
            nearness=Power(F("latitude") - reference[0], 2) + Power((F("longitude") - reference[1]) * scale, 2)
        )
        ordering.append(F("nearness").asc(nulls_last=True))
    elif commune is not None:
        ordering.append("ring")
    ordering.extend(["name", "id"])
    return queryset.order_by(*ordering)


def _ring_of(place: Place, commune: Commune | None, epci: Epci | None) -> str:
    if commune is None:
        return ""
    if place.commune_code in municipality_codes(commune.code):
        return "commune"
    if epci is not None and place.epci == epci.code:
        return "epci"
    return "departement"
