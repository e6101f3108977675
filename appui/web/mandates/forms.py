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
    confirm_whole = forms.BooleanField(label="", required=False)

    def __init__(self, *args: object, active: list[str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["categories"]
        field.choices = [(v, label) for v, label in procedure_category_choices() if v in active]  # type: ignore[attr-defined]
        self.active_labels = [label for _, label in field.choices]  # type: ignore[attr-defined]
        self.fields["confirm_whole"].label = (
            "Je confirme la révocation totale si elle est choisie : elle retire " + ", ".join(self.active_labels)
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = set(data.get("categories") or [])
        whole = not chosen or chosen == {v for v, _ in self.fields["categories"].choices}  # type: ignore[attr-defined]
        if whole and not data.get("confirm_whole"):
            raise forms.ValidationError(
                "Révoquer tout le mandat retire toutes ses démarches (" + ", ".join(self.active_labels) + ") : "
                "cochez la case de confirmation pour l'enregistrer."
            )
        return data
