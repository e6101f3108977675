"""Vocabularies of places and of the services they offer.

The values are stable slugs; the labels are the exact values of the national standard of digital-mediation
places (« lieux de médiation numérique » v1.0.2, ANCT / La MedNum, Etalab 2.0), which the lieux CSV export writes
back verbatim — mind ``TrainingLabel.ETAPES_NUMERIQUES``, written without a space before the parenthesis in the
standard. The data·inclusion v1 vocabularies (themes, publics, fees, reception and mobilisation modes, networks)
are read from the ``data-inclusion-schema`` package itself: see ``inclusion_choices``.
"""

import csv
from enum import Enum
from functools import cache
from pathlib import Path

from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"


class LieuxService(models.TextChoices):
    ADMIN_PROCEDURES = "aide-demarches-administratives", "Aide aux démarches administratives"
    EVERYDAY_TOOLS = "maitrise-outils-numeriques", "Maîtrise des outils numériques du quotidien"
    JOB_INSERTION = "insertion-professionnelle", "Insertion professionnelle via le numérique"
    SAFE_USE = "utilisation-securisee", "Utilisation sécurisée du numérique"
    PARENTING = "parentalite-education", "Parentalité et éducation avec le numérique"
    LEISURE = "loisirs-creations", "Loisirs et créations numériques"
    UNDERSTANDING = "comprehension-monde-numerique", "Compréhension du monde numérique"
    ACCESS = "acces-internet-materiel", "Accès internet et matériel informatique"
    SOLIDARITY_EQUIPMENT = "materiel-prix-solidaire", "Acquisition de matériel informatique à prix solidaire"


class Public(models.TextChoices):
    """Publics a place specifically addresses (« publics spécifiquement adressés »)."""

    YOUNG = "jeunes", "Jeunes"
    STUDENTS = "etudiants", "Étudiants"
    FAMILIES = "familles-enfants", "Familles et/ou enfants"
    SENIORS = "seniors", "Seniors"
    WOMEN = "femmes", "Femmes"


class SpecificSupport(models.TextChoices):
    """Needs a place is able to support (« prise en charge spécifique »): languages, disability, illiteracy."""

    DEAFNESS = "surdite", "Surdité"
    MOTOR = "handicaps-moteurs", "Handicaps moteurs"
    MENTAL = "handicaps-mentaux", "Handicaps mentaux"
    ILLITERACY = "illettrisme", "Illettrisme"
    ENGLISH = "langues-anglais", "Langues étrangères (anglais)"
    OTHER_LANGUAGES = "langues-autres", "Langues étrangères (autres)"
    VISUAL = "deficience-visuelle", "Déficience visuelle"


class Fee(models.TextChoices):
    FREE = "gratuit", "Gratuit"
    FREE_UNDER_CONDITIONS = "gratuit-sous-condition", "Gratuit sous condition"
    PAID = "payant", "Payant"


class Programme(models.TextChoices):
    """National schemes and programmes (« dispositifs et programmes nationaux »)."""

    AIDANTS_CONNECT = "aidants-connect", "Aidants Connect"
    DIGITAL_LIBRARIES = "bibliotheques-numeriques", "Bibliothèques numérique de référence"
    PIX = "certification-pix", "Certification PIX"
    CONSEILLERS_NUMERIQUES = "conseillers-numeriques", "Conseillers numériques"
    EMMAUS_CONNECT = "emmaus-connect", "Emmaüs Connect"
    FRANCE_SERVICES = "france-services", "France Services"
    GRANDE_ECOLE = "grande-ecole-numerique", "Grande école du numérique"
    RED_CROSS = "croix-rouge", "La Croix Rouge"
    CAF_POINT = "point-numerique-caf", "Point d'accès numérique CAF"
    PROMENEURS = "promeneurs-du-net", "Promeneurs du net"
    EMMAUS_RELAY = "relais-numerique-emmaus", "Relais numérique (Emmaüs Connect)"


class TrainingLabel(models.TextChoices):
    """Trainings and labels (« formations et labels »)."""

    MON_ESPACE_SANTE = "mon-espace-sante", "Formé à « Mon Espace Santé »"
    DUPLEX = "duplex", "Formé à « DUPLEX » (illettrisme)"
    ARNIA = "arnia-mednum-bfc", "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"
    REUSE_NORMANDY = "reemploi-normandie", "Collectif ressources et acteurs réemploi (Normandie)"
    ETAPES_NUMERIQUES = "etapes-numeriques", "Étapes numériques(La Poste)"
    FABRIQUES = "fabriques-de-territoire", "Fabriques de Territoire"
    ECLAIREURS = "eclaireurs-numerique", "Les Éclaireurs du numérique (Drôme)"
    MES_PAPIERS = "mes-papiers", "Mes Papiers (Métropole de Lyon)"
    ORDI_3_0 = "ordi-3-0", "ORDI 3.0"
    SUD_LABS = "sud-labs", "SUD LABS (PACA)"


class AccessMode(models.TextChoices):
    """How to reach the place's services (« modalités d'accès »)."""

    WALK_IN = "se-presenter", "Se présenter"
    PHONE = "telephoner", "Téléphoner"
    EMAIL = "contacter-par-mail", "Contacter par mail"
    ONLINE_BOOKING = "rdv-en-ligne", "Prendre un RDV en ligne"
    NO_PUBLIC = "pas-de-public", "Ce lieu n'accueille pas de public"
    PRESCRIPTION = "fiche-prescription", "Envoyer un mail avec une fiche de prescription"


class SupportMode(models.TextChoices):
    """How people are accompanied (« modalités d'accompagnement »)."""

    AUTONOMOUS = "en-autonomie", "En autonomie"
    INDIVIDUAL = "individuel", "Accompagnement individuel"
    WORKSHOP = "atelier-collectif", "Dans un atelier collectif"
    REMOTE = "a-distance", "À distance"


class Mobility(models.TextChoices):
    """Whether the place moves (bus, caravan) or not (« itinérance »)."""

    MOBILE = "itinerant", "Itinérant"
    FIXED = "fixe", "Fixe"


class ImportFormat(models.TextChoices):
    AUTO = "auto", "Détection automatique"
    LIEUX_V1 = "lieux-v1", "Lieux de médiation numérique v1 (CSV ou JSON)"
    LIEUX_V0 = "lieux-v0", "Lieux de médiation numérique v0.1 (ancien format, CSV ou JSON)"
    FRANCE_SERVICES = "france-services", "Liste officielle des France Services (CSV)"
    DATA_INCLUSION = "data-inclusion", "data·inclusion v1 (structures et services, JSON ou CSV)"


# The dummy "pivot" (SIRET/RNA) of the lieux standard: producers write it when they do not know the identifier.
UNKNOWN_PIVOT = "00000000000000"
# Own places are identified by this source name; imports may not use it.
OWN_PLACES_SOURCE = "appui"


@cache
def typology_choices() -> list[tuple[str, str]]:
    """Return the data·inclusion typologies of structures (the vocabulary of the lieux « typologie » field)."""
    with (DATA_DIR / "typologies-de-structures.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["code"], row["libelle"]) for row in csv.DictReader(handle)]


def inclusion_choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """Return the (value, label) choices of a data·inclusion v1 enumeration (``data_inclusion.schema.v1``)."""
    return [(member.value, member.label) for member in enum]  # type: ignore[attr-defined]
