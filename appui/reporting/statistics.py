"""Activity statistics of a member, a structure or a territory, computed by the database.

Every figure is an aggregate query (COUNT, SUM, GROUP BY); nothing loops over activity rows in Python. The
figures follow the national activity report (CRA) of the Coop de la médiation numérique:

- an *activity* is an individual accompaniment or a collective workshop;
- an *accompaniment* ("accompagnement") is one beneficiary in one activity: an individual accompaniment counts
  one, a workshop one per participant. The CRA's breakdowns of activities (type, duration, place, themes,
  equipment) count accompaniments, as the Coop does;
- a *beneficiary* is a person (followed, or an anonymous record) or an anonymous workshop participant; each is
  counted once in a period, with the categories recorded at their latest activity of the period (age bands
  only grow; for the other categories, a value known at any activity wins over "non communiqué").

Statistics count every activity of the period, including those of records since archived or anonymised: they
reveal no individual. docs/statistiques.md describes each figure.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from appui.accompaniments.enums import (
    ADMINISTRATIVE_THEMES,
    Autonomy,
    Equipment,
    Kind,
    Mode,
    PlaceKind,
    ProcedureStatus,
    ReferralTarget,
    Theme,
)
from appui.accompaniments.models import Accompaniment, AccompanimentQuerySet, Participation
from appui.core.communes import get_commune
from appui.core.json_arrays import element_sums, object_sums
from appui.people.enums import AgeBand, Gender, SocialStatus

# CRA duration bands (minutes): [low, high); the last one has no upper bound.
DURATION_BANDS = (
    ("30", "Moins de 30 min", 0, 30),
    ("60", "30 min à 1 h", 30, 60),
    ("120", "1 h à 2 h", 60, 120),
    ("more", "2 h et plus", 120, None),
)
TOP_COMMUNES = 10
OWN_PLACE_PREFIX = "lieu-"


@dataclass(frozen=True)
class Scope:
    """Whose activity: structures, and one author for a member's own statistics; ``territory`` masks counts."""

    structure_ids: tuple[int, ...]
    author_id: int | None = None
    territory: bool = False


