"""Base form of the web interface."""

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from appui.core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, text_length_validator


def bound_free_text(fields: Mapping[str, forms.Field], limits: Mapping[str, int]) -> None:
    """Give every text field without a maximum length one: ``limits[name]``, else the limit of a longer text for
    a text area and of a line for any other input (appui.core.text). Fields that declare their own keep it."""
    for name, field in fields.items():
        if not isinstance(field, forms.CharField) or field.max_length is not None:
            continue
        if name in limits:
            limit = limits[name]
        elif isinstance(field.widget, forms.Textarea):
            limit = LONG_TEXT_MAX
        else:
            limit = SHORT_TEXT_MAX
        field.max_length = limit
        field.validators.append(text_length_validator(limit))
        field.widget.attrs.update(field.widget_attrs(field.widget))


class BoundedTextMixin:
    """Bound every text field of the form (``bound_free_text``), including fields added by a subclass's
    ``__init__``: they are bounded again just before validation. ``text_limits`` sets a field's own limit."""

    text_limits: ClassVar[dict[str, int]] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_free_text(self.fields, self.text_limits)

    def full_clean(self) -> None:
        bound_free_text(self.fields, self.text_limits)
        super().full_clean()  # type: ignore[misc]


class AppuiForm(BoundedTextMixin, DsfrBaseForm):
    """A DSFR-styled form that marks optional fields (the DSFR recommendation) without warnings."""

    def get_context(self) -> dict[str, Any]:
        context = forms.Form.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", True)
        return context

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields, or on the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class InlineRadioSelect(forms.RadioSelect):
    """Radio buttons laid out on one line (DSFR ``fr-fieldset__element--inline``)."""

    inline = True


class InlineCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes laid out on lines rather than one per row."""

    inline = True
