"""The commune field of every form: a text box with suggestions (an ARIA 1.2 combobox) that also works without
JavaScript.

- ``CommuneField`` cleans to a ``Commune``: the person may type a name, a postal code, or pick a suggestion.
  With JavaScript, picking a suggestion fills a hidden input with the INSEE code; without it, the typed text is
  resolved by ``appui.core.communes.resolve_commune`` and an ambiguous text is refused with the candidates
  listed (« Saint-Denis (93) », « Saint-Denis (974) »…), so that typing one of them works.
- ``commune_suggestions`` answers the widget (JSON: code, label) for a name prefix without accents or case, or
  the beginning of a postal code.
- ``web/communes.js`` is the combobox: arrow keys move in the list, Enter picks, Escape closes, and a polite
  live region announces the number of suggestions to screen readers.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from appui.core.communes import Commune, get_commune, resolve_commune, search_communes

MAX_SUGGESTIONS = 10


class CommuneWidget(forms.MultiWidget):
    """A visible text input (the name) and a hidden input (the INSEE code picked among the suggestions)."""

    template_name = "web/communes/widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        text_attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        super().__init__({"": forms.TextInput(attrs=text_attrs), "code": forms.HiddenInput()}, attrs)

    def decompress(self, value: Any) -> list[str]:
        commune = value if isinstance(value, Commune) else get_commune(value or "")
        if commune is None:
            return [value or "", ""]
        return [commune.label, commune.code]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, list) and len(value) == 2 and not value[0] and get_commune(value[1]):
            value = self.decompress(value[1])  # a commune given by its code only: show its name
        return super().get_context(name, value, attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_  # the label names the text input (MultiWidget points it nowhere)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [data.get(name, ""), data.get(f"{name}_code", "")]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_code" not in data


class CommuneField(forms.Field):
    """A commune of the Code officiel géographique, typed or picked among suggestions."""

    widget = CommuneWidget
    template_name = "web/communes/field.html"
    default_error_messages = {
        "unknown": "Commune inconnue : tapez son nom ou son code postal, puis choisissez-la dans la liste.",
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", "Nom ou code postal, par exemple « Villeurbanne » ou « 69100 ».")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Commune | None:
        if isinstance(value, Commune) or value is None:
            return value
        text, code = (value + ["", ""])[:2] if isinstance(value, list) else (str(value), "")
        text = (text or "").strip()
        picked = get_commune(code) if code else None
        if picked is not None and (not text or text == picked.label):
            return picked
        if not text:
            return None
        commune, candidates = resolve_commune(text)
        if commune is not None:
            return commune
        if candidates:
            names = ", ".join(f"« {c.label} »" for c in candidates[:6])
            raise ValidationError(
                f"Plusieurs communes correspondent à « {text} » : {names}. Choisissez-en une.", code="ambiguous"
            )
        raise ValidationError(self.error_messages["unknown"], code="unknown")

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old = initial if isinstance(initial, Commune) else get_commune(initial or "")
        return getattr(new, "code", None) != getattr(old, "code", None)


@require_GET
def commune_suggestions(request: HttpRequest) -> JsonResponse:
    """Return up to ten communes for the text typed: [{"code", "label", "name"}]."""
    query = request.GET.get("q", "")[:60]
    communes = search_communes(query, limit=MAX_SUGGESTIONS) if len(query.strip()) >= 2 else []
    return JsonResponse(
        {"results": [{"code": c.code, "label": c.label, "name": c.name} for c in communes]},
    )
