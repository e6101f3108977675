"""REST API v1. Same access helpers and services as the web pages, so the same answer to "who may do what"."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appui.accompaniments import services as accompaniment_services
from appui.accompaniments.access import (
    access_accompaniment,
    accompaniments_visible_by,
    can_read_private_note,
    present_accompaniment,
)
from appui.accounts import policy
from appui.core.versions import StaleVersionError
from appui.mandates.access import access_mandate
from appui.people import services as people_services
from appui.people.access import access_person, persons_visible_by, present_person
from appui.people.selectors import person_search

from .preconditions import (
    IF_MATCH_HEADER,
    PRECONDITION_RESPONSES,
    PreconditionError,
    etag_header,
    expected_version,
    precondition_failed,
    with_etag,
)
from .serializers import (
    AccompanimentSerializer,
    ErrorSerializer,
    PersonCreateSerializer,
    PersonDuplicatesSerializer,
    PersonSearchPageSerializer,
    PersonSerializer,
    PersonSummarySerializer,
)


def _service_errors(exc: ValidationError) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ApiValidationError({"non_field_errors": exc.messages})


def _person_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Drop nulls the client echoed back from a role-filtered read, and the write-only duplicate choices."""
    return {
        k: v
        for k, v in data.items()
        if k not in {"allow_duplicate", "confirmed_duplicates"} and not (k in PersonSerializer.SITUATION and v is None)
    }


def _accompaniment_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ("" if v is None and k in {"outcome", "next_step", "notes", "private_note"} else v) for k, v in data.items()
    }


class PersonSearchPagination(PageNumberPagination):
    """Pages of a person search, saying whether the names found are only similar to the query."""

    def __init__(self, *, approximate: bool = False) -> None:
        self.approximate = approximate

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["approximate"] = self.approximate
        return response


