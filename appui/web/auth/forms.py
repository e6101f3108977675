from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm, UsernameField

from appui.accounts.models import Membership
from appui.web.forms import AppuiForm


class LoginForm(AppuiForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    username = UsernameField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ChooseStructureForm(AppuiForm):
    membership = forms.ModelChoiceField(
        label="Structure", queryset=Membership.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args: object, user: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["membership"].queryset = Membership.objects.active().filter(user=user).select_related("structure")  # type: ignore[attr-defined]
        self.fields["membership"].label_from_instance = lambda m: f"{m.structure.name} — {m.get_role_display()}"  # type: ignore[attr-defined]


class ChoosePasswordForm(AppuiForm, SetPasswordForm):
    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = "Au moins 12 caractères, pas un mot de passe courant."
        self.fields["new_password2"].label = "Confirmez le mot de passe"


class OtpForm(AppuiForm):
    token = forms.CharField(
        label="Code à 6 chiffres de votre application, ou un code de secours",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordResetRequestForm(AppuiForm, PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail professionnelle", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
