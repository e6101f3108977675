"""Forms of the rights pages: the screening (only what the record does not say), the follow-up, the caseload."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField

from appui.core.communes import validate_commune_code
from appui.people.enums import HousingStatus
from appui.rights.catalogue import catalogue
from appui.rights.certainty import of
from appui.rights.csv_format import CsvFormatError, decode
from appui.rights.enums import Activity, CaseloadSource, Disability, ResourceKind, RightStatus, Schooling
from appui.rights.situation import TENANT_STATUSES, AdultAnswers, ChildAnswers, HouseholdAnswers
from appui.web.forms import AppuiForm, InlineRadioSelect

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNKNOWN = ""
YES_NO_UNKNOWN = [("oui", "Oui"), ("non", "Non"), (UNKNOWN, "Je ne sais pas")]
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _amount_field(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _yes_no_initial(value: bool | None) -> str:
    return UNKNOWN if value is None else ("oui" if value else "non")


def _amount(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class ScreeningForm(AppuiForm):
    """Ask what the record does not say; pre-fill with the last screening's answers.

    Fields are built from the record's answers: a known birth date, housing or commune is not asked again.
    An empty resource or amount means "I do not know": the result then says what was assumed.
    """

    def __init__(self, *args: Any, record: HouseholdAnswers, previous: HouseholdAnswers | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.record = record
        self.previous = previous
        self._groups: list[tuple[str, str, list[str]]] = []
        for index, adult in enumerate(record.adults):
            self._add_adult(index, adult, previous.adults[index] if previous and index < len(previous.adults) else None)
        for index, child in enumerate(record.children):
            self._add_child(index, child, previous)
        self._add_housing()
        self._add_benefits()

    # Building the fields ----------------------------------------------------------------------------------------
    def _group(self, legend: str, hint: str, names: list[str]) -> None:
        self._groups.append((legend, hint, names))

    def _add_adult(self, index: int, adult: AdultAnswers, previous: AdultAnswers | None) -> None:
        prefix = f"adulte{index}_"
        who = "la personne" if index == 0 else "le conjoint ou la conjointe"
        names = []
        if adult.birth_date is None:
            name = prefix + "birth_date"
            self.fields[name] = forms.DateField(
                label="Date de naissance",
                required=False,
                widget=DATE_WIDGET,
                initial=previous.birth_date if previous else None,
                help_text=(
                    f"Année connue : {adult.birth_year}. Indiquez la date si vous la connaissez."
                    if adult.birth_year
                    else "Laissez vide si vous ne la connaissez pas."
                ),
            )
            names.append(name)
        if adult.activity is None:
            name = prefix + "activity"
            self.fields[name] = forms.ChoiceField(
                label="Activité",
                choices=[(UNKNOWN, "Je ne sais pas"), *Activity.choices],
                required=False,
                initial=previous.activity if previous else UNKNOWN,
            )
            names.append(name)
        known = previous.resources if previous and previous.resources is not None else {}
        for kind, label in ResourceKind.choices:
            name = f"{prefix}res_{kind}"
            self.fields[name] = _amount_field(f"{label} (€ par mois)")
            self.fields[name].initial = (
                _amount(known.get(kind)) if previous and previous.resources is not None else None
            )
            names.append(name)
        name = prefix + "disability"
        self.fields[name] = forms.ChoiceField(
            label="Taux d'incapacité reconnu par la MDPH",
            choices=Disability.choices,
            widget=InlineRadioSelect,
            initial=(previous.disability if previous and previous.disability else Disability.NONE),
        )
        names.append(name)
        name = prefix + "ass_condition"
        self.fields[name] = forms.ChoiceField(
            label="A travaillé au moins 5 ans pendant les 10 dernières années",
            choices=YES_NO_UNKNOWN,
            required=False,
            widget=InlineRadioSelect,
            initial=_yes_no_initial(previous.ass_condition if previous else None),
            help_text="Condition de l'ASS, pour une personne qui cherche un emploi.",
        )
        names.append(name)
        self._group(
            f"Ressources et situation {of(who)}",
            "Montants nets, en moyenne par mois sur les 3 derniers mois. Indiquez 0 s'il n'y en a pas ; laissez "
            "vide si vous ne savez pas : le résultat dira ce qui a été supposé.",
            names,
        )

    def _add_child(self, index: int, child: ChildAnswers, previous: HouseholdAnswers | None) -> None:
        name = f"enfant{index}_schooling"
        earlier = [c.schooling for c in (previous.children if previous else []) if c.birth_date == child.birth_date]
        self.fields[name] = forms.ChoiceField(
            label=f"Scolarité {of(child.label)} (né·e le {child.birth_date:%d/%m/%Y})",
            choices=[(UNKNOWN, "Je ne sais pas (d'après l'âge)"), *Schooling.choices],
            required=False,
            initial=earlier[0] if earlier and earlier[0] else UNKNOWN,
        )
        if index == 0:
            self._group("Enfants", "", [])
        self._groups[-1][2].append(name)

    def _add_housing(self) -> None:
        names = []
        previous = self.previous
        if self.record.housing_status is None:
            self.fields["housing_status"] = forms.ChoiceField(
                label="Logement",
                choices=HousingStatus.choices,
                required=False,
                initial=previous.housing_status if previous else "",
            )
            names.append("housing_status")
        if self.record.housing_status is None or self.record.housing_status in TENANT_STATUSES:
            self.fields["rent"] = _amount_field(
                "Loyer (€ par mois, sans les charges)", "Laissez vide si vous ne le connaissez pas."
            )
            self.fields["rent"].initial = _amount(previous.rent) if previous else None
            names.append("rent")
        if self.record.commune_code is None:
            self.fields["commune_code"] = forms.CharField(
                label="Code commune INSEE du logement",
                max_length=5,
                required=False,
                validators=[validate_commune_code],
                initial=previous.commune_code if previous else "",
                help_text="5 caractères, par exemple 75056 pour Paris.",
            )
            names.append("commune_code")
        self.fields["rfr"] = _amount_field(
            "Revenu fiscal de référence (€)",
            "Sur l'avis d'imposition de l'an dernier (revenus d'il y a deux ans), additionné pour tout le foyer.",
        )
        self.fields["rfr"].initial = _amount(previous.rfr) if previous else None
        names.append("rfr")
        self._group("Logement et impôts", "", names)

    def _add_benefits(self) -> None:
        previous = self.previous.benefits_received if self.previous else None
        self.fields["received_known"] = forms.ChoiceField(
            label="Le foyer reçoit-il déjà des prestations ?",
            choices=[
                ("non", "Non, aucune"),
                ("oui", "Oui : cochez-les ou indiquez leur montant ci-dessous"),
                (UNKNOWN, "Je ne sais pas"),
            ],
            required=False,
            widget=InlineRadioSelect,
            initial=UNKNOWN if previous is None else ("oui" if previous else "non"),
        )
        names = ["received_known"]
        for code, info in catalogue().items():
            name = f"recu_{code}"
            if info.frequency == "mensuel" and info.kind == "amount":
                self.fields[name] = _amount_field(f"{info.label} (€ par mois)")
                self.fields[name].initial = _amount(previous.get(code)) if previous else None
            else:
                self.fields[name] = forms.BooleanField(
                    label=f"{info.label} : déjà reçue", required=False, initial=bool(previous and code in previous)
                )
            names.append(name)
        self._group(
            "Prestations déjà reçues",
            "Ce qui est déjà reçu n'est pas compté comme un droit non demandé. Sans réponse, le calcul suppose "
            "qu'aucune n'est reçue, et le dit.",
            names,
        )

    # Reading the answers ----------------------------------------------------------------------------------------
    def groups(self) -> list[tuple[str, str, list[BoundField]]]:
        return [(legend, hint, [self[name] for name in names]) for legend, hint, names in self._groups]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("received_known") == "non" and any(cleaned.get(f"recu_{code}") for code in catalogue()):
            raise ValidationError("Vous avez répondu « aucune prestation » mais indiqué des prestations reçues.")
        return cleaned

    def answers(self) -> HouseholdAnswers:
        """Return the record's answers completed with the form's (call after ``is_valid()``)."""
        data = self.cleaned_data
        adults = []
        for index, adult in enumerate(self.record.adults):
            prefix = f"adulte{index}_"
            resources: dict[str, float] = {}
            filled = False
            for kind in ResourceKind.values:
                value = data.get(f"{prefix}res_{kind}")
                if value is not None:
                    filled = True
                    if value:
                        resources[kind] = float(value)
            ass = data.get(prefix + "ass_condition")
            adults.append(
                replace(
                    adult,
                    birth_date=data.get(prefix + "birth_date") or adult.birth_date,
                    activity=data.get(prefix + "activity") or adult.activity,
                    resources=resources if filled else None,
                    disability=data.get(prefix + "disability") or None,
                    ass_condition={"oui": True, "non": False}.get(ass or ""),
                )
            )
        children = [
            replace(child, schooling=data.get(f"enfant{index}_schooling") or None)
            for index, child in enumerate(self.record.children)
        ]
        received: dict[str, float] | None = None
        if data.get("received_known") == "non":
            received = {}
        else:
            given = {code: data.get(f"recu_{code}") for code in catalogue()}
            given = {code: value for code, value in given.items() if value}
            if given or data.get("received_known") == "oui":
                received = {code: float(value) if not isinstance(value, bool) else 0.0 for code, value in given.items()}
        rent = data.get("rent")
        rfr = data.get("rfr")
        return replace(
            self.record,
            adults=adults,
            children=children,
            housing_status=data.get("housing_status") or self.record.housing_status,
            rent=float(rent) if rent is not None else (None if "rent" in self.fields else 0.0),
            commune_code=(data.get("commune_code") or "").upper() or self.record.commune_code,
            rfr=float(rfr) if rfr is not None else None,
            benefits_received=received,
        )


class FollowUpForm(AppuiForm):
    status = forms.ChoiceField(label="Suivi", choices=RightStatus.choices)
    claimed_on = forms.DateField(label="Demande faite le", required=False, widget=DATE_WIDGET)
    decided_on = forms.DateField(label="Réponse reçue le", required=False, widget=DATE_WIDGET)
    granted_amount = _amount_field("Montant accordé (€)", "Si la demande est acceptée, dans la même fréquence.")
    reminder_on = forms.DateField(
        label="Relancer le",
        required=False,
        widget=DATE_WIDGET,
        help_text="Pour une demande en cours, 30 jours après la demande si vous laissez vide.",
    )


class CaseloadForm(AppuiForm):
    source = forms.ChoiceField(
        label="Foyers à examiner",
        choices=CaseloadSource.choices,
        widget=forms.RadioSelect,
        initial=CaseloadSource.STRUCTURE,
    )
    file = forms.FileField(
        label="Fichier CSV (un foyer par ligne)",
        required=False,
        help_text="Séparateur « ; » ou « , », encodage UTF-8. Téléchargez le modèle pour le format.",
    )
    period = forms.CharField(
        label="Mois de la législation appliquée",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text="Par défaut, le mois en cours. Format AAAA-MM, de 2024-01 à 2030-12.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if cleaned.get("source") == CaseloadSource.CSV:
            if not upload:
                self.add_error("file", "Choisissez le fichier CSV à examiner.")
            elif upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", "Le fichier dépasse 50 Mo : découpez-le.")
            else:
                try:
                    cleaned["csv_text"] = decode(upload.read())
                except CsvFormatError as exc:
                    self.add_error("file", str(exc))
        return cleaned
