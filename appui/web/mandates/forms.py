from django import forms

from appui.mandates.enums import MandateDuration, procedure_category_choices
from appui.web.forms import AppuiForm, InlineCheckboxSelectMultiple, InlineRadioSelect


class MandateForm(AppuiForm):
    categories = forms.MultipleChoiceField(
        label="Démarches que la structure pourra faire à la place de la personne",
        choices=procedure_category_choices,
        widget=InlineCheckboxSelectMultiple,
    )
    duration = forms.ChoiceField(label="Durée", choices=MandateDuration.choices, widget=InlineRadioSelect)
    person_present = forms.BooleanField(
        label="La personne est présente, a lu (ou s'est fait lire) le texte ci-dessus et donne son accord",
        required=True,
    )


class RevocationForm(AppuiForm):
    categories = forms.MultipleChoiceField(
        label="Démarches à retirer",
        choices=procedure_category_choices,
        widget=InlineCheckboxSelectMultiple,
        required=False,
        help_text="Laissez vide pour révoquer tout le mandat.",
    )
    reason = forms.CharField(label="Motif", max_length=255, required=False)

    def __init__(self, *args: object, active: list[str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["categories"]
        field.choices = [(v, label) for v, label in procedure_category_choices() if v in active]  # type: ignore[attr-defined]
