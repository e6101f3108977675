"""API shapes. Output serializers read the role-filtered views (PersonView, AccompanimentView):
a hidden field is null, exactly as on the web pages."""

from rest_framework import serializers

from appui.accompaniments.enums import (
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
)
from appui.api.text import BoundedSerializer
from appui.core.communes import validate_commune_code
from appui.people.enums import EmploymentStatus, FamilySituation, Gender, HousingStatus, Language, Obstacle


class PersonSerializer(BoundedSerializer):
    id = serializers.IntegerField(read_only=True)
    file_number = serializers.CharField(read_only=True)
    is_anonymous = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="Version de la fiche : la valeur de son ETag.")
    last_name = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150)
    birth_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    gender = serializers.ChoiceField(Gender.choices, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    postal_code = serializers.RegexField(r"^\d{5}$", required=False, allow_blank=True)
    commune_code = serializers.CharField(
        max_length=5, required=False, allow_blank=True, validators=[validate_commune_code]
    )
    languages = serializers.ListField(child=serializers.ChoiceField(Language.choices), required=False)
    informed_at = serializers.DateField(
        help_text="Date à laquelle la personne a été informée du traitement de ses données (obligatoire)."
    )
    family_situation = serializers.ChoiceField(
        FamilySituation.choices, required=False, allow_null=True, help_text="null si votre rôle ne la voit pas."
    )
    housing_status = serializers.ChoiceField(HousingStatus.choices, required=False, allow_null=True)
    employment_status = serializers.ChoiceField(EmploymentStatus.choices, required=False, allow_null=True)
    obstacles = serializers.ListField(child=serializers.ChoiceField(Obstacle.choices), required=False, allow_null=True)
    situation_details = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    SITUATION = ("family_situation", "housing_status", "employment_status", "obstacles", "situation_details")


class PersonCreateSerializer(PersonSerializer):
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Créer sans vérifier les doublons probables.",
    )
    confirmed_duplicates = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        write_only=True,
        max_length=50,
        help_text=(
            "Identifiants des doublons probables déjà examinés (réponse 409) : la fiche est créée si aucun autre "
            "doublon probable n'apparaît."
        ),
    )


class PersonSummarySerializer(BoundedSerializer):
    id = serializers.IntegerField()
    file_number = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    birth_year = serializers.IntegerField(allow_null=True)


class PersonSearchPageSerializer(BoundedSerializer):
    """One page of a person search (the shape the API returns; documents the OpenAPI schema)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    approximate = serializers.BooleanField(
        help_text="Vrai quand aucun nom ne correspond exactement : la page donne les noms les plus proches."
    )
    results = PersonSummarySerializer(many=True)


class PersonDuplicatesSerializer(BoundedSerializer):
    """The answer to a creation stopped by probable duplicates (409)."""

    detail = serializers.CharField()
    duplicates = PersonSummarySerializer(many=True)


class AccompanimentSerializer(BoundedSerializer):
    id = serializers.IntegerField(read_only=True)
    person_id = serializers.IntegerField(read_only=True)
    author_id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="Version de l'accompagnement : la valeur de son ETag.")
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    place_kind = serializers.ChoiceField(
        PlaceKind.choices,
        default=PlaceKind.OWN_PLACE,
        help_text="lieu_activite : un lieu de la structure (place_id, par défaut le premier lieu ouvert).",
    )
    place_id = serializers.IntegerField(required=False, allow_null=True, help_text="Lieu de la structure.")
    place_commune_code = serializers.CharField(
        max_length=5, required=False, allow_blank=True, help_text="Commune (à domicile ou autre lieu)."
    )
    remote_channel = serializers.ChoiceField(RemoteChannel.choices, required=False, allow_blank=True)
    kind = serializers.ChoiceField(
        [(Kind.INDIVIDUAL.value, Kind.INDIVIDUAL.label)],
        default=Kind.INDIVIDUAL,
        help_text="Un atelier collectif s'enregistre depuis l'interface web (plusieurs participants).",
    )
    participants = serializers.IntegerField(read_only=True)
    equipment = serializers.ListField(child=serializers.ChoiceField(Equipment.choices), required=False)
    themes = serializers.ListField(child=serializers.ChoiceField(Theme.choices), min_length=1)
    online_services = serializers.ListField(child=serializers.ChoiceField(OnlineService.choices), required=False)
    mode = serializers.ChoiceField(Mode.choices)
    autonomy = serializers.ChoiceField(Autonomy.choices, required=False, allow_blank=True)
    procedure_status = serializers.ChoiceField(ProcedureStatus.choices, required=False, allow_blank=True)
    referred_to = serializers.ChoiceField(ReferralTarget.choices, required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    next_step = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    follow_up_done = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    private_note = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Visible par son auteur seulement."
    )
    mandate_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Mandat utilisé : obligatoire quand mode = fait_a_la_place.",
    )
    created_at = serializers.DateTimeField(read_only=True)


class ErrorSerializer(BoundedSerializer):
    detail = serializers.CharField()