class PersonListView(APIView):
    @extend_schema(
        operation_id="persons_list",
        summary="Rechercher des personnes",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=(
                    "Nom (sans accents ni majuscules, avec tolérance aux fautes de frappe), année de naissance, "
                    "numéro de dossier, numéro de téléphone (toute écriture) ou adresse e-mail"
                ),
            ),
            OpenApiParameter(
                "page", int, description="Numéro de page (50 personnes par page) ; 404 au-delà de la dernière"
            ),
        ],
        responses={200: PersonSearchPageSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        persons = persons_visible_by(request.membership).named()  # type: ignore[attr-defined]
        query = request.query_params.get("q", "").strip()[:100]
        found: Any = persons
        paginator = PersonSearchPagination()
        if query:
            found = person_search(persons, query, structure_id=request.membership.structure_id)  # type: ignore[attr-defined]
            paginator.approximate = found.approximate
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(PersonSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Créer une fiche",
        description=(
            "Si des fiches que vous pouvez voir portent la même date de naissance et un nom proche, la fiche n'est "
            "pas créée : la réponse 409 les liste. Renvoyez la demande avec leurs identifiants dans "
            "`confirmed_duplicates` s'il s'agit bien d'une autre personne."
        ),
        request=PersonCreateSerializer,
        parameters=[etag_header(201)],
        responses={201: PersonSerializer, 409: PersonDuplicatesSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            person = people_services.person_create(
                membership=request.membership,  # type: ignore[attr-defined]
                fields=_person_fields(serializer.validated_data),
                allow_duplicate=serializer.validated_data.get("allow_duplicate", False),
                confirmed_duplicates=serializer.validated_data.get("confirmed_duplicates", []),
            )
        except people_services.DuplicatePersonError as exc:
            return Response(
                {"detail": str(exc), "duplicates": PersonSummarySerializer(exc.duplicates, many=True).data},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise _service_errors(exc) from exc
        response = Response(
            PersonSerializer(present_person(request.membership, person)).data,  # type: ignore[attr-defined]
            status=status.HTTP_201_CREATED,
        )
        return with_etag(response, person.version)


class PersonDetailView(APIView):
    @extend_schema(
        summary="Lire une fiche (consultation journalisée)",
        parameters=[etag_header(200)],
        responses=PersonSerializer,
    )
    def get(self, request: Request, person_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        person = access_person(membership=membership, pk=person_pk)
        return with_etag(Response(PersonSerializer(present_person(membership, person)).data), person.version)

    @extend_schema(
        summary="Modifier une fiche",
        description=(
            "Envoyez dans If-Match l'ETag reçu en lisant la fiche : si elle a été modifiée depuis, la réponse est "
            "412 et rien n'est enregistré ; sans If-Match, 428."
        ),
        request=PersonSerializer,
        parameters=[IF_MATCH_HEADER, etag_header(200, 412)],
        responses={200: PersonSerializer, **PRECONDITION_RESPONSES},
    )
    def patch(self, request: Request, person_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        person = access_person(membership=membership, pk=person_pk)
        if not policy.can_write_person(membership):
            raise PermissionDenied("Votre rôle ne permet pas de modifier les fiches.")
        try:
            expected = expected_version(request, person.version)
        except PreconditionError as exc:
            return exc.response
        serializer = PersonSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            person = people_services.person_update(
                membership=membership,
                person=person,
                fields=_person_fields(serializer.validated_data),
                expected_version=expected,
            )
        except StaleVersionError as exc:
            return precondition_failed(exc.current.version)
        except ValidationError as exc:
            raise _service_errors(exc) from exc
        return with_etag(Response(PersonSerializer(present_person(membership, person)).data), person.version)


class PersonAccompanimentsView(APIView):
    @extend_schema(summary="Parcours d'une personne", responses=AccompanimentSerializer(many=True))
    def get(self, request: Request, person_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        person = access_person(membership=membership, pk=person_pk)
        queryset = accompaniments_visible_by(membership).for_person(person.pk).order_by("-date", "-id")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        views = [present_accompaniment(membership, a) for a in page or []]
        return paginator.get_paginated_response(AccompanimentSerializer(views, many=True).data)

    @extend_schema(
        summary="Enregistrer un accompagnement",
        request=AccompanimentSerializer,
        parameters=[etag_header(201)],
        responses={201: AccompanimentSerializer},
    )
    def post(self, request: Request, person_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        person = access_person(membership=membership, pk=person_pk, record_read=False)
        serializer = AccompanimentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = _accompaniment_fields(serializer.validated_data)
        mandate_id = fields.pop("mandate_id", None)
        mandate = access_mandate(membership=membership, pk=mandate_id) if mandate_id else None
        try:
            accompaniment = accompaniment_services.accompaniment_create(
                membership=membership, person=person, fields=fields, mandate=mandate
            )
        except ValidationError as exc:
            raise _service_errors(exc) from exc
        response = Response(
            AccompanimentSerializer(present_accompaniment(membership, accompaniment)).data,
            status=status.HTTP_201_CREATED,
        )
        return with_etag(response, accompaniment.version)


class AccompanimentDetailView(APIView):
    @extend_schema(summary="Lire un accompagnement", parameters=[etag_header(200)], responses=AccompanimentSerializer)
    def get(self, request: Request, accompaniment_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk)
        data = AccompanimentSerializer(present_accompaniment(membership, accompaniment)).data
        return with_etag(Response(data), accompaniment.version)

    @extend_schema(
        summary="Corriger un accompagnement (son auteur)",
        description=(
            "Envoyez dans If-Match l'ETag reçu en lisant l'accompagnement : s'il a été modifié depuis, la réponse "
            "est 412 et rien n'est enregistré ; sans If-Match, 428."
        ),
        request=AccompanimentSerializer,
        parameters=[IF_MATCH_HEADER, etag_header(200, 412)],
        responses={200: AccompanimentSerializer, **PRECONDITION_RESPONSES},
    )
    def patch(self, request: Request, accompaniment_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        accompaniment = access_accompaniment(membership=membership, pk=accompaniment_pk, record_read=False)
        if not can_read_private_note(membership, accompaniment):
            raise PermissionDenied("Seul l'auteur d'un accompagnement peut le modifier.")
        try:
            expected = expected_version(request, accompaniment.version)
        except PreconditionError as exc:
            return exc.response
        serializer = AccompanimentSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = _accompaniment_fields(serializer.validated_data)
        fields.pop("mandate_id", None)
        try:
            accompaniment = accompaniment_services.accompaniment_update(
                membership=membership, accompaniment=accompaniment, fields=fields, expected_version=expected
            )
        except StaleVersionError as exc:
            return precondition_failed(exc.current.version)
        except ValidationError as exc:
            raise _service_errors(exc) from exc
        data = AccompanimentSerializer(present_accompaniment(membership, accompaniment)).data
        return with_etag(Response(data), accompaniment.version)
