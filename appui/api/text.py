"""Free text sent to the API is bounded like the web forms' (appui.core.text)."""

from typing import Any

from rest_framework import serializers

from appui.core.text import LONG_TEXT_MAX, text_length_validator


def bound_field(field: serializers.Field) -> None:
    """Give a text field without a maximum length the limit of a longer text, looking into lists and dicts."""
    if isinstance(field, (serializers.ListField, serializers.DictField)):
        bound_field(field.child)
    elif isinstance(field, serializers.CharField) and field.max_length is None:
        field.max_length = LONG_TEXT_MAX
        field.validators.append(text_length_validator(LONG_TEXT_MAX))


class BoundedSerializer(serializers.Serializer):
    """A serializer whose text fields all have a maximum length: those that declare one keep it."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for field in fields.values():
            bound_field(field)
        return fields
