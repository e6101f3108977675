"""Directory and referral API: search places, read a place; create, read and follow referrals; read and answer
the referrals received. The same access helpers and services as the web pages."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appui.accompaniments.access import access_accompaniment
from appui.api.serializers import ErrorSerializer
from appui.core.communes import resolve_commune
from appui.diagnostics.access import access_diagnostic, can_view_diagnostics
from appui.orientations import services
from appui.orientations.access import (
    access_received_referral,
    access_referral,
    can_answer_referrals,
    can_orient,
    can_see_right,
    present_received,
    referrals_received_by,
    referrals_visible_by,
)
from appui.orientations.enums import ReferralStatus
from appui.people.access import access_person
from appui.places import hours
from appui.places.access import access_place
from appui.places.selectors import DirectoryQuery, directory_search
from appui.rights.access import access_follow_up

from .serializers import (
    PaginatedReceivedReferralSerializer,
    PaginatedReferralSerializer,
    PlaceDetailSerializer,
    PlaceSearchPageSerializer,
    PlaceSearchQuerySerializer,
    ReceivedReferralSerializer,
    ReferralAnswerSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
    place_data,
    received_data,
    referral_data,
)

ERRORS: dict[int, Any] = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Erreurs de validation : une liste de messages par champ."),
    403: OpenApiResponse(ErrorSerializer, description="Rôle insuffisant."),
    404: OpenApiResponse(ErrorSerializer, description="Introuvable, ou hors de votre structure."),
}
LIST_PARAMS = ("services", "themes", "publics", "supports", "fees", "access_modes", "support_modes", "programmes")


def _errors(exc: ValidationError) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ApiValidationError({"non_field_errors": exc.messages})


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class PlaceSearchView(APIView):
    @extend_schema(
        operation_id="places_search",
        summary="Chercher des lieux (commune → intercommunalité → département), du plus proche au plus loin",
        parameters=[
            PlaceSearchQuerySerializer,
            OpenApiParameter("page", int, description="Numéro de page (20 lieux par page)."),
        ],
        responses={200: PlaceSearchPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = {k: v for k, v in request.query_params.items() if k not in LIST_PARAMS}
        data.update({name: request.query_params.getlist(name) for name in LIST_PARAMS if name in request.query_params})
        serializer = PlaceSearchQuerySerializer(data=data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        commune = None
        if params.get("commune"):
            commune, candidates = resolve_commune(params["commune"])
            if commune is None:
                labels = ", ".join(c.label for c in candidates[:6])
                raise ApiValidationError(
                    {
                        "commune": [
                            f"Commune inconnue ou ambiguë{' : ' + labels if labels else ''}. Donnez le code INSEE."
                        ]
                    }
                )
        query = DirectoryQuery(
            commune=commune,
            scope=params["scope"],
            text=params.get("q", ""),
            filters={name: params.get(name) or [] for name in LIST_PARAMS},
            open_now=params["open_now"],
            latitude=params.get("lat"),
            longitude=params.get("lon"),
        )
        page_number = request.query_params.get("page", "1")
        if not page_number.isdigit() or int(page_number) < 1:
            raise ApiValidationError({"page": ["Numéro de page invalide."]})
        result = directory_search(request.membership, query, page_number=page_number)  # type: ignore[attr-defined]
        page = result.page

        def link(number: int) -> str:
            query_params = request.query_params.copy()
            query_params["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{query_params.urlencode()}")

        results = []
        for hit in result.hits:
            item = place_data(hit.place)
            item.update(
                ring=hit.ring,
                distance_km=round(hit.distance_km, 2) if hit.distance_km is not None else None,
                open_now=hours.status(hit.place.opening_hours).open,
            )
            results.append(item)
        body = {
            "count": page.paginator.count,
            "count_capped": result.count_capped,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "scope": result.scope,
            "widened": result.widened,
            "results": results,
        }
        return Response(PlaceSearchPageSerializer(body).data)


class PlaceDetailView(APIView):
    @extend_schema(
        summary="Lire un lieu et ses services",
        parameters=[OpenApiParameter("place_pk", int, OpenApiParameter.PATH)],
        responses={200: PlaceDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, place_pk: int) -> Response:
        place = access_place(membership=request.membership, pk=place_pk)  # type: ignore[attr-defined]
        data = place_data(place)
        data.update(
            summary=place.summary,
            description=place.description,
            updated_on=place.updated_on,
            closed=place.closed_at is not None,
            offered_services=[
                {
                    "id": s.pk,
                    "name": s.name,
                    "description": s.description,
                    "thematiques": s.thematiques,
                    "publics": s.publics,
                    "mobilisation_modes": s.mobilisation_modes,
                    "mobilisation_url": s.mobilisation_url,
                }
                for s in place.offered_services.open()
            ],
        )
        return Response(PlaceDetailSerializer(data).data)


class ReferralListView(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Orientations envoyées par la structure",
        parameters=[
            OpenApiParameter("status", str, enum=ReferralStatus.values, description="Filtrer par statut."),
            OpenApiParameter("person", int, description="Filtrer par personne."),
        ],
        responses={200: PaginatedReferralSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        _require(can_orient(membership), "Votre rôle ne permet pas de lire les orientations.")
        referrals = referrals_visible_by(membership).select_related("place", "created_by", "target_structure")
        status_filter = request.query_params.get("status")
        if status_filter:
            if status_filter not in ReferralStatus.values:
                raise ApiValidationError({"status": ["Statut inconnu."]})
            referrals = referrals.filter(status=status_filter)
        person = request.query_params.get("person")
        if person:
            if not person.isdigit():
                raise ApiValidationError({"person": ["Identifiant invalide."]})
            referrals = referrals.filter(person_id=int(person))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(referrals, request, view=self)
        hide = not can_see_right(membership)
        return paginator.get_paginated_response(
            ReferralSerializer([referral_data(r, hide_right=hide) for r in page or []], many=True).data
        )

    @extend_schema(
        summary="Orienter une personne vers un lieu (avec son accord)",
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = access_person(membership=membership, pk=data.pop("person_id"), record_read=False)
        _require(can_orient(membership), "Votre rôle ne permet pas d'orienter une personne.")
        place = access_place(membership=membership, pk=data.pop("place_id"))
        service_id = data.pop("place_service_id", None)
        service = place.offered_services.filter(pk=service_id).first() if service_id else None
        if service_id and service is None:
            raise ApiValidationError({"place_service_id": ["Ce service n'est pas proposé par ce lieu."]})
        origin = _origin(membership, data)
        try:
            referral = services.referral_create(
                membership=membership,
                person=person,
                place=place,
                place_service=service,
                consent_mode=data.pop("consent_mode"),
                shared_fields=data.pop("shared_fields", []),
                fields=data,
                **origin,
            )
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(
            ReferralSerializer(referral_data(referral, hide_right=not can_see_right(membership))).data,
            status=status.HTTP_201_CREATED,
        )


def _origin(membership: Any, data: dict[str, Any]) -> dict[str, Any]:
    origin: dict[str, Any] = {"accompaniment": None, "diagnostic": None, "right": None}
    accompaniment_id = data.pop("accompaniment_id", None)
    diagnostic_id = data.pop("diagnostic_id", None)
    right_id = data.pop("right_id", None)
    if accompaniment_id:
        origin["accompaniment"] = access_accompaniment(membership=membership, pk=accompaniment_id, record_read=False)
    if diagnostic_id:
        _require(can_view_diagnostics(membership), "Votre rôle ne permet pas de lire les diagnostics.")
        origin["diagnostic"] = access_diagnostic(membership=membership, pk=diagnostic_id, record_read=False)
    if right_id:
        origin["right"] = access_follow_up(membership=membership, pk=right_id)
    return origin


REFERRAL_ID = OpenApiParameter("referral_pk", int, OpenApiParameter.PATH)
INCOMING_ID = OpenApiParameter("incoming_pk", int, OpenApiParameter.PATH)


class ReferralDetailView(APIView):
    @extend_schema(
        summary="Lire une orientation envoyée", parameters=[REFERRAL_ID], responses={200: ReferralSerializer, **ERRORS}
    )
    def get(self, request: Request, referral_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        referral = access_referral(membership=membership, pk=referral_pk)
        _require(can_orient(membership), "Votre rôle ne permet pas de lire les orientations.")
        return Response(ReferralSerializer(referral_data(referral, hide_right=not can_see_right(membership))).data)

    @extend_schema(
        summary="Suivre une orientation envoyée (dates ; réponse d'un lieu qui n'utilise pas Appui)",
        parameters=[REFERRAL_ID],
        request=ReferralUpdateSerializer,
        responses={200: ReferralSerializer, **ERRORS},
    )
    def patch(self, request: Request, referral_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        referral = access_referral(membership=membership, pk=referral_pk, record_read=False)
        serializer = ReferralUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            referral = services.referral_update(
                membership=membership, referral=referral, fields=dict(serializer.validated_data)
            )
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(ReferralSerializer(referral_data(referral, hide_right=not can_see_right(membership))).data)


class ReceivedListView(APIView):
    @extend_schema(
        operation_id="referrals_received_list",
        summary="Orientations reçues par la structure (seulement les informations partagées)",
        parameters=[OpenApiParameter("status", str, enum=ReferralStatus.values, description="Filtrer par statut.")],
        responses={200: PaginatedReceivedReferralSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        _require(can_answer_referrals(membership), "Votre rôle ne permet pas de lire les orientations reçues.")
        referrals = referrals_received_by(membership).select_related(
            "structure", "created_by", "place", "place_service"
        )
        status_filter = request.query_params.get("status")
        if status_filter:
            if status_filter not in ReferralStatus.values:
                raise ApiValidationError({"status": ["Statut inconnu."]})
            referrals = referrals.filter(status=status_filter)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(referrals, request, view=self)
        return paginator.get_paginated_response(
            ReceivedReferralSerializer([received_data(present_received(r)) for r in page or []], many=True).data
        )


class ReceivedDetailView(APIView):
    @extend_schema(
        summary="Lire une orientation reçue",
        parameters=[INCOMING_ID],
        responses={200: ReceivedReferralSerializer, **ERRORS},
    )
    def get(self, request: Request, incoming_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        referral = access_received_referral(membership=membership, pk=incoming_pk)
        _require(can_answer_referrals(membership), "Votre rôle ne permet pas de lire les orientations reçues.")
        return Response(ReceivedReferralSerializer(received_data(present_received(referral))).data)

    @extend_schema(
        summary="Répondre à une orientation reçue : en cours, acceptée, ou refusée avec un motif",
        parameters=[INCOMING_ID],
        request=ReferralAnswerSerializer,
        responses={200: ReceivedReferralSerializer, **ERRORS},
    )
    def patch(self, request: Request, incoming_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        referral = access_received_referral(membership=membership, pk=incoming_pk, record_read=False)
        serializer = ReferralAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            referral = services.referral_answer(
                membership=membership,
                referral=referral,
                status=data["status"],
                refusal_reason=data.get("refusal_reason", ""),
                message=data.get("response_message", ""),
            )
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(ReceivedReferralSerializer(received_data(present_received(referral))).data)
