from django import forms

from appui.accounts.enums import Role
from appui.web.forms import AppuiForm


class InviteForm(AppuiForm):
    email = forms.EmailField(label="Adresse e-mail professionnelle")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, widget=forms.RadioSelect)
    bound_by_secrecy = forms.BooleanField(
        label="Soumis·e au secret professionnel",
        required=False,
        help_text="Travailleurs sociaux et agents des CCAS notamment (CASF L.133-5 et L.411-3).",
    )


class TokenForm(AppuiForm):
    name = forms.CharField(label="Nom du jeton", max_length=100, help_text="Par exemple : « export tableur ».")


class StructureContactForm(AppuiForm):
    address = forms.CharField(
        label="Adresse postale de la structure",
        max_length=255,
        required=False,
        help_text="Écrite dans la notice d'information et dans l'export des données des personnes.",
    )
    dpo_contact = forms.CharField(
        label="Contact du délégué ou de la déléguée à la protection des données (DPO)",
        max_length=255,
        required=False,
        help_text="Une adresse e-mail ou postale où les personnes peuvent écrire au DPO. Obligatoire pour informer "
        "les personnes (RGPD, articles 13 et 15) : tant qu'il manque, les exports le disent.",
    )
