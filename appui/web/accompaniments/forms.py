from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from appui.accompaniments.enums import (
    DURATION_PRESETS,
    Autonomy,
    Equipment,
    Kind,
    Mode,
    OnlineService,
    PlaceKind,
    ProcedureStatus,
    ReferralTarget,
    RemoteChannel,
    Theme,
    WorkshopLevel,
)
from appui.accompaniments.services import AnonymousParticipants
from appui.core.communes import validate_commune_code
from appui.mandates.models import Mandate
from appui.people.enums import Gender, SocialStatus, age_band_choices
from appui.people.models import Person
from appui.places.models import Place
from appui.web.forms import (
    AppuiForm,
    BoundedTextMixin,
    InlineCheckboxSelectMultiple,
    InlineRadioSelect,
    VersionedForm,
)
from appui.web.people.forms import DATE_WIDGET

CUSTOM = "autre"
DURATION_CHOICES = [(str(m), f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min") for m in DURATION_PRESETS]
DURATION_CHOICES = [(value, label.replace(" h 00", " h")) for value, label in DURATION_CHOICES] + [(CUSTOM, "Autre")]
# "Where" is one choice: a place of the structure, at home, remote by phone or video, or another place.
HOME, OTHER = PlaceKind.HOME.value, PlaceKind.OTHER.value
WHERE_FIXED = [
    (HOME, "À domicile"),
    (RemoteChannel.PHONE.value, "À distance — téléphone"),
    (RemoteChannel.VIDEO.value, "À distance — visio"),
    (OTHER, "Autre lieu"),
]


def where_of(accompaniment: Any) -> str:
    """Return the "where" choice of a recorded activity."""
    if accompaniment.place_kind == PlaceKind.OWN_PLACE:
        return f"lieu-{accompaniment.place_id}"
    if accompaniment.place_kind == PlaceKind.REMOTE:
        return accompaniment.remote_channel or RemoteChannel.PHONE.value
    return str(accompaniment.place_kind)


def duration_initial(minutes: int) -> dict[str, object]:
    if minutes in DURATION_PRESETS:
        return {"duration": str(minutes)}
    return {"duration": CUSTOM, "duration_custom": minutes}


class ActivityFieldsMixin(BoundedTextMixin, forms.Form):
    """Date, duration, place, equipment and themes: what an individual accompaniment and a workshop share."""

    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    duration = forms.ChoiceField(label="Durée", choices=DURATION_CHOICES, widget=InlineRadioSelect)
    duration_custom = forms.IntegerField(
        label="Autre durée (minutes)", min_value=1, max_value=600, required=False, help_text="Si « Autre » ci-dessus."
    )
    where = forms.ChoiceField(label="Lieu", widget=InlineRadioSelect)
    place_commune_code = forms.CharField(
        label="Commune du lieu (code INSEE)",
        max_length=5,
        required=False,
        validators=[validate_commune_code],
        help_text="À domicile ou autre lieu, par exemple 69266. À domicile : la commune de la personne si vide.",
    )
    equipment = forms.MultipleChoiceField(
        label="Matériel utilisé", choices=Equipment.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    themes = forms.MultipleChoiceField(label="Thématiques", choices=Theme.choices, widget=InlineCheckboxSelectMultiple)

    def _set_places(self, places: "QuerySet[Place]") -> None:
        own = [(f"lieu-{place.pk}", place.name) for place in places]
        self.fields["where"].choices = own + WHERE_FIXED  # type: ignore[attr-defined]
        self._places = {f"lieu-{place.pk}": place for place in places}
        if own and not self.is_bound and "where" not in self.initial:
            self.initial["where"] = own[0][0]

    def clean_activity(self, data: dict[str, Any]) -> None:
        """Turn the duration and "where" choices into the record's fields."""
        duration = data.pop("duration", None)
        custom = data.pop("duration_custom", None)
        if duration == CUSTOM:
            if not custom:
                self.add_error("duration_custom", "Indiquez la durée en minutes.")
            data["duration_minutes"] = custom
        elif duration:
            data["duration_minutes"] = int(duration)
        where = data.pop("where", None)
        if where is None:
            return
        data["place"] = self._places.get(where)
        data["remote_channel"] = ""
        if data["place"] is not None:
            data["place_kind"] = PlaceKind.OWN_PLACE
        elif where in RemoteChannel.values:
            data["place_kind"] = PlaceKind.REMOTE
            data["remote_channel"] = where
        else:
            data["place_kind"] = where
        if data["place_kind"] not in {PlaceKind.HOME, PlaceKind.OTHER}:
            data["place_commune_code"] = ""


class AccompanimentForm(VersionedForm, ActivityFieldsMixin, AppuiForm):
    """One screen, sensible defaults: date today, 30 minutes, the structure's first place, done with the person.

    Routine entry is a theme and the button; the CRA fields below are optional and pre-filled.
    """

    mode = forms.ChoiceField(
        label="Réalisation",
        choices=Mode.choices,
        widget=InlineRadioSelect,
        help_text="« Fait à sa place » demande une thématique de démarche (papiers, logement, argent…) et un mandat "
        "valide de la personne qui la couvre.",
    )
    online_services = forms.MultipleChoiceField(
        label="Services en ligne concernés",
        choices=OnlineService.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    autonomy = forms.ChoiceField(
        label="Autonomie observée",
        choices=[("", "Non évaluée"), *Autonomy.choices],
        required=False,
        widget=InlineRadioSelect,
    )
    procedure_status = forms.ChoiceField(
        label="État de la démarche",
        choices=[("", "Pas de démarche"), *ProcedureStatus.choices],
        required=False,
        widget=InlineRadioSelect,
    )
    referred_to = forms.ChoiceField(
        label="Orienté vers", choices=[("", "Pas d'orientation"), *ReferralTarget.choices], required=False
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
        self,
        *args: object,
        places: "QuerySet[Place]",
        show_notes: bool = True,
        mandates: "QuerySet[Mandate] | None" = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if mandates is None:
            del self.fields["mandate"]
        else:
            self.fields["mandate"].queryset = mandates  # type: ignore[attr-defined]
        if not show_notes:
            for name in self.NOTE_FIELDS:
                del self.fields[name]
        if not self.is_bound and not self.initial:
            self.initial = {"date": timezone.localdate(), "duration": "30", "mode": Mode.WITH_PERSON}
        self._set_places(places)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.clean_activity(data)
        data["kind"] = Kind.INDIVIDUAL
        return data


class WorkshopForm(VersionedForm, ActivityFieldsMixin, AppuiForm):
    """A collective workshop: one activity, its followed participants and the anonymous ones, by category."""

    workshop_title = forms.CharField(label="Titre de l'atelier", max_length=200)
    workshop_level = forms.ChoiceField(
        label="Niveau", choices=[("", "Non précisé"), *WorkshopLevel.choices], required=False, widget=InlineRadioSelect
    )
    mode = forms.ChoiceField(
        label="Réalisation",
        choices=[(Mode.WITH_PERSON.value, "Atelier pratique"), (Mode.INFORMATION.value, "Information collective")],
        widget=InlineRadioSelect,
    )
    followed = forms.ModelMultipleChoiceField(
        label="Personnes suivies présentes",
        queryset=Person.objects.none(),
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Les personnes vues récemment. Pour les autres, indiquez leur numéro de dossier ci-dessous.",
    )
    file_numbers = forms.CharField(
        label="Autres personnes suivies : numéros de dossier",
        required=False,
        max_length=2000,
        help_text="Séparés par des virgules ou des espaces, par exemple 2026-00012, 2026-00040.",
    )
    anonymous_count = forms.IntegerField(
        label="Participants sans fiche", min_value=0, max_value=500, initial=0, help_text="Nombre de personnes."
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    private_note = forms.CharField(
        label="Note privée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Visible par vous seul·e.",
    )

    GENDER_FIELDS = {f"gender_{value}": value for value, _ in Gender.choices if value}
    AGE_FIELDS = {f"age_{value}": value for value, _ in age_band_choices()}
    STATUS_FIELDS = {f"status_{value}": value for value, _ in SocialStatus.choices if value}

    def __init__(
        self,
        *args: object,
        places: "QuerySet[Place]",
        persons: "QuerySet[Person]",
        recent: "QuerySet[Person]",
        show_notes: bool = True,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._persons = persons
        self.fields["followed"].queryset = recent  # type: ignore[attr-defined]
        labels = {**dict(Gender.choices), **dict(age_band_choices()), **dict(SocialStatus.choices)}
        for group in (self.GENDER_FIELDS, self.AGE_FIELDS, self.STATUS_FIELDS):
            for name, value in group.items():
                self.fields[name] = forms.IntegerField(label=labels[value], min_value=0, max_value=500, required=False)
        if not show_notes:
            del self.fields["notes"]
        if not self.is_bound and "date" not in self.initial:
            self.initial.update({"date": timezone.localdate(), "duration": "60", "mode": Mode.WITH_PERSON})
        self._set_places(places)

    def category_fields(self, group: dict[str, str]) -> list[forms.BoundField]:
        return [self[name] for name in group]

    @property
    def gender_fields(self) -> list[forms.BoundField]:
        return self.category_fields(self.GENDER_FIELDS)

    @property
    def age_fields(self) -> list[forms.BoundField]:
        return self.category_fields(self.AGE_FIELDS)

    @property
    def status_fields(self) -> list[forms.BoundField]:
        return self.category_fields(self.STATUS_FIELDS)

    def clean_file_numbers(self) -> list[Person]:
        raw = self.cleaned_data.get("file_numbers") or ""
        numbers = [n for n in raw.replace(",", " ").replace(";", " ").split() if n]
        found = {p.file_number: p for p in self._persons.named().filter(file_number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(f"Numéro de dossier introuvable : {', '.join(unknown)}.")
        return list(found.values())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.clean_activity(data)
        data["kind"] = Kind.COLLECTIVE
        persons = list(dict.fromkeys([*(data.pop("followed", None) or []), *(data.pop("file_numbers", None) or [])]))
        data["persons"] = persons
        data["anonymous"] = AnonymousParticipants(
            count=data.pop("anonymous_count", 0) or 0,
            genders={value: data.pop(name, None) or 0 for name, value in self.GENDER_FIELDS.items()},
            age_bands={value: data.pop(name, None) or 0 for name, value in self.AGE_FIELDS.items()},
            social_statuses={value: data.pop(name, None) or 0 for name, value in self.STATUS_FIELDS.items()},
        )
        return data
