from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from appui.accompaniments.enums import Autonomy, Kind, Mode, OnlineService, Place, Theme
from appui.mandates.models import Mandate
from appui.web.forms import AppuiForm, InlineCheckboxSelectMultiple, InlineRadioSelect
from appui.web.people.forms import DATE_WIDGET


class AccompanimentForm(AppuiForm):
    """One screen, sensible defaults: date today, 30 minutes, on site, individual, done with the person."""

    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=600)
    place = forms.ChoiceField(label="Lieu", choices=Place.choices, widget=InlineRadioSelect)
    kind = forms.ChoiceField(label="Type", choices=Kind.choices, widget=InlineRadioSelect)
    participants = forms.IntegerField(
        label="Nombre de participants", min_value=1, max_value=500, help_text="Pour un atelier collectif."
    )
    themes = forms.MultipleChoiceField(label="Thématiques", choices=Theme.choices, widget=InlineCheckboxSelectMultiple)
    online_services = forms.MultipleChoiceField(
        label="Services en ligne concernés",
        choices=OnlineService.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(label="Réalisation", choices=Mode.choices, widget=InlineRadioSelect)
    autonomy = forms.ChoiceField(
        label="Autonomie observée", choices=[("", "Non évaluée"), *Autonomy.choices], required=False
    )
    outcome = forms.CharField(label="Résultat", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label="Suite à donner", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_date = forms.DateField(label="Date de suivi", required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    private_note = forms.CharField(
        label="Note privée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Visible par vous seul·e.",
    )

    mandate = forms.ModelChoiceField(
        label="Mandat utilisé",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="Aucun",
        help_text="Obligatoire pour une démarche « faite à sa place ».",
    )

    NOTE_FIELDS = ("outcome", "next_step", "notes")

    def __init__(
        self, *args: object, show_notes: bool = True, mandates: "QuerySet[Mandate] | None" = None, **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if mandates is None:
            del self.fields["mandate"]
        else:
            self.fields["mandate"].queryset = mandates  # type: ignore[attr-defined]
        if not show_notes:
            for name in self.NOTE_FIELDS:
                del self.fields[name]
        if not self.is_bound and not self.initial:
            self.initial = {
                "date": timezone.localdate(),
                "duration_minutes": 30,
                "place": Place.ON_SITE,
                "kind": Kind.INDIVIDUAL,
                "participants": 1,
                "mode": Mode.WITH_PERSON,
            }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == Kind.INDIVIDUAL:
            data["participants"] = 1
        return data
