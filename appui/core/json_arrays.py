"""JSON array columns (themes, equipment, categories) in queries, the same way on PostgreSQL and SQLite.

The SQL below wraps queries Django compiled (their values stay parameters): no outside text is ever pasted in.

- ``field__has_any=[…]``: the array holds at least one of the values (PostgreSQL ``?|``, SQLite ``json_each``).
- ``element_sums(queryset, field, weight)``: for each value found in the arrays, the sum of ``weight`` (or the
  number of rows) — a GROUP BY over the unnested arrays, computed by the database.
- ``object_sums(queryset, field)``: for each key of the JSON objects ``field`` ({code: count}), the sum of its
  values.
"""

from typing import Any

from django.db import connection
from django.db.models import F, JSONField, Lookup, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler


@JSONField.register_lookup
class HasAny(Lookup):
    lookup_name = "has_any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) for v in values):
            raise ValueError("has_any takes a non-empty list of strings.")
        return values

    def process_rhs(self, compiler: SQLCompiler, connection: Any) -> Any:
        return ", ".join(["%s"] * len(self.rhs)), tuple(self.rhs)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *rhs_params)
        if connection.vendor == "postgresql":
            return f"({lhs})::jsonb ?| ARRAY[{rhs}]::text[]", params
        return f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({rhs}))", params  # noqa: S608


def element_sums(queryset: QuerySet[Any], field: str, weight: str | None = None) -> dict[str, int]:
    """Return {value: sum of ``weight`` (or row count)} over the values of the JSON array ``field``."""
    inner = queryset.order_by().annotate(_elements=F(field), _weight=F(weight) if weight else Value(1))
    sql, params = inner.values_list("_elements", "_weight").query.sql_with_params()
    if connection.vendor == "postgresql":
        unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(t._elements::jsonb) AS e(value)"
    else:
        unnest = "CROSS JOIN json_each(t._elements) AS e"
    query = f"SELECT e.value, SUM(t._weight) FROM ({sql}) AS t {unnest} GROUP BY e.value"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {str(value): int(total or 0) for value, total in cursor.fetchall()}


def object_sums(queryset: QuerySet[Any], field: str) -> dict[str, int]:
    """Return {key: sum of the values} over the JSON objects of ``field``."""
    sql, params = queryset.order_by().annotate(_object=F(field)).values_list("_object").query.sql_with_params()
    if connection.vendor == "postgresql":
        query = (
            f"SELECT e.key, SUM(e.value::bigint) FROM ({sql}) AS t "  # noqa: S608
            "CROSS JOIN LATERAL jsonb_each_text(t._object::jsonb) AS e GROUP BY e.key"
        )
    else:
        query = f"SELECT e.key, SUM(e.value) FROM ({sql}) AS t CROSS JOIN json_each(t._object) AS e GROUP BY e.key"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {str(key): int(total or 0) for key, total in cursor.fetchall()}
