"""API shapes of the directory and of referrals. The sender's referral shows the whole referral; a received
referral shows what the receiving structure sees on its pages: the shared fields, never the person's record."""

from typing import Any

from data_inclusion.schema.v1 import Categorie
from rest_framework import serializers

from appui.api.text import BoundedSerializer
from appui.orientations.enums import (
    ConsentMode,
    ReferralOrigin,
    ReferralStatus,
    RefusalReason,
    SharedField,
    TargetKind,
)
from appui.places.enums import (
    AccessMode,
    Fee,
    LieuxService,
    Programme,
    Public,
    SpecificSupport,
    SupportMode,
    inclusion_choices,
)


class PlaceSearchQuerySerializer(BoundedSerializer):
    """The search: a commune (INSEE code, postal code or name), the area, words and filters."""

    commune = serializers.CharField(required=False, max_length=100, help_text="Code INSEE, code postal ou nom.")
    scope = serializers.ChoiceField(
        ["auto", "commune", "epci", "departement"],
        required=False,
        default="auto",
        help_text="auto : la commune, sinon son intercommunalité, sinon son département.",
    )
    q = serializers.CharField(required=False, max_length=100, help_text="Mots du nom du lieu.")
    services = serializers.ListField(child=serializers.ChoiceField(LieuxService.choices), required=False)
    themes = serializers.ListField(child=serializers.ChoiceField(inclusion_choices(Categorie)), required=False)
    publics = serializers.ListField(child=serializers.ChoiceField(Public.choices), required=False)
    supports = serializers.ListField(child=serializers.ChoiceField(SpecificSupport.choices), required=False)
    fees = serializers.ListField(child=serializers.ChoiceField(Fee.choices), required=False)
    access_modes = serializers.ListField(child=serializers.ChoiceField(AccessMode.choices), required=False)
    support_modes = serializers.ListField(child=serializers.ChoiceField(SupportMode.choices), required=False)
    programmes = serializers.ListField(child=serializers.ChoiceField(Programme.choices), required=False)
    open_now = serializers.BooleanField(required=False, default=False, help_text="Ouvert maintenant (heure de Paris).")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)


class PlaceSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    address_complement = serializers.CharField()
    postal_code = serializers.CharField()
    commune_code = serializers.CharField()
    commune_name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    phone = serializers.CharField()
    emails = serializers.ListField(child=serializers.CharField())
    websites = serializers.ListField(child=serializers.CharField())
    opening_hours = serializers.CharField(help_text="Horaires au format OpenStreetMap.")
    services = serializers.ListField(child=serializers.ChoiceField(LieuxService.choices))
    publics = serializers.ListField(child=serializers.ChoiceField(Public.choices))
    specific_supports = serializers.ListField(child=serializers.ChoiceField(SpecificSupport.choices))
    fees = serializers.ListField(child=serializers.ChoiceField(Fee.choices))
    programmes = serializers.ListField(child=serializers.ChoiceField(Programme.choices))
    access_modes = serializers.ListField(child=serializers.ChoiceField(AccessMode.choices))
    support_modes = serializers.ListField(child=serializers.ChoiceField(SupportMode.choices))
    appointment_url = serializers.CharField()
    uses_appui = serializers.BooleanField(
        help_text="Le lieu est celui d'une structure d'Appui : elle reçoit les orientations."
    )


class PlaceHitSerializer(PlaceSerializer):
    ring = serializers.ChoiceField(
        ["commune", "epci", "departement", ""], help_text="Où est le lieu par rapport à la commune cherchée."
    )
    distance_km = serializers.FloatField(allow_null=True)
    open_now = serializers.BooleanField(allow_null=True, help_text="null : horaires inconnus.")


