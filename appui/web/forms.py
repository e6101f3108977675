"""Base form of the web interface."""

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from appui.core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, text_length_validator
from appui.web.widget_html import INPUT_SNIPPET, WIDGET_HTML, input_snippet


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


class AppuiFormRenderer(DsfrDjangoTemplates):
    """django-dsfr's form renderer, with inputs and options written directly (``appui.web.widget_html``)."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if request is None:
            html = WIDGET_HTML.get(template_name)
            if html is not None:
                return html(context["widget"])
            if template_name == INPUT_SNIPPET and set(context) == {"field"}:
                return input_snippet(context["field"])
        return super().render(template_name, context, request)


# One renderer for the whole process. django-dsfr's forms name a renderer class, which Django instantiates for
# every form: each form then built its own template engine and parsed every field template again (most of the
# time of a page with a form). Sharing one instance keeps the parsed templates.
FORM_RENDERER = AppuiFormRenderer()


class AppuiForm(BoundedTextMixin, DsfrBaseForm):
    """A DSFR-styled form that marks optional fields (the DSFR recommendation) without warnings."""

    default_renderer = FORM_RENDERER

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


@dataclass(frozen=True)
class FieldChange:
    """One field where the record now differs from what the member typed; masked when they may not read it."""

    label: str
    now: str = ""
    typed: str = ""
    masked: bool = False


def _display(field: forms.Field, value: Any) -> str:
    """Return ``value`` as the member reads it in the form: choice labels, French dates."""
    if value in (None, "") or value == []:
        return "(vide)"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(field.label_from_instance(item)) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): str(label) for key, label in field.choices}  # type: ignore[attr-defined]
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in values)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


class VersionedForm(BoundedTextMixin, forms.Form):
    """A form that edits a versioned record (appui.core.versions): it carries the version it was opened on.

    When the record moved on meanwhile, the view calls ``show_stale``: the member's input stays in the form, the
    hidden version becomes the current one (sending again overwrites, knowingly), and ``stale_changes`` lists,
    field by field, where the record now differs from what they typed.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    stale_changes: list[FieldChange] | None = None

    def __init__(self, *args: Any, versioned: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not versioned:
            del self.fields["version"]

    def show_stale(self, *, now: dict[str, Any], version: int, masked: Collection[str] = ()) -> None:
        """Compare the member's input with the record's current values ``now`` (as the form's initial data).

        ``masked`` names the fields the member may not read: they are only said to differ, never shown.
        """
        changes = []
        for name, field in self.fields.items():
            if name == "version" or name not in now:
                continue
            typed = self[name].data
            if not field.has_changed(now[name], typed):
                continue
            label = str(field.label or name)
            if name in masked:
                changes.append(FieldChange(label=label, masked=True))
                continue
            try:
                typed = field.clean(typed)
            except ValidationError:
                pass
            changes.append(FieldChange(label=label, now=_display(field, now[name]), typed=_display(field, typed)))
        self.stale_changes = changes
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)
