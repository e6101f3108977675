"""API shapes of the rights screening. A missing or null value means "not known": the answer lists it as an
assumption ("hypothèse"), exactly as on the web pages."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from appui.api.text import BoundedSerializer
from appui.core.communes import validate_commune_code
from appui.people.enums import HousingStatus
from appui.rights.catalogue import catalogue
from appui.rights.enums import Activity, Benefit, CaseloadSource, Disability, ResourceKind, Schooling
from appui.rights.screening import PERIOD_ERROR, PERIOD_HELP, PERIOD_PATTERN
from appui.rights.situation import EMPLOYMENT_TO_ACTIVITY, AdultAnswers, ChildAnswers, HouseholdAnswers

AMOUNT = {"min_value": 0, "max_value": 1_000_000, "max_digits": 10, "decimal_places": 2, "coerce_to_string": False}
# The words of the caseload file's ``activite`` column, as well as OpenFisca's: one vocabulary for files and API.
ACTIVITY_CHOICES = [
    *Activity.choices,
    *(
        (word, f"{dict(Activity.choices)[value]} ({word})")
        for word, value in EMPLOYMENT_TO_ACTIVITY.items()
        if word not in Activity.values
    ),
]


def period_field() -> serializers.RegexField:
    return serializers.RegexField(
        PERIOD_PATTERN, required=False, help_text=PERIOD_HELP, error_messages={"invalid": PERIOD_ERROR}
    )


class ResourcesSerializer(BoundedSerializer):
    """Monthly net amounts, average of the last 3 months. Omit the whole object when they are not known."""

    salaire = serializers.DecimalField(required=False, **AMOUNT)
    chomage = serializers.DecimalField(required=False, **AMOUNT)
    retraite = serializers.DecimalField(required=False, **AMOUNT)
    pension_invalidite = serializers.DecimalField(required=False, **AMOUNT)
    pension_alimentaire = serializers.DecimalField(required=False, **AMOUNT)
    indemnites_journalieres = serializers.DecimalField(required=False, **AMOUNT)


class AdultSerializer(BoundedSerializer):
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    activity = serializers.ChoiceField(
        ACTIVITY_CHOICES,
        required=False,
        allow_null=True,
        help_text="Valeurs OpenFisca, ou les mots de la colonne activite du fichier du repérage (salarie…).",
    )
    resources = ResourcesSerializer(required=False, allow_null=True)
    disability = serializers.ChoiceField(Disability.choices, required=False, allow_null=True)
    ass_condition = serializers.BooleanField(
        required=False, allow_null=True, help_text="5 ans de travail dans les 10 dernières années (ASS)."
    )

    def validate_activity(self, value: str | None) -> str | None:
        """Return OpenFisca's word for an activity given in the caseload file's words."""
        return EMPLOYMENT_TO_ACTIVITY.get(value, value) if value else value


class ChildSerializer(BoundedSerializer):
    birth_date = serializers.DateField()
    schooling = serializers.ChoiceField(Schooling.choices, required=False, allow_null=True)


class SituationSerializer(BoundedSerializer):
    period = period_field()
    adults = AdultSerializer(many=True, min_length=1, max_length=2)
    children = ChildSerializer(many=True, required=False, max_length=12)
    housing_status = serializers.ChoiceField(
        [c for c in HousingStatus.choices if c[0]], required=False, allow_null=True
    )
    rent = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    commune_code = serializers.CharField(
        max_length=5, required=False, allow_null=True, validators=[validate_commune_code]
    )
    rfr = serializers.DecimalField(
        required=False, allow_null=True, help_text="Revenu fiscal de référence de l'avis d'imposition.", **AMOUNT
    )
    benefits_received = serializers.DictField(
        child=serializers.DecimalField(**AMOUNT),
        required=False,
        allow_null=True,
        help_text="Prestations déjà reçues : code → montant par mois (0 si inconnu). {} : aucune.",
    )

    def validate_benefits_received(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            unknown = sorted(set(value) - set(catalogue()))
            if unknown:
                raise serializers.ValidationError(f"Codes de prestation inconnus : {', '.join(unknown)}.")
        return value

    def answers(self) -> HouseholdAnswers:
        data = self.validated_data
        adults = []
        for index, adult in enumerate(data["adults"], start=1):
            resources = adult.get("resources")
            adults.append(
                AdultAnswers(
                    label=f"l'adulte {index}",
                    birth_date=adult.get("birth_date"),
                    birth_year=adult.get("birth_year"),
                    activity=adult.get("activity"),
                    resources=None
                    if resources is None
                    else {kind: float(v) for kind, v in resources.items() if v and kind in ResourceKind.values},
                    disability=adult.get("disability"),
                    ass_condition=adult.get("ass_condition"),
                )
            )
        received = data.get("benefits_received")
        return HouseholdAnswers(
            adults=adults,
            children=[
                ChildAnswers(label=f"l'enfant {i}", birth_date=c["birth_date"], schooling=c.get("schooling"))
                for i, c in enumerate(data.get("children", []), start=1)
            ],
            housing_status=data.get("housing_status"),
            rent=float(data["rent"]) if data.get("rent") is not None else None,
            commune_code=data.get("commune_code") or None,
            rfr=float(data["rfr"]) if data.get("rfr") is not None else None,
            benefits_received=None if received is None else {k: float(v) for k, v in received.items()},
        )


# One choice set for a right, a screening and a caseload household (one name in the OpenAPI document).
CERTAINTY_CHOICES = ["probable", "a_verifier", "a_completer"]
CERTAINTY_HELP = (
    "probable : tout ce dont le résultat dépend est connu ; a_verifier : il dépend d'une information inconnue "
    "(nommée dans missing), son montant n'est qu'indicatif et n'est compté dans aucun total ; a_completer : le "
    "foyer n'a pas pu être évalué (ressources ou composition du foyer inconnues)."
)


class RightSerializer(BoundedSerializer):
    benefit = serializers.ChoiceField(Benefit.choices)
    label = serializers.CharField()
    certainty = serializers.ChoiceField(
        CERTAINTY_CHOICES, help_text=CERTAINTY_HELP + " Un droit est probable ou à vérifier."
    )
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Informations inconnues dont ce résultat dépend."
    )
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=False,
        help_text="Montant dans sa fréquence ; seulement indicatif quand certainty vaut a_verifier.",
    )
    frequency = serializers.CharField(help_text="mensuel, annuel, ou aucun (droit sans montant).")
    monthly_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=False, help_text="Équivalent mensuel compté dans le total."
    )
    received = serializers.BooleanField(help_text="Déjà reçu selon les réponses.")
    paying_body = serializers.CharField()
    claim_url = serializers.URLField()
    documents = serializers.ListField(child=serializers.CharField())


class AssumptionSerializer(BoundedSerializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ScreeningResultSerializer(BoundedSerializer):
    period = serializers.CharField()
    engine = serializers.CharField()
    engine_versions = serializers.DictField(child=serializers.CharField())
    certainty = serializers.ChoiceField(CERTAINTY_CHOICES, help_text=CERTAINTY_HELP)
    to_complete = serializers.ListField(
        child=serializers.CharField(),
        help_text="Informations sans lesquelles le foyer ne peut pas être évalué (vide si le foyer l'a été).",
    )
    unclaimed_monthly_total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        help_text="Droits probables non demandés, par mois : les droits à vérifier n'y sont jamais comptés.",
    )
    to_verify_monthly_total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        help_text="Droits à vérifier non demandés, par mois : montants indicatifs, à part.",
    )
    rights = RightSerializer(many=True)
    assumptions = AssumptionSerializer(many=True)


class CaseloadCreateSerializer(BoundedSerializer):
    source = serializers.ChoiceField(CaseloadSource.choices)
    # A whole file, not a typed text: bounded by the size of a request body, like the web form's upload.
    csv = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        help_text="Contenu du fichier CSV (source fichier).",
    )
    filename = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period = period_field()


class CaseloadErrorSerializer(BoundedSerializer):
    line = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField()
    message = serializers.CharField()


class CaseloadSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    source = serializers.CharField()
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    period = serializers.CharField()
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    with_rights = serializers.IntegerField(help_text="Foyers évalués avec des droits non demandés.")
    to_verify = serializers.IntegerField(help_text="Dont foyers avec au moins un droit à vérifier.")
    to_complete = serializers.IntegerField(help_text="Foyers non évalués : informations à compléter.")
    to_complete_reasons = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=(
            "Information manquante (resources : ressources, household : composition du foyer) → nombre de "
            "foyers non évalués pour cette raison."
        ),
    )
    error_count = serializers.IntegerField()
    errors = CaseloadErrorSerializer(many=True, help_text="Les 100 premières lignes en erreur.")
    unclaimed_monthly_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, help_text="Droits probables seulement, par mois."
    )
    duration_seconds = serializers.FloatField(allow_null=True)
    failure_message = serializers.CharField()
    engine_versions = serializers.DictField(child=serializers.CharField())


class CaseloadResultSerializer(BoundedSerializer):
    rank = serializers.IntegerField()
    reference = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    person_id = serializers.IntegerField(allow_null=True)
    certainty = serializers.ChoiceField(CERTAINTY_CHOICES, source="certainty_code", help_text=CERTAINTY_HELP)
    unclaimed_monthly_total = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    to_verify_monthly_total = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    rights = serializers.DictField(
        help_text="Code → montant dans sa fréquence (null : droit sans montant). Vide pour un foyer à compléter."
    )
    to_verify = serializers.ListField(
        child=serializers.CharField(), source="to_verify_benefits", help_text="Codes des droits à vérifier."
    )
    missing = serializers.ListField(
        child=serializers.CharField(), source="missing_labels", help_text="Informations manquantes."
    )
    assumptions = serializers.ListField(child=serializers.CharField())
