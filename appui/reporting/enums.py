from django.db import models


class TerritoryKind(models.TextChoices):
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "Intercommunalité (EPCI)"


class PeriodKind(models.TextChoices):
    """The periods the statistics page offers."""

    MONTH = "mois", "Mois"
    QUARTER = "trimestre", "Trimestre"
    YEAR = "annee", "Année"
    CUSTOM = "personnalisee", "Dates choisies"
