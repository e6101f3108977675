from typing import Any

from django import forms
from django.utils import timezone

from appui.accompaniments.enums import Kind, PlaceKind, Theme
from appui.reporting.enums import PeriodKind
from appui.reporting.periods import MAX_DAYS, bounds
from appui.reporting.statistics import OWN_PLACE_PREFIX, Filters
from appui.web.forms import AppuiForm
from appui.web.people.forms import DATE_WIDGET

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class PeriodForm(AppuiForm):
    """The period picker and the filters of the statistics page (read from the query string)."""

    periode = forms.ChoiceField(label="Période", choices=PeriodKind.choices, required=False)
    jour = forms.DateField(
        label="Mois, trimestre ou année contenant le",
        required=False,
        widget=DATE_WIDGET,
        help_text="Par défaut, aujourd'hui.",
    )
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET, help_text="Pour des dates choisies.")
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
    membre = forms.TypedChoiceField(label="Membre de l'équipe", required=False, coerce=int, empty_value=None)
    lieu = forms.ChoiceField(label="Lieu", required=False)
    theme = forms.ChoiceField(label="Thématique", choices=[("", "Toutes"), *Theme.choices], required=False)
    type = forms.ChoiceField(label="Type", choices=[("", "Tous"), *Kind.choices], required=False)

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]] | None = None,
        places: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["membre"]
        else:
            self.fields["membre"].choices = [("", "Toute l'équipe"), *members]  # type: ignore[attr-defined]
        own = [(f"{OWN_PLACE_PREFIX}{pk}", name) for pk, name in places or []]
        others = [(v, label) for v, label in PlaceKind.choices if v != PlaceKind.OWN_PLACE]
        self.fields["lieu"].choices = [("", "Tous"), *own, *others]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("periode") or PeriodKind.MONTH
        data["periode"] = kind
        if kind == PeriodKind.CUSTOM:
            start, end = data.get("du"), data.get("au")
            if not start or not end:
                raise forms.ValidationError("Indiquez les deux dates de la période.")
            if end < start:
                self.add_error("au", "La fin de la période doit suivre son début.")
            elif (end - start).days > MAX_DAYS:
                self.add_error("au", "Choisissez une période de trois ans au plus.")
        else:
            data["du"], data["au"] = bounds(kind, data.get("jour") or timezone.localdate())
        return data

    def filters(self) -> Filters:
        """Return the filters to apply: those chosen, or the current month when the form is not valid."""
        if not self.is_valid():
            start, end = bounds(PeriodKind.MONTH, timezone.localdate())
            return Filters(start=start, end=end)
        data = self.cleaned_data
        return Filters(
            start=data["du"],
            end=data["au"],
            author_id=data.get("membre"),
            place=data.get("lieu") or "",
            theme=data.get("theme") or "",
            kind=data.get("type") or "",
        )


class SharingForm(AppuiForm):
    with_departement = forms.BooleanField(label="Avec la coordination du département", required=False)
    with_epci = forms.BooleanField(label="Avec la coordination de l'intercommunalité (EPCI)", required=False)