@dataclass(frozen=True)
class Filters:
    """The period (both days included) and the optional filters of the statistics page."""

    start: datetime.date
    end: datetime.date
    author_id: int | None = None
    place: str = ""  # "lieu-<id>" or a place kind
    theme: str = ""
    kind: str = ""

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def previous(self) -> "Filters":
        """Return the same filters over the period just before, of the same length (months stay months)."""
        if self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            index = self.start.year * 12 + self.start.month - 1 - months
            start = datetime.date(index // 12, index % 12 + 1, 1)
            return Filters(
                start, self.start - datetime.timedelta(days=1), self.author_id, self.place, self.theme, self.kind
            )
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Filters(end - length, end, self.author_id, self.place, self.theme, self.kind)


@dataclass
class Row:
    value: str
    label: str
    count: int
    proportion: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Breakdown:
    """One distribution: a title, its rows in a fixed order, and what is counted ("accompagnements"…)."""

    key: str
    title: str
    unit: str
    rows: list[Row]

    def __post_init__(self) -> None:
        total = sum(r.count for r in self.rows)
        for r in self.rows:
            r.proportion = proportion(r.count, total)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    def count(self, value: str) -> int:
        return next((r.count for r in self.rows if r.value == value), 0)


def proportion(count: int, total: int) -> float:
    """Return a percentage with 3 decimals, as the Coop's statistics do (0 for an empty total)."""
    return 0.0 if not total else round(100 * count / total, 3)


@dataclass
class Statistics:
    scope: Scope
    filters: Filters
    totals: dict[str, int]
    per_day: list[tuple[datetime.date, int]]
    per_month: list[tuple[datetime.date, int]]
    breakdowns: dict[str, Breakdown]
    beneficiaries: dict[str, int]
    appui: dict[str, Any]

    def __getitem__(self, key: str) -> Breakdown:
        return self.breakdowns[key]


def activities_in(scope: Scope, filters: Filters) -> AccompanimentQuerySet:
    """Return the activities of the scope and period matching the filters: the one source of every figure."""
    queryset = Accompaniment.objects.filter(
        structure_id__in=scope.structure_ids, date__range=(filters.start, filters.end)
    )
    if scope.author_id is not None:
        queryset = queryset.filter(author_id=scope.author_id)
    if filters.author_id is not None:
        queryset = queryset.filter(author_id=filters.author_id)
    if filters.place.startswith(OWN_PLACE_PREFIX):
        queryset = queryset.filter(
            place_kind=PlaceKind.OWN_PLACE, place_id=filters.place.removeprefix(OWN_PLACE_PREFIX)
        )
    elif filters.place:
        queryset = queryset.filter(place_kind=filters.place)
    if filters.theme:
        queryset = queryset.filter(themes__has_any=[filters.theme])
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


def referral_counts(agg: dict[str, int]) -> dict[str, int]:
    """Return the referral figures: today the activities whose mode is "orientation" and those that say which
    kind of structure the person was directed to.

    This is the one place where referrals are counted: the referrals recorded in ``appui/orientations`` add
    their counts here (sent, accepted…) once that app exists.
    """
    return {
        "orientations": agg[f"mode_{Mode.REFERRAL}"],
        "oriented": sum(agg[f"referred_to_{value}"] for value in ReferralTarget.values),
    }


def _activity_aggregates(activities: AccompanimentQuerySet) -> dict[str, int]:
    """Return, in one pass over the activities, the totals and every single-valued breakdown."""
    from .rollups import count_spec

    weight = "participants"
    procedures = Q(themes__has_any=sorted(ADMINISTRATIVE_THEMES))
    spec: dict[str, Any] = {
        "activities": Count("id"),
        "accompaniments": Sum(weight),
        "minutes": Sum("duration_minutes"),
        "individual": Count("id", filter=Q(kind=Kind.INDIVIDUAL)),
        "collective": Count("id", filter=Q(kind=Kind.COLLECTIVE)),
        "collective_participants": Sum(weight, filter=Q(kind=Kind.COLLECTIVE)),
        "procedures": Count("id", filter=procedures),
        "procedure_accompaniments": Sum(weight, filter=procedures),
        **count_spec(),
    }
    for value in PlaceKind.values:
        spec[f"place_kind_{value}"] = Sum(weight, filter=Q(place_kind=value))
    return {key: int(value or 0) for key, value in activities.aggregate(**spec).items()}


def days_in(scope: Scope, filters: Filters) -> Any:
    """Return the daily roll-ups of the scope and period matching the place and type filters."""
    from .models import ActivityDay

    days = ActivityDay.objects.filter(structure_id__in=scope.structure_ids, date__range=(filters.start, filters.end))
    if filters.place.startswith(OWN_PLACE_PREFIX):
        days = days.filter(place_kind=PlaceKind.OWN_PLACE, place_id=filters.place.removeprefix(OWN_PLACE_PREFIX))
    elif filters.place:
        days = days.filter(place_kind=filters.place)
    if filters.kind:
        days = days.filter(kind=filters.kind)
    return days


def _day_aggregates(days: Any) -> dict[str, int]:
    """Return the same figures as ``_activity_aggregates``, added up from the daily roll-ups."""
    spec: dict[str, Any] = {
        "t_activities": Sum("activities"),
        "t_accompaniments": Sum("accompaniments"),
        "t_minutes": Sum("minutes"),
        "t_individual": Sum("activities", filter=Q(kind=Kind.INDIVIDUAL)),
        "t_collective": Sum("activities", filter=Q(kind=Kind.COLLECTIVE)),
        "t_collective_participants": Sum("accompaniments", filter=Q(kind=Kind.COLLECTIVE)),
        "t_procedures": Sum("procedures"),
        "t_procedure_accompaniments": Sum("procedure_accompaniments"),
    }
    for value in PlaceKind.values:
        spec[f"t_place_kind_{value}"] = Sum("accompaniments", filter=Q(place_kind=value))
    # Aliases differ from the roll-up's column names ("activities"…), which Django would not let them shadow.
    totals = {key.removeprefix("t_"): int(value or 0) for key, value in days.aggregate(**spec).items()}
    from .rollups import count_spec

    counts = object_sums(days, "counts")
    return totals | {key: counts.get(key, 0) for key in count_spec()}


def _needs_activity_filter(scope: Scope, filters: Filters) -> bool:
    """Return whether the activities are filtered beyond structure and period (their participations then need
    the join with the activities)."""
    return scope.author_id is not None or any((filters.author_id, filters.place, filters.theme, filters.kind))


def _beneficiary_sql(activities: AccompanimentQuerySet, scope: Scope, filters: Filters) -> tuple[str, list[Any]]:
    """Return the SQL of one row per beneficiary of the activities, with the categories counted.

    A beneficiary is new when their first activity in the structure falls in the period (anonymous workshop
    participants are always new). Without a filter on the activities, every participation of the period is
    read, so a person is new exactly when one of them is their first; with a filter, their first activity may
    be outside the filtered ones and is looked up among all the period's participations.
    """
    participations = Participation.objects.filter(
        structure_id__in=scope.structure_ids, date__range=(filters.start, filters.end)
    )
    is_new: Any = Cast("is_first", IntegerField())
    if _needs_activity_filter(scope, filters):
        first_in_period = participations.filter(is_first=True, person__isnull=False).values("person_id")
        is_new = Case(
            When(Q(person_id__isnull=True) | Q(person_id__in=first_in_period), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        participations = participations.filter(accompaniment__in=activities.values("pk"))
    per_beneficiary = (
        participations.annotate(key=Coalesce("person_id", -F("id")))
        .values("key")
        .annotate(
            b_gender=Max("gender"),
            b_age_band=Max("age_band"),
            b_status=Max("social_status"),
            b_commune=Max("commune_code"),
            b_followed=Max(Cast("followed", IntegerField())),
            b_new=Max(is_new),
        )
        .order_by()
    )
    sql, params = per_beneficiary.query.sql_with_params()
    return sql, list(params)


def _beneficiary_aggregates(
    activities: AccompanimentQuerySet, scope: Scope, filters: Filters
) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Return the beneficiaries' totals and counts by category, and the count by commune, in one statement.

    The per-beneficiary rows are computed once (a materialised common table expression) and read twice.
    """
    sql, params = _beneficiary_sql(activities, scope, filters)
    columns = ["COUNT(*)", "COALESCE(SUM(b_followed), 0)", "COALESCE(SUM(b_new), 0)"]
    names = ["total", "followed", "new"]
    category_params: list[str] = []
    for prefix, column, values in (
        ("gender", "b_gender", Gender.values),
        ("age_band", "b_age_band", [*AgeBand.values, ""]),
        ("social_status", "b_status", SocialStatus.values),
    ):
        for value in dict.fromkeys(values):
            columns.append(f"SUM(CASE WHEN {column} = %s THEN 1 ELSE 0 END)")
            names.append(f"{prefix}_{value}")
            category_params.append(value)
    padding = ", ".join(["NULL"] * (len(columns) - 1))
    query = (
        f"WITH b AS MATERIALIZED ({sql}) "  # noqa: S608
        f"SELECT 0 AS part, NULL AS commune, {', '.join(columns)} FROM b "
        f"UNION ALL SELECT 1, b_commune, COUNT(*), {padding} FROM b GROUP BY b_commune"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One row per beneficiary of a territory's year does not fit the default 4 MB of sort memory:
            # without this the aggregate spills to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(query, [*params, *category_params])
        rows = cursor.fetchall()
    totals_row = next(row for row in rows if row[0] == 0)
    totals = {name: int(value or 0) for name, value in zip(names, totals_row[2:], strict=True)}
    communes = sorted(((code or "", int(n)) for part, code, n, *_ in rows if part == 1), key=lambda c: (-c[1], c[0]))
    return totals, communes


def _series(
    by_day: dict[datetime.date, int], filters: Filters
) -> tuple[list[tuple[datetime.date, int]], list[tuple[datetime.date, int]]]:
    """Return the accompaniments of each day of the period and of each month (from the days' totals)."""
    days = [filters.start + datetime.timedelta(days=i) for i in range((filters.end - filters.start).days + 1)]
    per_day = [(day, int(by_day.get(day, 0))) for day in days]
    months: dict[datetime.date, int] = {}
    for day, count in per_day:
        months[day.replace(day=1)] = months.get(day.replace(day=1), 0) + count
    return per_day, list(months.items())


def _by_day(rows: Any) -> dict[datetime.date, int]:
    return {(datetime.date.fromisoformat(day) if isinstance(day, str) else day): int(n or 0) for day, n in rows}


def _rows(values: list[tuple[str, str]], counts: dict[str, int]) -> list[Row]:
    return [Row(value=value, label=label, count=counts.get(value, 0)) for value, label in values]


def _communes(communes: list[tuple[str, int]]) -> list[Row]:
    rows = []
    for code, count in communes[:TOP_COMMUNES]:
        commune = get_commune(code) if code else None
        rows.append(Row(value=code, label=str(commune) if commune else "Non communiquée", count=count))
    rest = sum(n for _, n in communes[TOP_COMMUNES:])
    if rest:
        rows.append(Row(value="autres", label="Autres communes", count=rest))
    return rows


def _places(rows: Any) -> list[Row]:
    """Return the breakdown by place from (place_kind, place_id, activities, accompaniments) rows."""
    from appui.places.models import Place

    rows = list(rows)
    names = dict(Place.objects.filter(pk__in=[r[1] for r in rows if r[1]]).values_list("pk", "name"))
    labels = dict(PlaceKind.choices)
    result = [
        Row(
            value=f"{OWN_PLACE_PREFIX}{place_id}" if place_id else place_kind,
            label=names.get(place_id, "") if place_id else labels.get(place_kind, place_kind),
            count=int(accompaniments or 0),
            extra={"activities": int(activities or 0)},
        )
        for place_kind, place_id, activities, accompaniments in rows
    ]
    return sorted(result, key=lambda r: (-r.count, r.label))


def _members(activities: AccompanimentQuerySet) -> list[Row]:
    rows = (
        activities.order_by()
        .values("author_id", "author__first_name", "author__last_name")
        .annotate(activities=Count("id"), accompaniments=Sum("participants"), minutes=Sum("duration_minutes"))
        .order_by("-accompaniments", "author__last_name")
    )
    return [
        Row(
            value=str(r["author_id"]),
            label=f"{r['author__first_name']} {r['author__last_name']}".strip(),
            count=int(r["accompaniments"] or 0),
            extra={"activities": r["activities"], "hours": round((r["minutes"] or 0) / 60, 1)},
        )
        for r in rows
    ]


def statistics(scope: Scope, filters: Filters) -> Statistics:
    """Return every figure of the statistics page for the scope and filters."""
    activities = activities_in(scope, filters)
    if scope.author_id is None and not filters.author_id and not filters.theme:
        # The daily roll-ups hold everything but the author and the themes as a filter.
        days = days_in(scope, filters)
        agg = _day_aggregates(days)
        themes = object_sums(days, "themes")
        equipment = object_sums(days, "equipment")
        by_day = _by_day(days.order_by().values("date").annotate(n=Sum("accompaniments")).values_list("date", "n"))
        place_rows = (
            days.order_by()
            .values("place_kind", "place_id")
            .annotate(a=Sum("activities"), n=Sum("accompaniments"))
            .values_list("place_kind", "place_id", "a", "n")
        )
    else:
        agg = _activity_aggregates(activities)
        themes = element_sums(activities, "themes", "participants")
        equipment = element_sums(activities, "equipment", "participants")
        by_day = _by_day(activities.order_by().values("date").annotate(n=Sum("participants")).values_list("date", "n"))
        place_rows = (
            activities.order_by()
            .values("place_kind", "place_id")
            .annotate(a=Count("id"), n=Sum("participants"))
            .values_list("place_kind", "place_id", "a", "n")
        )
    beneficiaries, communes = _beneficiary_aggregates(activities, scope, filters)
    per_day, per_month = _series(by_day, filters)
    duration_rows = [Row(value=key, label=label, count=agg[f"duration_{key}"]) for key, label, _, _ in DURATION_BANDS]
    digital = [(t.value, t.label) for t in Theme if t not in ADMINISTRATIVE_THEMES]
    administrative = [
        (t.value, t.label.removeprefix("Démarche : ").capitalize()) for t in Theme if t in ADMINISTRATIVE_THEMES
    ]

    def enum_rows(prefix: str, enum: Any, counts: dict[str, int]) -> list[Row]:
        return [Row(value=v, label=label, count=counts.get(f"{prefix}_{v}", 0)) for v, label in enum.choices]

    age_choices = [
        (v, label) for v, label in AgeBand.choices if v != AgeBand.UNDER_18 or beneficiaries.get("age_band_-18")
    ]
    breakdowns = [
        Breakdown(
            "kinds",
            "Type d'activité",
            "accompagnements",
            [
                Row("individuel", "Accompagnements individuels", agg["individual"]),
                Row("collectif", "Participants aux ateliers", agg["collective_participants"]),
            ],
        ),
        Breakdown("durations", "Durée", "accompagnements", duration_rows),
        Breakdown("place_kinds", "Type de lieu", "accompagnements", enum_rows("place_kind", PlaceKind, agg)),
        Breakdown("places", "Lieu", "accompagnements", _places(place_rows)),
        Breakdown("themes", "Thématiques", "accompagnements", _rows(digital, themes)),
        Breakdown("procedures", "Démarches administratives", "accompagnements", _rows(administrative, themes)),
        Breakdown("equipment", "Matériel utilisé", "accompagnements", _rows(list(Equipment.choices), equipment)),
        Breakdown("genders", "Genre", "bénéficiaires", enum_rows("gender", Gender, beneficiaries)),
        Breakdown(
            "age_bands",
            "Tranche d'âge",
            "bénéficiaires",
            [
                *(Row(v, label, beneficiaries.get(f"age_band_{v}", 0)) for v, label in age_choices),
                Row("", "Non communiquée", beneficiaries.get("age_band_", 0)),
            ],
        ),
        Breakdown(
            "social_statuses", "Statut", "bénéficiaires", enum_rows("social_status", SocialStatus, beneficiaries)
        ),
        Breakdown("communes", "Commune de résidence", "bénéficiaires", _communes(communes)),
        Breakdown("modes", "Réalisation", "activités", enum_rows("mode", Mode, agg)),
        Breakdown(
            "autonomy", "Autonomie observée", "accompagnements individuels", enum_rows("autonomy", Autonomy, agg)
        ),
        Breakdown(
            "procedure_status",
            "État des démarches",
            "accompagnements individuels",
            enum_rows("procedure_status", ProcedureStatus, agg),
        ),
        Breakdown(
            "referred_to", "Orientés vers", "accompagnements individuels", enum_rows("referred_to", ReferralTarget, agg)
        ),
    ]
    if scope.author_id is None and not scope.territory:
        breakdowns.append(Breakdown("members", "Par membre de l'équipe", "accompagnements", _members(activities)))
    totals = {
        "activities": agg["activities"],
        "individual": agg["individual"],
        "collective": agg["collective"],
        "collective_participants": agg["collective_participants"],
        "procedures": agg["procedures"],
        "procedure_accompaniments": agg["procedure_accompaniments"],
        "accompaniments": agg["accompaniments"],
        "minutes": agg["minutes"],
    }
    beneficiary_totals = {
        "total": beneficiaries["total"],
        "followed": beneficiaries["followed"],
        "anonymous": beneficiaries["total"] - beneficiaries["followed"],
        "new": beneficiaries["new"],
        "returning": beneficiaries["total"] - beneficiaries["new"],
    }
    appui = {"referrals": referral_counts(agg), **appui_figures(scope, filters)}
    return Statistics(
        scope=scope,
        filters=filters,
        totals=totals,
        per_day=per_day,
        per_month=per_month,
        breakdowns={b.key: b for b in breakdowns},
        beneficiaries=beneficiary_totals,
        appui=appui,
    )


def appui_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    """Return what only Appui records: mandates, diagnostics, rights, signalements (period and author only)."""
    return {
        "mandates": mandate_figures(scope, filters),
        "diagnostics": diagnostic_figures(scope, filters),
        "rights": right_figures(scope, filters),
        "alerts": alert_figures(scope, filters),
    }


def _category_rows(sums: dict[str, int]) -> list[Row]:
    from appui.mandates.enums import procedure_category_choices

    return [Row(value=v, label=label, count=sums.get(v, 0)) for v, label in procedure_category_choices()]


def mandate_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    from appui.mandates.models import Mandate, MandateUse

    created = Mandate.objects.filter(
        structure_id__in=scope.structure_ids, starts_at__gte=filters.start_at, starts_at__lt=filters.end_before
    )
    uses = MandateUse.objects.filter(
        mandate__structure_id__in=scope.structure_ids, used_at__gte=filters.start_at, used_at__lt=filters.end_before
    )
    author = scope.author_id or filters.author_id
    if author is not None:
        created = created.filter(created_by_id=author)
        uses = uses.filter(used_by_id=author)
    return {
        "created": created.count(),
        "used": uses.count(),
        "created_by_category": Breakdown(
            "mandates_created",
            "Mandats créés, par catégorie",
            "mandats",
            _category_rows(element_sums(created, "categories")),
        ),
        "used_by_category": Breakdown(
            "mandates_used",
            "Démarches faites sous mandat, par catégorie",
            "démarches",
            _category_rows(element_sums(uses, "categories")),
        ),
    }


def diagnostic_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    """Return the diagnostics of the period by level, and the average progress of the persons assessed again.

    Progress: for each person whose latest diagnostic of the period is not their first, the overall score of
    that diagnostic minus the score of their first one (0 to 3 scale).
    """
    from appui.diagnostics.models import Diagnostic

    all_scored = Diagnostic.objects.filter(structure_id__in=scope.structure_ids, overall_score__isnull=False)
    in_period = Diagnostic.objects.filter(
        structure_id__in=scope.structure_ids, created_at__gte=filters.start_at, created_at__lt=filters.end_before
    )
    author = scope.author_id or filters.author_id
    if author is not None:
        in_period = in_period.filter(author_id=author)
    levels = {row["level"]: row["n"] for row in in_period.order_by().values("level").annotate(n=Count("id"))}
    first = all_scored.filter(person_id=OuterRef("person_id")).order_by("created_at", "id")
    last = all_scored.filter(person_id=OuterRef("person_id"), created_at__lt=filters.end_before).order_by(
        "-created_at", "-id"
    )
    progress = (
        in_period.filter(overall_score__isnull=False)
        .order_by()
        .values("person_id")
        .distinct()
        .annotate(
            first_id=Subquery(first.values("pk")[:1]),
            last_id=Subquery(last.values("pk")[:1]),
            first_score=Subquery(first.values("overall_score")[:1]),
            last_score=Subquery(last.values("overall_score")[:1]),
        )
        .exclude(first_id=F("last_id"))
    )
    summary = _progress_summary(progress)
    return {
        "count": sum(levels.values()),
        "persons": in_period.values("person_id").distinct().count(),
        "by_level": Breakdown(
            "diagnostic_levels",
            "Diagnostics par niveau",
            "diagnostics",
            [
                *(Row(v, label, levels.get(v, 0)) for v, label in Autonomy.choices),
                Row("", "Non évalué", levels.get("", 0)),
            ],
        ),
        "reassessed": summary["count"],
        "average_progress": summary["avg"],
    }


def _progress_summary(queryset: QuerySet[Any]) -> dict[str, Any]:
    """Return how many persons were assessed again and their average progress, computed by the database."""
    sql, params = queryset.values("first_score", "last_score").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), AVG(last_score - first_score) FROM ({sql}) AS p", params)  # noqa: S608
        count, avg = cursor.fetchone()
    return {"count": int(count or 0), "avg": None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01"))}


def secured_monthly_expression() -> Case:
    """Return the SQL form of ``RightFollowUp.secured_monthly_amount`` (euros per month a granted right brings)."""
    from appui.rights.enums import Frequency, RightStatus

    money = DecimalField(max_digits=14, decimal_places=2)
    return Case(
        When(~Q(status=RightStatus.GRANTED), then=Value(Decimal("0.00"))),
        When(granted_amount__isnull=True, then=F("monthly_amount")),
        When(frequency=Frequency.YEARLY, then=F("granted_amount") / Value(12)),
        When(frequency=Frequency.NONE, then=Value(Decimal("0.00"))),
        default=F("granted_amount"),
        output_field=money,
    )


def right_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    """Return the rights found, claimed and obtained in the period, and the euros per month obtained."""
    from appui.rights.enums import RightStatus
    from appui.rights.models import RightFollowUp

    follow_ups = RightFollowUp.objects.filter(structure_id__in=scope.structure_ids)
    found = follow_ups.filter(found_at__gte=filters.start_at, found_at__lt=filters.end_before)
    claimed = follow_ups.filter(claimed_on__range=(filters.start, filters.end))
    obtained = follow_ups.filter(status=RightStatus.GRANTED, decided_on__range=(filters.start, filters.end))
    author = scope.author_id or filters.author_id
    if author is not None:
        found = found.filter(screening__created_by_id=author)
        claimed = claimed.filter(updated_by_id=author)
        obtained = obtained.filter(updated_by_id=author)
    secured = obtained.aggregate(total=Sum(secured_monthly_expression()), persons=Count("person_id", distinct=True))
    return {
        "found": found.count(),
        "claimed": claimed.count(),
        "obtained": obtained.count(),
        "persons_obtained": secured["persons"] or 0,
        "secured_monthly": (secured["total"] or Decimal("0")).quantize(Decimal("0.01")),
    }


def alert_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    from appui.accompaniments.enums import OnlineService
    from appui.service_alerts.models import ServiceAlert

    alerts = ServiceAlert.objects.of_structures(list(scope.structure_ids)).filter(
        occurred_on__range=(filters.start, filters.end)
    )
    author = scope.author_id or filters.author_id
    if author is not None:
        alerts = alerts.filter(author_id=author)
    counts = dict(alerts.order_by().values("service").annotate(n=Count("id")).values_list("service", "n"))
    rows = _rows(list(OnlineService.choices), counts)
    return {
        "count": sum(counts.values()),
        "by_service": Breakdown("alerts", "Signalements par service", "signalements", rows),
    }
