"""Re-encrypt every encrypted value with the current key, in small transactions (no downtime).

Readers keep working during the run: each value names its key, and the old key stays in the ring until the
run is over. Rows are rewritten by a plain UPDATE so that no model logic (timestamps, signals) fires, and only if
the value is still the one read: a value edited meanwhile was sealed with the current key by its writer, and is
left as it is (rewriting it would bring the old value back). Each value is decrypted with its own row's
binding; a value that does not decrypt stops the run (it is named in the error): rotation never takes an
unreadable value for plaintext.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction

from .crypto import DecryptionError, key_id_of, key_id_of_bytes, keyring
from .fields import ROW_UID, Sealed, encrypted_fields


def rotate_all(*, batch_size: int = 500, progress: Callable[[str], object] | None = None) -> dict[str, int]:
    """Return, per model field, how many values were rewritten."""
    current = keyring().current
    report: dict[str, int] = {}
    for model, field in encrypted_fields():
        label = f"{model._meta.label}.{field.name}"
        done = 0
        last_pk = 0
        # Documents weigh up to 10 MB each: rotate them a few at a time to bound memory.
        size = min(batch_size, 5) if isinstance(field, models.BinaryField) else batch_size
        while True:
            rows = _raw_batch(model, field, last_pk, size)
            if not rows:
                break
            with transaction.atomic():
                for pk, row_uid, stored in rows:
                    stored = _loaded(field, stored)
                    if not isinstance(stored, Sealed):
                        continue  # empty
                    is_bytes = isinstance(stored.stored, bytes)
                    key_id = key_id_of_bytes(stored.stored) if is_bytes else key_id_of(stored.stored)
                    if key_id == current:
                        continue
                    try:
                        clear = field.unseal(stored.stored, row_uid)  # type: ignore[attr-defined]
                    except DecryptionError as exc:
                        raise DecryptionError(f"{label}, ligne {pk} : {exc}") from exc
                    value = Sealed(field.seal(clear, row_uid))  # type: ignore[attr-defined]
                    done += rewrite_if_unchanged(model, field, pk, read=stored.stored, value=value)
            last_pk = rows[-1][0]
        report[label] = done
        if progress is not None:
            progress(f"{label} : {done}")
    return report


def rewrite_if_unchanged(model: Any, field: Any, pk: int, *, read: str | bytes, value: Sealed) -> int:
    """Store ``value`` in the row's field if the field still holds ``read``; return 1 if it was rewritten."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {quote(model._meta.pk.column)} = %s AND {column} = %s",  # noqa: S608
            [field.get_db_prep_save(value, connection), pk, read],
        )
        return cursor.rowcount


def _loaded(field: Any, stored: Any) -> Any:
    return field.from_db_value(stored, None, connection)


def _raw_batch(model, field, last_pk, batch_size):  # type: ignore[no-untyped-def]
    """Read stored (still encrypted) values and their row identity, without the field's decryption."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(field.column)
    row_uid = quote(model._meta.get_field(ROW_UID).column)
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk_column}, {row_uid}, {column} FROM {table} WHERE {pk_column} > %s "  # noqa: S608
            f"ORDER BY {pk_column} LIMIT %s",
            [last_pk, batch_size],
        )
        return cursor.fetchall()
