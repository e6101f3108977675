from django.db import models


class WorkerState(models.TextChoices):
    """What a background worker process is doing, as it says in its heartbeat."""

    STARTING = "demarrage", "Démarrage (préparation du moteur de calcul)"
    IDLE = "disponible", "Disponible"
    BUSY = "occupe", "Occupé"
    STOPPED = "arrete", "Arrêté"


class RunStatus(models.TextChoices):
    """Where one run of a scheduled job stands."""

    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    SUCCEEDED = "reussie", "Réussie"
    FAILED = "echouee", "Échouée"
