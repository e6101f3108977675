"""What statistics need besides the activity records: sharing consents, coordination accounts, reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .enums import TerritoryKind


class StatisticsSharing(models.Model):
    """A structure's consent to let the coordinators of its territories see its figures, aggregated.

    Without a row (or with both flags off) the structure is in no territory view. The territory is the one of
    the structure's commune: its département, its EPCI. Nothing personal is ever shared, only counts, and a
    count under 5 is shown as "< 5".
    """

    structure = models.OneToOneField(
        "accounts.Structure", on_delete=models.CASCADE, related_name="statistics_sharing", verbose_name="structure"
    )
    with_departement = models.BooleanField("partagées avec la coordination du département", default=False)
    with_epci = models.BooleanField("partagées avec la coordination de l'intercommunalité", default=False)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="par"
    )

    class Meta:
        verbose_name = "partage des statistiques"
        verbose_name_plural = "partages des statistiques"

    def __str__(self) -> str:
        return f"Partage des statistiques de {self.structure}"


class TerritoryCoordinationQuerySet(models.QuerySet["TerritoryCoordination"]):
    def active(self) -> "TerritoryCoordinationQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class TerritoryCoordination(models.Model):
    """A coordination account's access to the aggregated figures of one territory (département or EPCI).

    Granted by the platform operator (``manage.py grant_coordination``), never by a structure: a coordinator
    is not a member of the structures they see, and reads counts only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="territory_coordinations")
    territory_kind = models.CharField("type de territoire", max_length=20, choices=TerritoryKind.choices)
    territory_code = models.CharField("code du territoire", max_length=9)
    granted_at = models.DateTimeField("accordée le", auto_now_add=True)
    revoked_at = models.DateTimeField("retirée le", null=True, blank=True)

    objects = TerritoryCoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = "coordination territoriale"
        verbose_name_plural = "coordinations territoriales"
        ordering = ["territory_kind", "territory_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory_kind", "territory_code"],
                condition=Q(revoked_at__isnull=True),
                name="coordination_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(territory_kind__in=TerritoryKind.values), name="coordination_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        from appui.core.territories import territory_name

        return f"Coordination {territory_name(self.territory_kind, self.territory_code) or self.territory_code}"


class ActivityReport(models.Model):
    """A structure's activity report for one month (PDF for funders), kept once generated."""

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="activity_reports", verbose_name="structure"
    )
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    pdf = models.BinaryField("rapport PDF")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generated_at = models.DateTimeField("produit le", auto_now_add=True)
    # Empty for the reports the monthly job produces.
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "rapport d'activité"
        verbose_name_plural = "rapports d'activité"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "period_start", "period_end"], name="activity_report_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="activity_report_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport d'activité du {self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"


class ActivityDay(models.Model):
    """The activities of one structure on one day, in one kind of place and of one type, added up.

    A roll-up the statistics read instead of the activities when no member or theme filter applies; the
    accompaniment services keep it up to date in the transaction of each change (``rollups.refresh_day``).
    ``counts``, ``themes`` and ``equipment`` map a code ("duration_30", "mode_orientation", a theme, a piece of
    equipment) to its count; themes, equipment and the duration and place breakdowns count accompaniments
    (weighted by participants), the others count activities, as ``statistics`` does.
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    place_kind = models.CharField(max_length=20)
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=20)
    activities = models.PositiveIntegerField(default=0)
    accompaniments = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    procedures = models.PositiveIntegerField(default=0)
    procedure_accompaniments = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    themes = models.JSONField(default=dict)
    equipment = models.JSONField(default=dict)

    class Meta:
        verbose_name = "activité d'un jour (agrégat)"
        indexes = [models.Index(fields=["structure", "date"], name="activity_day_period")]

    def __str__(self) -> str:
        return f"Activités du {self.date:%d/%m/%Y}"
