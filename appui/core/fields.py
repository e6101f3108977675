"""Model fields encrypted at rest (see appui.core.crypto). They cannot be filtered or ordered on."""

import json
from typing import Any

from django.db import models

from .crypto import BINARY_PREFIX, decrypt, decrypt_bytes, encrypt, encrypt_bytes, is_encrypted


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back; the field's label is the AAD."""

    encrypted = True

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)  # type: ignore[misc]
        self.encryption_context = f"{cls._meta.app_label}.{cls._meta.object_name}.{name}"

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedTextField(EncryptedMixin, models.TextField):
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_encrypted(value):
            return value
        return encrypt(value, context=self.encryption_context)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (list or dict) stored encrypted as text."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return json.loads(decrypt(value, context=self.encryption_context) or "null")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(decrypt(value, context=self.encryption_context) or "null")
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and is_encrypted(value):
            return value
        return encrypt(json.dumps(value, ensure_ascii=False), context=self.encryption_context)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> Any:
        return None


class EncryptedBinaryField(EncryptedMixin, models.BinaryField):
    """Binary content (a document) stored encrypted."""

    def get_internal_type(self) -> str:
        return "BinaryField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt_bytes(bytes(value), context=self.encryption_context)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and not bytes(value).startswith(BINARY_PREFIX):
            value = encrypt_bytes(bytes(value), context=self.encryption_context)
        return super().get_db_prep_value(value, connection, prepared)


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Return every (model, field) stored encrypted, for key rotation and checks."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "encrypted", False)
    ]
