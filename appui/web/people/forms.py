from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from appui.accounts.models import User
from appui.core.communes import communes_for_postal_code, get_commune
from appui.people.enums import (
    EmploymentStatus,
    FamilySituation,
    Gender,
    HousingStatus,
    Language,
    Obstacle,
    Relationship,
    SocialStatus,
    age_band_choices,
)
from appui.web.communes import CommuneField
from appui.web.forms import AppuiForm, BoundedTextMixin, InlineCheckboxSelectMultiple, VersionedForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(VersionedForm, AppuiForm):
    """Identity, contact and (for roles allowed to see it) situation of a person."""

    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    birth_name = forms.CharField(label="Nom de naissance", max_length=150, required=False)
    birth_date = forms.DateField(
        label="Date de naissance",
        required=False,
        widget=DATE_WIDGET,
        help_text="Si la personne préfère, indiquez seulement l'année ci-dessous.",
    )
    birth_year = forms.IntegerField(label="Année de naissance", required=False, min_value=1900, max_value=2100)
    gender = forms.ChoiceField(
        label="Genre", choices=Gender.choices, required=False, help_text="Pour les statistiques d'activité."
    )
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    email = forms.EmailField(label="Adresse e-mail", required=False)
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
    )
    # Typed by name or postal code with suggestions; stored as the INSEE code (see appui.web.communes).
    commune_code = CommuneField(label="Commune", required=False)
    languages = forms.MultipleChoiceField(
        label="Langues parlées", choices=Language.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    informed_at = forms.DateField(
        label="Date à laquelle la personne a été informée du traitement de ses données",
        widget=DATE_WIDGET,
        help_text="Obligatoire : remettez ou lisez la notice d'information avant de créer la fiche.",
    )
    family_situation = forms.ChoiceField(label="Situation familiale", choices=FamilySituation.choices, required=False)
    housing_status = forms.ChoiceField(label="Logement", choices=HousingStatus.choices, required=False)
    employment_status = forms.ChoiceField(
        label="Situation professionnelle", choices=EmploymentStatus.choices, required=False
    )
    obstacles = forms.MultipleChoiceField(
        label="Freins observés",
        choices=Obstacle.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Des repères pour adapter l'aide, jamais un diagnostic.",
    )
    situation_details = forms.CharField(
        label="Précisions sur la situation", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referents = forms.ModelMultipleChoiceField(
        label="Référents",
        queryset=User.objects.none(),
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Les membres de l'équipe qui suivent la personne.",
    )
    # The ids of the probable duplicates shown to the member when they chose to create the record anyway.
    confirmed_duplicates = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    SITUATION = ("family_situation", "housing_status", "employment_status", "obstacles", "situation_details")

    def __init__(
        self,
        *args: object,
        referent_choices: "QuerySet[User]",
        show_situation: bool = True,
        creating: bool = True,
        **kwargs: object,
    ):
        super().__init__(*args, versioned=not creating, **kwargs)
        self.fields["referents"].queryset = referent_choices  # type: ignore[attr-defined]
        self.fields["referents"].label_from_instance = lambda user: user.get_full_name()  # type: ignore[attr-defined]
        if not show_situation:
            for name in self.SITUATION:
                del self.fields[name]
        if not creating:
            del self.fields["confirmed_duplicates"]
        if creating and not self.is_bound:
            self.initial.setdefault("informed_at", timezone.localdate())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("birth_date") and not data.get("birth_year") and "birth_date" not in self.errors:
            self.add_error("birth_date", "Indiquez la date de naissance, ou au moins l'année de naissance.")
        _commune_from_postal_code(self, data)
        return data

    def clean_commune_code(self) -> str:
        commune = self.cleaned_data.get("commune_code")
        return commune.code if commune else ""

    def clean_confirmed_duplicates(self) -> list[int]:
        value = self.cleaned_data.get("confirmed_duplicates") or ""
        return [int(part) for part in value.split(",") if part.strip().isdigit()]

    def service_fields(self) -> dict[str, object]:
        """Return the cleaned values the person services take."""
        return {k: v for k, v in self.cleaned_data.items() if k not in {"confirmed_duplicates", "version"}}


def _commune_from_postal_code(form: forms.Form, data: dict[str, object]) -> None:
    """Fill the commune from a postal code just typed when it serves one commune; ask which one when it serves
    several. A commune just picked without a postal code gives its own when it has only one."""
    if "commune_code" in form.errors or "postal_code" in form.errors:
        return
    postal_code = str(data.get("postal_code") or "")
    code = str(data.get("commune_code") or "")
    if postal_code and not code and "postal_code" in form.changed_data:
        candidates = communes_for_postal_code(postal_code)
        if len(candidates) == 1:
            data["commune_code"] = candidates[0].code
        elif candidates:
            names = ", ".join(f"« {c.label} »" for c in candidates[:8])
            form.add_error(
                "commune_code", f"Le code postal {postal_code} dessert plusieurs communes : {names}. Choisissez-en une."
            )
    elif code and not postal_code and "commune_code" in form.changed_data:
        commune = get_commune(code)
        if commune is not None and len(commune.postal_codes) == 1:
            data["postal_code"] = commune.postal_codes[0]


class AnonymousPersonForm(AppuiForm):
    age_band = forms.ChoiceField(label="Tranche d'âge", choices=age_band_choices())
    gender = forms.ChoiceField(label="Genre", choices=Gender.choices, required=False)
    social_status = forms.ChoiceField(label="Statut", choices=SocialStatus.choices, required=False)
    commune_code = CommuneField(label="Commune", required=False)
    obstacles = forms.MultipleChoiceField(
        label="Freins observés", choices=Obstacle.choices, required=False, widget=InlineCheckboxSelectMultiple
    )

    def clean_commune_code(self) -> str:
        commune = self.cleaned_data.get("commune_code")
        return commune.code if commune else ""


class HouseholdMemberForm(VersionedForm, AppuiForm):
    """A new member of the household; the version is the household's (0 while the person has none)."""

    relationship = forms.ChoiceField(label="Lien avec la personne", choices=Relationship.choices)
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE_WIDGET)
    is_dependent = forms.BooleanField(label="À charge", required=False)


class SearchForm(BoundedTextMixin, forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
