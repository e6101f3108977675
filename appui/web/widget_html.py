"""The HTML of the most frequent form widgets and field groups, in Python, identical to their templates' output.

A page with a form renders each input, checkbox and radio button through Django's template engine: the option's
template, then ``input.html``, then ``attrs.html``, each with its own context and variable lookups. The entry
form of an accompaniment has about seventy options; rendering them was close to half of the page's time. These
functions give, for the same widget context, exactly the string the templates give (django-dsfr's templates for
options, Django's for inputs); ``tests/web/test_widget_html.py`` renders a matrix of widgets both ways and
compares them byte for byte, so an upgrade of either package that changes a template is caught.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from dsfr.templatetags.dsfr_tags import dsfr_input_class_attr, dsfr_mark_optionnal_fields

_CONTEXT = Context(autoescape=True)  # the output rules of a template (localisation, time zone, escaping)

# The templates that only include django/forms/widgets/input.html (Django 5.2).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _out(value: Any) -> str:
    """``{{ value }}``."""
    if type(value) is str:  # nothing to localise: escaped as a template does
        return conditional_escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` (the filter keeps a safe value safe)."""
    text = f"{value}"
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _lookup(value: Any, key: str) -> Any:
    """``value.key`` in a template: a dictionary key, else an attribute, else an empty string (what an unknown
    variable prints)."""
    if isinstance(value, Mapping):
        return value.get(key, "")
    return getattr(value, key, "")


def input_tag(widget: Mapping[str, Any]) -> str:
    """``django/forms/widgets/input.html``, without its final line break."""
    parts = [f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is not False:
            parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"')
    parts.append(">")
    return "".join(parts)


def _label(widget: Mapping[str, Any], *, hint_always: bool) -> str:
    """The ``<label>`` part of django-dsfr's option templates, with their exact spacing."""
    attrs = widget["attrs"]
    for_attr = f'for="{_out(attrs["id"])}"' if attrs.get("id") else ""
    label = widget["label"]
    rich = _lookup(label, "label")
    hint_id = f"{_out(attrs.get('id', ''))}_helptext"
    if rich:
        text = (
            f"\n        {_out(rich)}\n"
            f'        <span class="fr-hint-text" id="{hint_id}">{_out(_lookup(label, "help_text"))}</span>\n      '
        )
    elif hint_always:
        text = (
            f"\n        {_out(label)}\n"
            f'        <span class="fr-hint-text" id="{hint_id}">{_out(_lookup(label, "help_text"))}</span>\n      '
        )
    else:
        text = f"\n        {_out(label)}\n      "
    return f'\n    <label class="fr-label"\n           {for_attr}>\n      {text}\n    </label>\n  '


def _option(widget: Mapping[str, Any], *, group: str, hint_always: bool) -> str:
    """An option in django-dsfr's spacing: in a ``group`` div when one is given, its input, then its label."""
    html = f'\n  <div class="{group}">\n  ' if group else ""
    html += f"\n  {input_tag(widget)}\n\n  "
    if widget.get("wrap_label"):
        html += _label(widget, hint_always=hint_always)
    html += "\n  "
    if group:
        html += "\n  </div>\n"
    return html.strip()


def checkbox_option(widget: Mapping[str, Any]) -> str:
    """django-dsfr's ``django/forms/widgets/checkbox_option.html``."""
    group = "fr-checkbox-group" if widget["attrs"].get("dsfr") == "dsfr" else ""
    return _option(widget, group=group, hint_always=False)


def radio_option(widget: Mapping[str, Any]) -> str:
    """django-dsfr's ``django/forms/widgets/radio_option.html`` (always in its group, at other indentation)."""
    html = f'<div class="fr-radio-group">\n  {input_tag(widget)}\n\n  '
    if widget.get("wrap_label"):
        html += _label(widget, hint_always=False)
    return (html + "\n</div>").strip()


def input_option(widget: Mapping[str, Any]) -> str:
    """django-dsfr's ``django/forms/widgets/input_option.html``."""
    group = "fr-radio-group" if widget.get("type") == "radio" else ""
    return _option(widget, group=group, hint_always=True)


def _plain_input(widget: Mapping[str, Any]) -> str:
    return input_tag(widget)


INPUT_SNIPPET = "dsfr/form_field_snippets/input_snippet.html"


def input_snippet(field: Any) -> str:
    """django-dsfr's ``dsfr/form_field_snippets/input_snippet.html``: label, hint, input, errors of one field."""
    widget = field.field.widget
    # The group's class is read before dsfr_input_class_attr sets it on a select, as the template does.
    group = _out(getattr(widget, "group_class", "") or "fr-input-group")
    errors = field.errors
    css = group + (f" {group}--error" if errors else "") + (" fr-input-group--disabled" if field.field.disabled else "")
    label_for = _out(field.id_for_label)
    hint = (
        f'\n      <span class="fr-hint-text" id="{label_for}_helptext">{field.help_text}</span>\n    '
        if field.help_text
        else ""
    )
    html = (
        f'\n\n<div class="{css}">\n  <label for="{label_for}" class="fr-label">\n    \n    '
        f"{_out(field.label)}{_out(dsfr_mark_optionnal_fields(field))}\n    {hint}\n    \n  </label>\n  "
        f"{_out(dsfr_input_class_attr(field))}\n  "
    )
    if errors:
        html += f'\n    <div id="{_out(field.auto_id)}-desc-error">\n      {_out(errors)}\n    </div>\n  '
    return (html + "\n</div>\n").strip()


WIDGET_HTML: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "django/forms/widgets/checkbox_option.html": checkbox_option,
    "django/forms/widgets/radio_option.html": radio_option,
    "django/forms/widgets/input_option.html": input_option,
    **dict.fromkeys(INPUT_TEMPLATES, _plain_input),
}
