from django.db import models


class StructureType(models.TextChoices):
    CCAS = "ccas", "CCAS / CIAS"
    DEPARTEMENT = "departement", "Conseil départemental"
    COMMUNE = "commune", "Commune"
    ASSOCIATION = "association", "Association"
    FRANCE_SERVICES = "france_services", "France Services"
    MEDIATHEQUE = "mediatheque", "Médiathèque / EPN"
    OTHER = "other", "Autre"


class Role(models.TextChoices):
    ACCUEIL = "accueil", "Accueil"
    MEDIATEUR = "mediateur", "Médiateur numérique"
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur social"
    RESPONSABLE = "responsable", "Responsable de structure"
    DPO = "dpo", "Délégué à la protection des données (DPO)"
