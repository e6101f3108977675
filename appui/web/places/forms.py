"""Forms of the directory: the search, a structure's own places and services, the import of a file."""

from typing import Any

from data_inclusion.schema.v1 import (
    Categorie,
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Thematique,
    TypeService,
)
from data_inclusion.schema.v1 import Public as InclusionPublic
from django import forms
from django.core.exceptions import ValidationError

from appui.places.enums import (
    AccessMode,
    Fee,
    ImportFormat,
    LieuxService,
    Mobility,
    Programme,
    Public,
    SpecificSupport,
    SupportMode,
    TrainingLabel,
    inclusion_choices,
    typology_choices,
)
from appui.places.selectors import DirectoryQuery
from appui.web.communes import CommuneField
from appui.web.forms import AppuiForm, InlineCheckboxSelectMultiple

THEME_CATEGORIES = inclusion_choices(Categorie)
SCOPE_CHOICES = [
    ("auto", "Au plus près (la commune, sinon l'intercommunalité, sinon le département)"),
    ("commune", "La commune"),
    ("epci", "L'intercommunalité"),
    ("departement", "Le département"),
]


class DirectorySearchForm(AppuiForm):
    """Search the directory (GET): a commune, an area, words, and filters."""

    commune = CommuneField(label="Commune", required=False)
    scope = forms.ChoiceField(label="Où chercher", choices=SCOPE_CHOICES, required=False, initial="auto")
    q = forms.CharField(label="Nom du lieu ou mot-clé", required=False, max_length=100)
    services = forms.MultipleChoiceField(
        label="Accompagnement au numérique",
        choices=LieuxService.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label="Thématique (data·inclusion)",
        choices=THEME_CATEGORIES,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Public", choices=Public.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    supports = forms.MultipleChoiceField(
        label="Accompagnement adapté (langues, handicap, illettrisme)",
        choices=SpecificSupport.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    fees = forms.MultipleChoiceField(
        label="Frais", choices=Fee.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    access_modes = forms.MultipleChoiceField(
        label="Comment y accéder", choices=AccessMode.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    support_modes = forms.MultipleChoiceField(
        label="Façon d'accompagner", choices=SupportMode.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    programmes = forms.MultipleChoiceField(
        label="Dispositif national", choices=Programme.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    open_now = forms.BooleanField(label="Ouvert maintenant", required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    FILTER_FIELDS = ("services", "themes", "publics", "supports", "fees", "access_modes", "support_modes", "programmes")

    def to_query(self) -> DirectoryQuery:
        data = self.cleaned_data
        return DirectoryQuery(
            commune=data.get("commune"),
            scope=data.get("scope") or "auto",
            text=data.get("q") or "",
            filters={name: data.get(name) or [] for name in self.FILTER_FIELDS},
            open_now=bool(data.get("open_now")),
            latitude=data.get("lat"),
            longitude=data.get("lon"),
        )

    def filter_groups(self) -> list[dict[str, Any]]:
        """The filter checkboxes, ready for one lean template loop (the widget templates cost most of the page)."""
        groups = []
        for name in (
            "services",
            "supports",
            "publics",
            "fees",
            "access_modes",
            "support_modes",
            "programmes",
            "themes",
        ):
            bound = self[name]
            chosen = {str(value) for value in (bound.value() or [])}
            groups.append(
                {
                    "name": name,
                    "id": bound.auto_id,
                    "label": bound.label,
                    "errors": bound.errors,
                    "options": [
                        (str(value), label, f"{bound.auto_id}_{index}", str(value) in chosen)
                        for index, (value, label) in enumerate(self.fields[name].choices)
                    ],
                }
            )
        return groups

    @property
    def active_filter_count(self) -> int:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return 0
        return sum(len(self.cleaned_data.get(name) or []) for name in self.FILTER_FIELDS)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class OwnPlaceForm(AppuiForm):
    """One of the structure's own places, with the fields of the lieux de médiation numérique standard."""

    name = forms.CharField(label="Nom du lieu", max_length=250)
    is_published = forms.BooleanField(
        label="Publier ce lieu dans l'annuaire",
        required=False,
        initial=True,
        help_text="Les autres structures d'Appui le voient et peuvent y orienter des personnes.",
    )
    address = forms.CharField(label="Adresse (numéro et voie)", max_length=255)
    address_complement = forms.CharField(label="Complément d'adresse", max_length=255, required=False)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
    )
    commune = CommuneField(label="Commune")
    latitude = forms.FloatField(
        label="Latitude", required=False, min_value=-90, max_value=90, help_text="Par exemple 45.7667 (facultatif)."
    )
    longitude = forms.FloatField(
        label="Longitude", required=False, min_value=-180, max_value=180, help_text="Par exemple 4.88 (facultatif)."
    )
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    emails = forms.CharField(
        label="Courriels", required=False, help_text="Un par ligne.", widget=forms.Textarea(attrs={"rows": 2})
    )
    websites = forms.CharField(
        label="Sites web", required=False, help_text="Un par ligne.", widget=forms.Textarea(attrs={"rows": 2})
    )
    opening_hours = forms.CharField(
        label="Horaires",
        max_length=500,
        required=False,
        help_text="Format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ».",
    )
    summary = forms.CharField(
        label="Présentation courte", max_length=280, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label="Présentation détaillée", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    services = forms.MultipleChoiceField(
        label="Services", choices=LieuxService.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    publics = forms.MultipleChoiceField(
        label="Publics spécifiquement accueillis",
        choices=Public.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Laissez vide si le lieu accueille tout public.",
    )
    specific_supports = forms.MultipleChoiceField(
        label="Prise en charge spécifique",
        choices=SpecificSupport.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    fees = forms.MultipleChoiceField(
        label="Frais", choices=Fee.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    access_modes = forms.MultipleChoiceField(
        label="Modalités d'accès", choices=AccessMode.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    support_modes = forms.MultipleChoiceField(
        label="Modalités d'accompagnement",
        choices=SupportMode.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    appointment_url = forms.URLField(
        label="Prise de rendez-vous en ligne (adresse web)", required=False, max_length=500, assume_scheme="https"
    )
    programmes = forms.MultipleChoiceField(
        label="Dispositifs et programmes nationaux",
        choices=Programme.choices,
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    training_labels = forms.MultipleChoiceField(
        label="Formations et labels", choices=TrainingLabel.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    other_labels = forms.CharField(
        label="Autres formations et labels",
        required=False,
        help_text="Un par ligne.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    typologies = forms.MultipleChoiceField(
        label="Type de structure",
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Vocabulaire data·inclusion ; plusieurs choix possibles (Ctrl ou Cmd).",
    )
    mobility = forms.MultipleChoiceField(
        label="Itinérance", choices=Mobility.choices, required=False, widget=InlineCheckboxSelectMultiple
    )
    accessibility_url = forms.URLField(
        label="Fiche Acceslibre (adresse web)", required=False, max_length=500, assume_scheme="https"
    )
    pivot = forms.RegexField(
        label="SIRET, RNA ou RIDET",
        regex=r"^[a-zA-Z0-9]{9,14}$",
        required=False,
        error_messages={"invalid": "9 à 14 lettres ou chiffres, sans espace."},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["typologies"].choices = typology_choices()  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        commune = data.pop("commune")
        data["commune_code"] = commune.code if commune else ""
        for name in ("emails", "websites", "other_labels"):
            data[name] = _lines(data.get(name, ""))
        data["phone"] = data.get("phone") or ""
        return data

    @staticmethod
    def initial_from(place: Any) -> dict[str, Any]:
        initial = {name: getattr(place, name) for name in OwnPlaceForm.base_fields if hasattr(place, name)}
        initial["commune"] = place.commune_code
        for name in ("emails", "websites", "other_labels"):
            initial[name] = "\n".join(getattr(place, name))
        return initial


class PlaceServiceForm(AppuiForm):
    """A service offered at one of the structure's places, in data·inclusion terms."""

    name = forms.CharField(label="Nom du service", min_length=3, max_length=150)
    description = forms.CharField(label="Description", min_length=5, widget=forms.Textarea(attrs={"rows": 4}))
    type = forms.ChoiceField(
        label="Type de service", choices=[("", "—")] + inclusion_choices(TypeService), required=False
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques", choices=inclusion_choices(Thematique), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    fees = forms.ChoiceField(label="Frais", choices=[("", "—")] + inclusion_choices(Frais), required=False)
    fees_details = forms.CharField(label="Précisions sur les frais", required=False)
    publics = forms.MultipleChoiceField(
        label="Publics", choices=inclusion_choices(InclusionPublic), required=False, widget=InlineCheckboxSelectMultiple
    )
    access_conditions = forms.CharField(
        label="Conditions d'accès (justificatifs, prérequis)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reception_modes = forms.MultipleChoiceField(
        label="Modes d'accueil",
        choices=inclusion_choices(ModeAccueil),
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    mobilisation_modes = forms.MultipleChoiceField(
        label="Comment mobiliser le service",
        choices=inclusion_choices(ModeMobilisation),
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    mobilisable_by = forms.MultipleChoiceField(
        label="Qui peut le mobiliser",
        choices=inclusion_choices(PersonneMobilisatrice),
        required=False,
        widget=InlineCheckboxSelectMultiple,
    )
    mobilisation_url = forms.URLField(
        label="Lien de mobilisation", required=False, max_length=500, assume_scheme="https"
    )
    mobilisation_details = forms.CharField(
        label="Précisions sur la mobilisation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_name = forms.CharField(label="Contact (nom et prénom)", required=False, max_length=150)
    phone = forms.CharField(label="Téléphone", required=False, max_length=30)
    email = forms.EmailField(label="Courriel", required=False)


class PlacesImportForm(AppuiForm):
    """A file of places to import into the directory (synchronous: size-limited)."""

    file = forms.FileField(label="Fichier (CSV ou JSON)")
    source = forms.CharField(
        label="Nom de la source",
        max_length=100,
        help_text="Par exemple « hub-sud-2026 ». Réimporter sous le même nom met les lieux à jour et ferme ceux "
        "qui ont disparu.",
    )
    import_format = forms.ChoiceField(label="Format", choices=ImportFormat.choices, initial=ImportFormat.AUTO)
    dry_run = forms.BooleanField(label="Vérifier seulement (rien n'est enregistré)", required=False, initial=True)

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = (
            f"{max_bytes // (1024 * 1024)} Mo au plus depuis cette page ; les fichiers plus gros s'importent en ligne "
            "de commande (manage.py import_places)."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                f"Fichier trop gros pour un import depuis cette page ({upload.size // 1024} Ko) : "
                "importez-le en ligne de commande (manage.py import_places)."
            )
        return upload
