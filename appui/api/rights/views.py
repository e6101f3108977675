"""Rights API: screen one situation (JSON in, JSON out), launch and read a caseload screening."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from appui.people.access import default_purpose
from appui.rights import services
from appui.rights.access import access_caseload_screening, can_screen, record_caseload_results_read
from appui.rights.certainty import CERTAINTY_CODES
from appui.rights.engine import EngineError
from appui.rights.models import CaseloadScreening
from appui.rights.screening import current_period, screen
from appui.rights.selectors import caseload_results

from .serializers import (
    CaseloadCreateSerializer,
    CaseloadResultSerializer,
    CaseloadSerializer,
    ScreeningResultSerializer,
    SituationSerializer,
)


def _check_role(request: Request) -> Any:
    membership = request.membership  # type: ignore[attr-defined]
    if not can_screen(membership):
        raise PermissionDenied("Votre rôle ne permet pas de simuler les droits (données de situation).")
    return membership


def _errors(exc: ValidationError) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ApiValidationError({"non_field_errors": exc.messages})


class ScreeningView(APIView):
    @extend_schema(
        summary="Simuler les droits d'une situation (rien n'est enregistré)",
        request=SituationSerializer,
        responses=ScreeningResultSerializer,
    )
    def post(self, request: Request) -> Response:
        _check_role(request)
        serializer = SituationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = serializer.validated_data.get("period") or current_period()
        try:
            outcome = screen(serializer.answers(), period=period)
        except ValueError as exc:
            raise ApiValidationError({"non_field_errors": [str(exc)]}) from exc
        except EngineError:
            return Response(
                {"detail": "Le moteur de calcul ne répond pas. Réessayez dans quelques minutes."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        rights = [
            {
                **right.to_json(),
                "amount": right.amount,
                "monthly_amount": right.monthly_amount,
                "label": right.info.label,
                "paying_body": right.info.paying_body_label,
                "claim_url": right.info.claim_url,
                "documents": list(right.info.documents),
            }
            for right in outcome.rights
        ]
        body = {
            "period": period,
            "engine": outcome.engine,
            "engine_versions": outcome.engine_versions,
            "certainty": CERTAINTY_CODES[outcome.certainty],
            "to_complete": [item.label for item in outcome.to_complete],
            "unclaimed_monthly_total": outcome.unclaimed_monthly_total,
            "to_verify_monthly_total": outcome.to_verify_monthly_total,
            "rights": rights,
            "assumptions": [{"code": a.code, "message": a.message} for a in outcome.situation.assumptions],
        }
        return Response(ScreeningResultSerializer(body).data)


def _job_body(job: CaseloadScreening, request: Request) -> dict[str, Any]:
    data = dict(
        CaseloadSerializer({**job.__dict__, "progress_percent": job.progress_percent, "errors": job.errors[:100]}).data
    )
    data["url"] = reverse("api:rights_caseload_detail", kwargs={"job_pk": job.pk}, request=request)
    data["results_url"] = reverse("api:rights_caseload_results", kwargs={"job_pk": job.pk}, request=request)
    return data


class CaseloadListView(APIView):
    @extend_schema(
        summary="Lancer un repérage du non-recours (structure ou fichier CSV)",
        request=CaseloadCreateSerializer,
        responses={202: CaseloadSerializer},
    )
    def post(self, request: Request) -> Response:
        membership = _check_role(request)
        serializer = CaseloadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = services.caseload_screening_create(
                membership=membership,
                source=serializer.validated_data["source"],
                csv_text=serializer.validated_data.get("csv", ""),
                filename=serializer.validated_data.get("filename", ""),
                period=serializer.validated_data.get("period"),
            )
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(_job_body(job, request), status=status.HTTP_202_ACCEPTED)


class CaseloadDetailView(APIView):
    @extend_schema(summary="Lire l'avancement et le bilan d'un repérage", responses=CaseloadSerializer)
    def get(self, request: Request, job_pk: int) -> Response:
        job = access_caseload_screening(membership=request.membership, pk=job_pk)  # type: ignore[attr-defined]
        _check_role(request)
        return Response(_job_body(job, request))


class CaseloadResultsView(APIView):
    @extend_schema(
        summary="Foyers repérés : probables, puis à vérifier, puis à compléter ; chacun par montant mensuel",
        responses=CaseloadResultSerializer(many=True),
    )
    def get(self, request: Request, job_pk: int) -> Response:
        job = access_caseload_screening(membership=request.membership, pk=job_pk)  # type: ignore[attr-defined]
        _check_role(request)
        membership = request.membership  # type: ignore[attr-defined]
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(caseload_results(job, membership=membership), request, view=self) or []
        record_caseload_results_read(
            actor=membership.user,
            structure=membership.structure,
            purpose=default_purpose(membership),
            results=page,
        )
        first = paginator.page.start_index() if page else 1
        for rank, result in enumerate(page, start=first):
            result.rank = rank  # type: ignore[attr-defined]
        return paginator.get_paginated_response(CaseloadResultSerializer(page, many=True).data)


class CaseloadRelaunchView(APIView):
    @extend_schema(
        summary="Relancer un repérage échoué (ce qui est déjà calculé est gardé)",
        request=None,
        responses={202: CaseloadSerializer},
    )
    def post(self, request: Request, job_pk: int) -> Response:
        membership = request.membership  # type: ignore[attr-defined]
        job = access_caseload_screening(membership=membership, pk=job_pk)
        _check_role(request)
        try:
            job = services.caseload_screening_relaunch(membership=membership, job=job)
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(_job_body(job, request), status=status.HTTP_202_ACCEPTED)
