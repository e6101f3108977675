"""The widgets written in Python (appui.web.widget_html) give exactly what their templates give."""

import datetime

import pytest
from django import forms
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrDjangoTemplates

from appui.web.forms import FORM_RENDERER, AppuiForm, InlineCheckboxSelectMultiple, InlineRadioSelect
from appui.web.widget_html import INPUT_SNIPPET, INPUT_TEMPLATES, WIDGET_HTML, input_snippet

TEMPLATES = DsfrDjangoTemplates()  # django-dsfr's renderer, every widget through its template

TRICKY = 'L\'« aide » <b>&</b> "vite"'
CHOICES = [("papiers", "Papiers"), ("a&b", TRICKY), ("3", 3), ("riche", {"label": "Riche", "help_text": "Aide <i>"})]

WIDGETS = [
    (forms.TextInput(), "Jean"),
    (forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 200, "data-x": TRICKY}), TRICKY),
    (forms.TextInput(), mark_safe("<em>déjà sûr</em>")),  # noqa: S308 (what a safe value gives, on purpose)
    (forms.TextInput(), None),
    (forms.NumberInput(attrs={"min": 0, "step": "0.01"}), 12.5),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), datetime.date(2026, 11, 30)),
    (forms.EmailInput(), "a@b.fr"),
    (forms.PasswordInput(render_value=False), "secret"),
    (forms.HiddenInput(), 7),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"dsfr": "dsfr"}), False),
    (forms.TimeInput(), datetime.time(9, 30)),
    (forms.URLInput(), "https://exemple.fr/?a=1&b=2"),
    (forms.FileInput(), None),
    (forms.DateTimeInput(), datetime.datetime(2026, 11, 30, 9, 5)),
    (forms.ColorInput(), "#000091"),
    (forms.SearchInput(), "lefèvre"),
    (forms.TelInput(), "06 12 34 56 78"),
]

OPTION_WIDGETS = [
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["papiers", "3"]),
    (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"dsfr": "dsfr"}), ["a&b"]),
    (InlineCheckboxSelectMultiple(choices=CHOICES), []),
    (forms.RadioSelect(choices=CHOICES), "riche"),
    (InlineRadioSelect(choices=CHOICES, attrs={"required": True}), "3"),
    (forms.RadioSelect(choices=CHOICES), None),
]


def _contexts():
    for index, (widget, value) in enumerate(WIDGETS):
        for attrs in ({"id": f"id_champ{index}"}, {}):
            yield widget.template_name, widget.get_context(f"champ{index}", value, attrs)
    for index, (widget, value) in enumerate(OPTION_WIDGETS):
        for attrs in ({"id": f"id_choix{index}"}, {}):
            context = widget.get_context(f"choix{index}", value, attrs)
            for _group, options, _index in context["widget"]["optgroups"]:
                for option in options:
                    for wrap_label in (True, False):
                        yield option["template_name"], {"widget": {**option, "wrap_label": wrap_label}}
                        # django-dsfr's template for an option with the type's own template
                        yield "django/forms/widgets/input_option.html", {"widget": {**option, "wrap_label": wrap_label}}


CASES = list(_contexts())


@pytest.mark.parametrize(
    ("template_name", "context"), CASES, ids=[f"{i}-{c[0].rsplit('/')[-1]}" for i, c in enumerate(CASES)]
)
def test_a_widget_written_in_python_is_byte_for_byte_its_template(template_name, context):
    assert template_name in WIDGET_HTML
    assert WIDGET_HTML[template_name](context["widget"]) == TEMPLATES.render(template_name, context)


def test_every_template_written_in_python_is_compared_with_its_template():
    assert set(WIDGET_HTML) == {name for name, _ in CASES}
    assert INPUT_TEMPLATES < set(WIDGET_HTML)


class _EveryKindForm(AppuiForm):
    name = forms.CharField(label="Nom", help_text="Comme sur la pièce d'identité")
    age = forms.IntegerField(label="Âge", required=False)
    day = forms.DateField(label="Jour", widget=forms.DateInput(attrs={"type": "date"}))
    agreed = forms.BooleanField(label="D'accord", required=False)
    themes = forms.MultipleChoiceField(label="Thèmes", choices=CHOICES, widget=InlineCheckboxSelectMultiple)
    mode = forms.ChoiceField(label="Mode", choices=CHOICES, widget=InlineRadioSelect)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(label="Sorte", choices=[("", "—"), *CHOICES[:3]], required=False)
    code = forms.CharField(label="Code", disabled=True, required=False, help_text="Donné par <abbr>la CAF</abbr>")
    email = forms.EmailField(label="Courriel <perso>", required=False, widget=forms.EmailInput(attrs={"class": "x"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize(
    "data", [None, {"name": TRICKY, "age": "x", "themes": ["3", "riche"], "mode": "a&b", "kind": "?", "email": "@"}]
)
def test_a_whole_form_renders_the_same_with_widgets_written_in_python(data):
    fast = _EveryKindForm(data)
    slow = _EveryKindForm(data, renderer=TEMPLATES)
    assert fast.renderer is FORM_RENDERER
    for name in fast.fields:
        assert fast[name].as_field_group() == slow[name].as_field_group(), name
        assert str(fast[name]) == str(slow[name]), name
    if data:
        assert fast.errors and fast.errors.keys() == slow.errors.keys()


@pytest.mark.parametrize("data", [None, {"age": "x", "kind": "?", "email": "@"}])
def test_a_field_group_written_in_python_is_byte_for_byte_its_template(data):
    for name, field in _EveryKindForm(data, renderer=TEMPLATES).fields.items():
        slow = _EveryKindForm(data, renderer=TEMPLATES)[name]
        if slow.template_name != INPUT_SNIPPET:
            continue
        expected = TEMPLATES.render(INPUT_SNIPPET, {"field": slow})
        fresh = _EveryKindForm(data, renderer=TEMPLATES)[name]  # rendering sets classes on the widget: a new form
        assert input_snippet(fresh) == expected, (name, field)