class PlaceSearchPageSerializer(BoundedSerializer):
    count = serializers.IntegerField(
        help_text="Nombre de lieux trouvés ; sans commune (toute la France), compté jusqu'à 1000 seulement."
    )
    count_capped = serializers.BooleanField(
        help_text="Vrai quand plus de lieux correspondent que le nombre donné (recherche sur toute la France)."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    scope = serializers.ChoiceField(["commune", "epci", "departement", "france"])
    widened = serializers.BooleanField(help_text="La commune n'avait aucun lieu : la recherche s'est élargie.")
    results = PlaceHitSerializer(many=True)


class PlaceServiceSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    thematiques = serializers.ListField(child=serializers.CharField())
    publics = serializers.ListField(child=serializers.CharField())
    mobilisation_modes = serializers.ListField(child=serializers.CharField())
    mobilisation_url = serializers.CharField()


class PlaceDetailSerializer(PlaceSerializer):
    summary = serializers.CharField()
    description = serializers.CharField()
    updated_on = serializers.DateField(allow_null=True)
    closed = serializers.BooleanField()
    offered_services = PlaceServiceSerializer(many=True)


def place_data(place: Any) -> dict[str, Any]:
    data = {name: getattr(place, name) for name in PlaceSerializer().fields if hasattr(place, name)}
    data["uses_appui"] = place.structure_id is not None
    return data


class ReferralCreateSerializer(BoundedSerializer):
    person_id = serializers.IntegerField()
    place_id = serializers.IntegerField()
    place_service_id = serializers.IntegerField(required=False, allow_null=True)
    accompaniment_id = serializers.IntegerField(required=False, allow_null=True)
    diagnostic_id = serializers.IntegerField(required=False, allow_null=True)
    right_id = serializers.IntegerField(required=False, allow_null=True, help_text="Suivi d'un droit trouvé.")
    consent_mode = serializers.ChoiceField(
        ConsentMode.choices, help_text="Accord de la personne pour l'orientation et le partage (obligatoire)."
    )
    shared_fields = serializers.ListField(child=serializers.ChoiceField(SharedField.choices), required=False)
    target_kind = serializers.ChoiceField(TargetKind.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    documents_to_bring = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class ReferralUpdateSerializer(BoundedSerializer):
    status = serializers.ChoiceField(ReferralStatus.choices, required=False)
    refusal_reason = serializers.ChoiceField(RefusalReason.choices, required=False, allow_blank=True)
    response_message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    target_kind = serializers.ChoiceField(TargetKind.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    documents_to_bring = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class ReferralSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    origin = serializers.ChoiceField(ReferralOrigin.choices)
    place = PlaceSerializer()
    place_service_id = serializers.IntegerField(allow_null=True)
    target_structure = serializers.CharField(allow_null=True, help_text="Structure d'Appui destinataire.")
    target_kind = serializers.ChoiceField(TargetKind.choices)
    reason = serializers.CharField()
    consent_mode = serializers.ChoiceField(ConsentMode.choices)
    consented_at = serializers.DateTimeField()
    shared_fields = serializers.ListField(child=serializers.ChoiceField(SharedField.choices))
    shared_data = serializers.DictField(help_text="Les valeurs partagées, telles qu'au jour de l'accord.")
    appointment_at = serializers.DateTimeField(allow_null=True)
    contact_name = serializers.CharField()
    documents_to_bring = serializers.CharField()
    follow_up_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(ReferralStatus.choices)
    status_changed_at = serializers.DateTimeField()
    refusal_reason = serializers.CharField(help_text="Vide, ou une valeur de RefusalReason.")
    response_message = serializers.CharField()


def referral_data(referral: Any, *, hide_right: bool) -> dict[str, Any]:
    shared_fields = [code for code in referral.shared_fields if not (hide_right and code == SharedField.RIGHT)]
    return {
        "id": referral.pk,
        "person_id": referral.person_id,
        "created_at": referral.created_at,
        "created_by": referral.created_by.get_full_name(),
        "origin": referral.origin,
        "place": place_data(referral.place),
        "place_service_id": referral.place_service_id,
        "target_structure": referral.target_structure.name if referral.target_structure_id else None,
        "target_kind": referral.target_kind,
        "reason": referral.reason,
        "consent_mode": referral.consent_mode,
        "consented_at": referral.consented_at,
        "shared_fields": shared_fields,
        "shared_data": {k: v for k, v in referral.shared_data.items() if k in shared_fields},
        "appointment_at": referral.appointment_at,
        "contact_name": referral.contact_name,
        "documents_to_bring": referral.documents_to_bring,
        "follow_up_on": referral.follow_up_on,
        "status": referral.status,
        "status_changed_at": referral.status_changed_at,
        "refusal_reason": referral.refusal_reason,
        "response_message": referral.response_message,
    }


class ReceivedReferralSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    sender_structure = serializers.CharField()
    sender_name = serializers.CharField()
    sender_email = serializers.CharField()
    place_id = serializers.IntegerField()
    place_service_id = serializers.IntegerField(allow_null=True)
    shared_fields = serializers.ListField(child=serializers.ChoiceField(SharedField.choices))
    shared_data = serializers.DictField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(ReferralStatus.choices)
    status_changed_at = serializers.DateTimeField()
    refusal_reason = serializers.CharField()
    response_message = serializers.CharField()


def received_data(view: Any) -> dict[str, Any]:
    return {
        "id": view.pk,
        "created_at": view.created_at,
        "sender_structure": view.sender_structure,
        "sender_name": view.sender_name,
        "sender_email": view.sender_email,
        "place_id": view.place.pk,
        "place_service_id": view.place_service.pk if view.place_service else None,
        "shared_fields": view.shared_fields,
        "shared_data": view.shared,
        "appointment_at": view.appointment_at,
        "status": view.status,
        "status_changed_at": view.status_changed_at,
        "refusal_reason": view.refusal_reason,
        "response_message": view.response_message,
    }


class ReferralAnswerSerializer(BoundedSerializer):
    status = serializers.ChoiceField(
        ReferralStatus.choices, help_text="Réponse possible : en_cours, acceptee, ou refusee (avec un motif)."
    )
    refusal_reason = serializers.ChoiceField(RefusalReason.choices, required=False, allow_blank=True)
    response_message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PaginatedReferralSerializer(BoundedSerializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralSerializer(many=True)


class PaginatedReceivedReferralSerializer(BoundedSerializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReceivedReferralSerializer(many=True)
