"""Model fields encrypted at rest (see appui.core.crypto and docs/chiffrement.md).

Each value is bound to its table, its column and its row. A row's identity is its ``row_uid``, a random UUID
drawn in Python when the instance is built: it is known before the INSERT (an auto-increment id is not), so
``save``, ``bulk_create`` and the caseload's ``COPY`` all encrypt in one step.

Reading goes through a descriptor: the database value stays sealed (``Sealed``) until the attribute is read, then
it is decrypted with the instance's ``row_uid``. A value that is not a well-formed ciphertext of that very place
raises ``DecryptionError`` (logged on the ``appui.crypto`` logger); it is never taken for plaintext.

Writing: ``Model.save`` and ``bulk_create`` encrypt through ``pre_save``. ``QuerySet.update`` knows no row, so it
accepts only an empty value or a value sealed for the row with ``sealed_for``. Encrypted fields cannot be
filtered, ordered or aggregated on (beyond emptiness).
"""

import datetime
import json
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property

from . import crypto

logger = logging.getLogger("appui.crypto")

ROW_UID = "row_uid"
# ``json.dumps(value, ensure_ascii=False)`` without building an encoder for each value.
_json_text = json.JSONEncoder(ensure_ascii=False).encode


class Sealed:
    """A value as stored (still encrypted), known to come from the database or from ``sealed_for``.

    The type, not the look of the value, says it is a ciphertext: a user who types ``enc2:…`` writes a str,
    which is encrypted like any other.
    """

    __slots__ = ("stored",)

    def __init__(self, stored: Any) -> None:
        self.stored = stored

    def __repr__(self) -> str:
        return "<Sealed>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.stored == self.stored

    def __hash__(self) -> int:
        return hash(self.stored)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sealed, (self.stored,))


