"""Statistics API: the member's (or, for the manager, the structure's) activity in the Coop's statistics shape."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appui.accounts.enums import Role
from appui.reporting.coop import coop_statistics, openapi_schema
from appui.reporting.periods import MAX_DAYS, month_bounds
from appui.reporting.statistics import Filters, Scope, statistics


def parse_period(du: str | None, au: str | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the period of ``du`` and ``au`` (ISO dates, both included); the current month by default."""
    default_start, default_end = month_bounds(today)
    errors = {}
    try:
        start = datetime.date.fromisoformat(du) if du else default_start
    except ValueError:
        errors["du"] = ["Date invalide : AAAA-MM-JJ, par exemple 2026-01-01."]
    try:
        end = datetime.date.fromisoformat(au) if au else default_end
    except ValueError:
        errors["au"] = ["Date invalide : AAAA-MM-JJ, par exemple 2026-01-31."]
    if errors:
        raise ApiValidationError(errors)
    if end < start:
        raise ApiValidationError({"au": ["« au » doit être le même jour que « du » ou après."]})
    if (end - start).days > MAX_DAYS:
        raise ApiValidationError({"au": ["La période dépasse trois ans."]})
    return start, end


class StatisticsView(APIView):
    @extend_schema(
        summary="Statistiques d'activité (forme de l'API statistiques de la Coop de la médiation numérique)",
        description=(
            "Agrégats de la période : accompagnements par jour et par mois, bénéficiaires (genre, tranche "
            "d'âge, statut), activités (type, durée, lieu, thématiques, matériel), totaux. Le responsable de "
            "structure reçoit ceux de la structure, les autres membres les leurs. `meta.appui` ajoute ce que "
            "seul Appui suit (réalisation, orientations, mandats, diagnostics, droits, signalements)."
        ),
        parameters=[
            OpenApiParameter("du", OpenApiTypes.DATE, description="Premier jour (AAAA-MM-JJ) ; défaut : début du mois"),
            OpenApiParameter("au", OpenApiTypes.DATE, description="Dernier jour, inclus ; défaut : fin du mois"),
        ],
        responses={
            200: openapi_schema(),
            400: {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    )
    def get(self, request: Request) -> Response:
        from django.utils import timezone

        membership = request.membership  # type: ignore[attr-defined]
        start, end = parse_period(request.query_params.get("du"), request.query_params.get("au"), timezone.localdate())
        manager = membership.role == Role.RESPONSABLE
        scope = Scope(structure_ids=(membership.structure_id,), author_id=None if manager else membership.user_id)
        stats = statistics(scope, Filters(start=start, end=end))
        label = membership.structure.name if manager else f"{membership.structure.name} — activité du membre"
        return Response(coop_statistics(stats, request.build_absolute_uri(), scope_label=label))
