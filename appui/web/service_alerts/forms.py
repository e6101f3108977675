from django import forms
from django.utils import timezone

from appui.accompaniments.enums import OnlineService
from appui.web.forms import AppuiForm
from appui.web.people.forms import DATE_WIDGET


class ServiceAlertForm(AppuiForm):
    service = forms.ChoiceField(label="Service en ligne", choices=OnlineService.choices)
    service_other = forms.CharField(label="Autre service (précisez)", max_length=100, required=False)
    step = forms.CharField(
        label="Étape où cela bloque", max_length=200, help_text="Par exemple : « connexion », « envoi du formulaire »."
    )
    error_message = forms.CharField(
        label="Message d'erreur affiché",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recopiez le message, sans aucune donnée personnelle (nom, numéro d'allocataire…).",
    )
    occurred_on = forms.DateField(label="Date du problème", widget=DATE_WIDGET)
    screenshot = forms.FileField(
        label="Capture d'écran",
        required=False,
        help_text="PNG ou JPEG, 5 Mo au plus. Vérifiez qu'elle ne montre aucune donnée personnelle.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
