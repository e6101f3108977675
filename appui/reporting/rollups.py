"""Daily roll-ups of the activities (``ActivityDay``): built by the database, kept up to date by the services.

``rebuild_days`` recomputes the roll-ups of some structures (and days) from the activities: the aggregates and
the sums over the theme and equipment arrays are GROUP BY queries; Python only assembles their aggregated rows
into one record per (structure, day, kind of place, place, type). ``refresh_day`` does it for one structure and
day inside the transaction of an accompaniment's change, under a lock on PostgreSQL so that two changes of the
same day cannot interleave.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.db import connection
from django.db.models import Count, Q, Sum

from appui.accompaniments.enums import ADMINISTRATIVE_THEMES, Autonomy, Mode, ProcedureStatus, ReferralTarget

KEY = ("structure_id", "date", "place_kind", "place_id", "kind")
# (key in ``counts``, low, high) of the CRA's duration bands, in minutes.
DURATION_BANDS = (("30", 0, 30), ("60", 30, 60), ("120", 60, 120), ("more", 120, None))


def count_spec() -> dict[str, Any]:
    """Return the aggregates stored in ``ActivityDay.counts``, by key."""
    spec: dict[str, Any] = {}
    for key, low, high in DURATION_BANDS:
        band = Q(duration_minutes__gte=low) & (Q(duration_minutes__lt=high) if high is not None else Q())
        spec[f"duration_{key}"] = Sum("participants", filter=band)
    for value in Mode.values:
        spec[f"mode_{value}"] = Count("id", filter=Q(mode=value))
    for name, enum in (("autonomy", Autonomy), ("procedure_status", ProcedureStatus), ("referred_to", ReferralTarget)):
        for value in enum.values:
            spec[f"{name}_{value}"] = Count("id", filter=Q(**{name: value}))
    return spec


def _grouped_element_sums(queryset: Any, field: str) -> dict[tuple[Any, ...], dict[str, int]]:
    """Return, per roll-up key, {value: sum of participants} over the JSON array ``field``."""
    from django.db.models import F

    inner = queryset.order_by().annotate(_elements=F(field))
    sql, params = inner.values_list(*KEY, "participants", "_elements").query.sql_with_params()
    if connection.vendor == "postgresql":
        unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(t._elements::jsonb) AS e(value)"
    else:
        unnest = "CROSS JOIN json_each(t._elements) AS e"
    columns = ", ".join(f"t.{column}" for column in KEY)
    query = f"SELECT {columns}, e.value, SUM(t.participants) FROM ({sql}) AS t {unnest} GROUP BY {columns}, e.value"  # noqa: S608
    result: dict[tuple[Any, ...], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for *key, value, total in cursor.fetchall():
            result.setdefault(_normalise(key), {})[str(value)] = int(total)
    return result


def _normalise(key: Iterable[Any]) -> tuple[Any, ...]:
    structure_id, day, place_kind, place_id, kind = key
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return (structure_id, day, place_kind, place_id, kind)


def rebuild_days(
    *, structure_ids: Iterable[int] | None = None, dates: Iterable[datetime.date] | None = None, apps: Any = None
) -> int:
    """Recompute the roll-ups of the structures and days given (all when None); return the rows written.

    ``apps`` is a migration's app registry, so that a data migration can build the first roll-ups.
    """
    registry = apps or global_apps
    Accompaniment: Any = registry.get_model("accompaniments", "Accompaniment")
    ActivityDay: Any = registry.get_model("reporting", "ActivityDay")
    activities = Accompaniment.objects.all()
    days = ActivityDay.objects.all()
    if structure_ids is not None:
        structure_ids = list(structure_ids)
        activities = activities.filter(structure_id__in=structure_ids)
        days = days.filter(structure_id__in=structure_ids)
    if dates is not None:
        dates = list(dates)
        activities = activities.filter(date__in=dates)
        days = days.filter(date__in=dates)
    days.delete()
    procedures = Q(themes__has_any=sorted(ADMINISTRATIVE_THEMES))
    spec = count_spec()
    rows = (
        activities.order_by()
        .values(*KEY)
        .annotate(
            n_activities=Count("id"),
            n_accompaniments=Sum("participants"),
            n_minutes=Sum("duration_minutes"),
            n_procedures=Count("id", filter=procedures),
            n_procedure_accompaniments=Sum("participants", filter=procedures),
            **spec,
        )
    )
    themes = _grouped_element_sums(activities, "themes")
    equipment = _grouped_element_sums(activities, "equipment")
    records = []
    for row in rows:
        key = _normalise(row[k] for k in KEY)
        records.append(
            ActivityDay(
                structure_id=key[0],
                date=key[1],
                place_kind=key[2],
                place_id=key[3],
                kind=key[4],
                activities=row["n_activities"],
                accompaniments=row["n_accompaniments"] or 0,
                minutes=row["n_minutes"] or 0,
                procedures=row["n_procedures"],
                procedure_accompaniments=row["n_procedure_accompaniments"] or 0,
                counts={name: row[name] for name in spec if row[name]},
                themes=themes.get(key, {}),
                equipment=equipment.get(key, {}),
            )
        )
    ActivityDay.objects.bulk_create(records, batch_size=2000)
    return len(records)


def refresh_day(*, structure_id: int, day: datetime.date) -> None:
    """Recompute one structure's roll-ups of one day; call it inside the transaction of the change."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [structure_id, day.toordinal()])
    rebuild_days(structure_ids=[structure_id], dates=[day])
