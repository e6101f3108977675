"""Re-encrypt every encrypted value with the current key, in small transactions (no downtime).

Readers keep working during the run: each value names its key, and the old key stays in the ring until the
run is over. Rows are rewritten with queryset.update so that no model logic (timestamps, signals) fires.
"""

from collections.abc import Callable

from django.db import models, transaction

from .crypto import decrypt_bytes, encrypt, encrypt_bytes, is_encrypted, key_id_of, key_id_of_bytes, keyring
from .fields import encrypted_fields


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
                for pk, stored in rows:
                    if stored in (None, "", b""):
                        continue
                    if isinstance(stored, (bytes, memoryview)):
                        stored = bytes(stored)
                        if key_id_of_bytes(stored) == current:
                            continue
                        clear = decrypt_bytes(stored, context=field.encryption_context)  # type: ignore[attr-defined]
                        value: object = encrypt_bytes(clear, context=field.encryption_context)  # type: ignore[attr-defined]
                    else:
                        if key_id_of(stored) == current:
                            continue
                        value = encrypt(_plaintext(field, stored), context=field.encryption_context)  # type: ignore[attr-defined]
                    model._base_manager.filter(pk=pk).update(**{field.attname: value})
                    done += 1
            last_pk = rows[-1][0]
        report[label] = done
        if progress is not None:
            progress(f"{label} : {done}")
    return report


def _raw_batch(model, field, last_pk, batch_size):  # type: ignore[no-untyped-def]
    """Read stored (still encrypted) values without the field's decryption."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(field.column)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk_column}, {column} FROM {table} WHERE {pk_column} > %s ORDER BY {pk_column} LIMIT %s",  # noqa: S608
            [last_pk, batch_size],
        )
        return cursor.fetchall()


def _plaintext(field, stored: str) -> str:  # type: ignore[no-untyped-def]
    from .crypto import decrypt

    if not is_encrypted(stored):
        return stored  # written before encryption was switched on
    return decrypt(stored, context=field.encryption_context)
