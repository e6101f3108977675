from django import forms

from appui.core.communes import validate_commune_code
from appui.web.forms import AppuiForm


class OwnPlaceForm(AppuiForm):
    name = forms.CharField(label="Nom du lieu", max_length=250, help_text="Par exemple « Antenne des Buers ».")
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
    )
    commune_code = forms.CharField(
        label="Code commune INSEE",
        max_length=5,
        validators=[validate_commune_code],
        help_text="5 caractères, par exemple 69266 pour Villeurbanne.",
    )
