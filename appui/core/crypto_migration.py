"""Data migrations to the row-bound encryption (docs/chiffrement.md): the only code that accepts plaintext.

``bind_rows`` gives each row its ``row_uid`` and rewrites the named columns in the current form:
- a first-form value (``enc1:``, bound to the model field only) is decrypted with that binding; one that is well
  formed but does not decrypt stops the migration (a key is missing from the ring: add it, run again);
- anything else was stored in clear (a column encrypted for the first time, or a note typed ``enc1:…`` that the
  first form let through) and is encrypted as it is.
Going back writes the first form again (``legacy``) or the clear value (columns that were in clear).
"""

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import migrations

from . import crypto
from .fields import ROW_UID, Sealed

BATCH = 500


def bind_rows(
    app_label: str, model_name: str, *, legacy: Iterable[str] = (), clear: Iterable[str] = ()
) -> migrations.RunPython:
    """Return the RunPython operation moving ``legacy`` (first form) and ``clear`` columns to the current form."""
    legacy, clear = tuple(legacy), tuple(clear)

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        _rewrite(
            model, schema_editor.connection, legacy + clear, lambda field, raw, row: _forward(field, raw, row, legacy)
        )

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        _rewrite(
            model, schema_editor.connection, legacy + clear, lambda field, raw, row: _backward(field, raw, row, legacy)
        )

    return migrations.RunPython(forward, backward, elidable=False)


def _context(field: Any) -> str:
    return f"{field.model._meta.app_label}.{field.model._meta.object_name}.{field.name}"


def _forward(field: Any, raw: Any, row_uid: Any, legacy: tuple[str, ...]) -> Any:
    if raw is None:
        return None
    if isinstance(raw, memoryview):
        raw = bytes(raw)
    if isinstance(raw, bytes):
        opened = crypto.legacy_unseal_bytes(raw, context=_context(field)) if field.name in legacy else None
        return field.seal(raw if opened is None else opened, row_uid)
    if not isinstance(raw, str):
        raw = raw.isoformat()  # a date column read before its type changed
    opened_text = crypto.legacy_unseal(raw, context=_context(field)) if field.name in legacy else None
    clear = raw if opened_text is None else opened_text
    if clear == "":
        return ""
    return field.seal(field.decode(clear), row_uid)


def _backward(field: Any, raw: Any, row_uid: Any, legacy: tuple[str, ...]) -> Any:
    loaded = field.from_db_value(raw, None, None)
    value = field.unseal(loaded.stored, row_uid) if isinstance(loaded, Sealed) else loaded
    if value is None or value == "" or value == b"":
        return value
    encoded = field.encode(value)
    if field.name not in legacy:
        return encoded
    if isinstance(encoded, bytes):
        return crypto.legacy_seal_bytes(encoded, context=_context(field))
    return crypto.legacy_seal(encoded, context=_context(field))


def _rewrite(model: Any, connection: Any, names: tuple[str, ...], convert: Callable[[Any, Any, Any], Any]) -> None:
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    uid_field = model._meta.get_field(ROW_UID)
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in [uid_field, *fields])
    last = None
    with connection.cursor() as cursor:
        while True:
            where = "" if last is None else f"WHERE {pk} > %s "
            cursor.execute(
                f"SELECT {pk}, {quote(uid_field.column)}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                ([] if last is None else [last]) + [BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for pk_value, row_uid, *values in rows:
                row_uid = uuid.uuid4() if row_uid is None else row_uid
                new_values = [convert(field, raw, row_uid) for field, raw in zip(fields, values, strict=True)]
                prepared_uid = uid_field.get_db_prep_value(
                    row_uid if isinstance(row_uid, uuid.UUID) else uuid.UUID(str(row_uid)), connection
                )
                updates.append([prepared_uid, *new_values, pk_value])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)  # noqa: S608
            last = rows[-1][0]
        if connection.vendor == "postgresql":
            # The rows' deferred foreign-key checks would otherwise still be pending when the same migration
            # alters the table next (PostgreSQL refuses an ALTER TABLE with pending trigger events).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
