"""Vocabularies of the digital-autonomy diagnostic.

Autonomy levels reuse ``appui.accompaniments.enums.Autonomy`` so that a diagnostic and the autonomy observed
during an accompaniment speak the same language.
"""

from django.db import models


class DiagnosticMode(models.TextChoices):
    WORKER = "accompagnant", "Rempli avec l'accompagnant·e"
    PERSON = "personne", "Rempli par la personne (mode personne)"


class Recommendation(models.TextChoices):
    ON_BEHALF = "faire_pour_mandat", "Faire pour la personne, sous mandat (Aidants Connect)"
    DO_WITH = "faire_avec", "Faire avec la personne"
    WORKSHOP = "atelier", "Orienter vers un atelier"
    NONE = "aucune", "Pas d'accompagnement nécessaire"
    NOT_ASSESSED = "non_evalue", "À compléter : pas assez de réponses"


class AnswerValue(models.TextChoices):
    """The answer scale of the skill questions: 0 to 3, plus "does not wish to answer"."""

    CANNOT = "0", "Ne sait pas"
    WITH_HELP = "1", "Avec de l'aide"
    ALONE = "2", "Seul·e"
    CAN_EXPLAIN = "3", "Seul·e et peut expliquer"
    NO_ANSWER = "nsp", "Ne souhaite pas répondre"