class RowUidField(models.UUIDField):
    """The random identity of a row, bound into each of its encrypted values (never shown, never changed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", uuid.uuid4)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("verbose_name", "identité de la ligne (chiffrement)")
        super().__init__(*args, **kwargs)


def row_aad(model: type[models.Model], column: str, row_uid: Any) -> bytes:
    if row_uid is None:
        raise crypto.DecryptionError(f"Ligne sans identité de chiffrement ({model._meta.db_table}.{column}).")
    # The same identity whether it comes from the ORM (UUID) or raw SQL (SQLite: 32 hex digits).
    row = row_uid if isinstance(row_uid, uuid.UUID) else uuid.UUID(str(row_uid))
    return crypto.associated_data(table=model._meta.db_table, column=column, row=row.hex)


class EncryptedAttribute(DeferredAttribute):
    """Decrypt on first read, with the instance's row identity; keep the plaintext afterwards."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field: Any = self.field
            row_uid = getattr(instance, ROW_UID) if field.bound_to_rows else None
            value = field.unseal(value.stored, row_uid)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    """Seal on the way to the database, unseal on first read; table, column and row are the associated data."""

    encrypted = True
    descriptor_class: Any = EncryptedAttribute
    # What an empty value is stored as, in clear: emptiness is not secret, and erasing with ``update`` needs it.
    empty_stored: Any = ""

    model: Any
    attname: Any
    column: Any
    name: Any

    def is_empty(self, value: Any) -> bool:
        return value == ""

    def empty_value(self, stored: Any) -> Any:
        return ""

    def encode(self, value: Any) -> bytes | str:
        raise NotImplementedError

    def decode(self, clear: Any) -> Any:
        raise NotImplementedError

    def aad(self, row_uid: Any) -> bytes:
        return row_aad(self.model, self.column, row_uid)

    @cached_property
    def bound_to_rows(self) -> bool:
        """Whether the model has its row identity. Only a migration's model state from before the migration
        that added it lacks one (the system check requires it of every model): such a state reads and writes the
        first form, as the code of that time did, so that older data migrations run unchanged."""
        return any(field.name == ROW_UID for field in self.model._meta.concrete_fields)

    @property
    def legacy_context(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.object_name}.{self.name}"

    def seal(self, value: Any, row_uid: Any) -> Any:
        """Return the stored form of ``value`` for the row ``row_uid`` (empty values stay empty)."""
        if value is None:
            return None
        if self.is_empty(value):
            return self.empty_stored
        encoded = self.encode(value)
        if not self.bound_to_rows:
            if isinstance(encoded, bytes):
                return crypto.legacy_seal_bytes(encoded, context=self.legacy_context)
            return crypto.legacy_seal(encoded, context=self.legacy_context)
        if isinstance(encoded, bytes):
            return crypto.seal_bytes(encoded, aad=self.aad(row_uid))
        return crypto.seal(encoded, aad=self.aad(row_uid))

    def row_sealer(self) -> Callable[[Any, uuid.UUID], Any]:
        """Return a function that does what ``seal`` does, for thousands of rows in a row (a caseload's results):
        the cipher and the column's part of the associated data are prepared once."""
        if not self.bound_to_rows:
            return self.seal
        seal_text = crypto.text_sealer()
        # ``row_aad`` for this table and column, but the row: the same bytes, joined once.
        prefix = crypto.column_associated_data(table=self.model._meta.db_table, column=self.column)
        seal = self.seal
        is_empty = self.is_empty
        encode = self.encode

        def seal_row(value: Any, row_uid: uuid.UUID) -> Any:
            if value is None or is_empty(value):
                return seal(value, row_uid)  # stored in clear, as ``seal`` does
            encoded = encode(value)
            aad = prefix + row_uid.hex.encode()
            if isinstance(encoded, bytes):
                return crypto.seal_bytes(encoded, aad=aad)
            return seal_text(encoded, aad)

        return seal_row

    def unseal(self, stored: Any, row_uid: Any) -> Any:
        if not self.bound_to_rows:
            if isinstance(stored, (bytes, memoryview)):
                opened_bytes = crypto.legacy_unseal_bytes(bytes(stored), context=self.legacy_context)
                return self.decode(bytes(stored) if opened_bytes is None else opened_bytes)
            opened = crypto.legacy_unseal(stored, context=self.legacy_context)
            return self.decode(stored if opened is None else opened)
        try:
            if isinstance(stored, (bytes, memoryview)):
                return self.decode(crypto.unseal_bytes(bytes(stored), aad=self.aad(row_uid)))
            return self.decode(crypto.unseal(stored, aad=self.aad(row_uid)))
        except crypto.DecryptionError:
            logger.error(
                "Encrypted value unreadable: %s.%s, row %s (missing key, altered value, or another row's value)",
                self.model._meta.db_table,
                self.column,
                row_uid,
            )
            raise

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = bytes(value)
        if value == self.empty_stored or (isinstance(value, str) and value in self.clear_empty_forms()):
            return self.empty_value(value)
        return Sealed(value)

    def clear_empty_forms(self) -> tuple[str, ...]:
        return ()

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value  # never read since loaded: written back as it is
        if self.is_empty(value):
            return value
        row_uid = getattr(model_instance, ROW_UID) if self.bound_to_rows else None
        return Sealed(self.seal(value, row_uid))

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.stored
        if self.is_empty(value):
            return self.empty_stored
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is encrypted for its row: write it with save() or "
            "appui.core.fields.sealed_for(), it cannot be filtered on."
        )

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedTextField(EncryptedMixin, models.TextField):
    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, clear: str) -> str:
        return clear


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date stored encrypted (ISO form): it cannot be compared or ordered in SQL."""

    def empty_value(self, stored: Any) -> Any:
        return None

    def encode(self, value: Any) -> str:
        date = self.to_python(value)
        return date.isoformat() if date else ""

    def decode(self, clear: str) -> datetime.date | None:
        return datetime.date.fromisoformat(clear) if clear else None

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return self.get_prep_value(value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (list or dict) stored encrypted as text; ``{}`` and ``[]`` are stored as they are."""

    if TYPE_CHECKING:  # what django-stubs reads: a JSON value in, a JSON value out
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def is_empty(self, value: Any) -> bool:
        return value == {} or value == []

    def seal(self, value: Any, row_uid: Any) -> Any:
        if value == {}:
            return "{}"
        if value == []:
            return "[]"
        return EncryptedMixin.seal(self, value, row_uid)

    def clear_empty_forms(self) -> tuple[str, ...]:
        return ("{}", "[]")

    def empty_value(self, stored: Any) -> Any:
        return {} if stored == "{}" else []

    def encode(self, value: Any) -> str:
        return _json_text(value)

    def decode(self, clear: str) -> Any:
        return json.loads(clear)

    def get_prep_value(self, value: Any) -> Any:
        if value == {}:
            return "{}"
        if value == []:
            return "[]"
        return EncryptedMixin.get_prep_value(self, value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> Any:
        return None


class EncryptedBinaryField(EncryptedMixin, models.BinaryField):
    """Binary content (a document, a PDF, an image) stored encrypted."""

    empty_stored = b""

    def is_empty(self, value: Any) -> bool:
        return value in (b"", bytearray())

    def empty_value(self, stored: Any) -> Any:
        return b""

    def encode(self, value: Any) -> bytes:
        return bytes(value)

    def decode(self, clear: bytes) -> bytes:
        return clear

    def get_internal_type(self) -> str:
        return "BinaryField"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = EncryptedMixin.get_prep_value(self, value)
        return None if value is None else connection.Database.Binary(value)


def sealed_for(instance: models.Model, field_name: str, value: Any) -> Sealed:
    """Return ``value`` sealed for ``instance``'s row, to write with ``QuerySet.update`` on that row only."""
    field = instance._meta.get_field(field_name)
    return Sealed(field.seal(value, getattr(instance, ROW_UID)))  # type: ignore[union-attr]


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Return every (model, field) stored encrypted, for key rotation and checks."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "encrypted", False)
    ]
