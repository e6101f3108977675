"""Vocabularies of a referral ("orientation").

Statuses follow DORA's orientation vocabulary (nouvelle, en cours, acceptée, refusée with a reason, sans
réponse); the kind of target follows the national activity report of digital mediation (« orienté vers »,
Coop de la médiation numérique), so that statistics speak the national language.
"""

from django.db import models


class ReferralStatus(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    IN_PROGRESS = "en_cours", "En cours"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"
    NO_ANSWER = "sans_reponse", "Sans réponse"


OPEN_STATUSES = frozenset({ReferralStatus.NEW, ReferralStatus.IN_PROGRESS})
# What the receiving structure may answer (its own "en cours" means it is handling the referral).
ANSWER_STATUSES = frozenset({ReferralStatus.IN_PROGRESS, ReferralStatus.ACCEPTED, ReferralStatus.REFUSED})


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "non_eligible", "La personne ne remplit pas les conditions d'accès"
    FULL = "complet", "Le service est complet ou n'est plus proposé"
    UNREACHABLE = "injoignable", "La personne n'a pas pu être jointe ou n'est pas venue"
    DECLINED = "refus_personne", "La personne ne souhaite plus cette aide"
    ALREADY_HELPED = "deja_accompagnee", "La personne est déjà accompagnée pour cela"
    OTHER = "autre", "Autre motif (précisé dans le message)"


class ReferralOrigin(models.TextChoices):
    PERSON = "personne", "Fiche de la personne"
    ACCOMPANIMENT = "accompagnement", "Accompagnement"
    DIAGNOSTIC = "diagnostic", "Diagnostic numérique"
    RIGHT = "droit", "Droit à demander"


class TargetKind(models.TextChoices):
    """The kind of structure the person is oriented to (« orienté vers »)."""

    OPERATOR = "operateur", "Opérateur ou organisme en charge de la démarche (CAF, Assurance maladie…)"
    ADMINISTRATION = "administration", "Administration (mairie, préfecture…)"
    DIGITAL_MEDIATION = "mediation_numerique", "Autre structure de médiation numérique"
    SOCIAL = "aide_sociale", "Structure d'aide sociale (maison des solidarités, centre social…)"
    EMPLOYMENT = "insertion_professionnelle", "Structure d'insertion professionnelle (France Travail, mission locale…)"
    ADMIN_HELP = "aide_demarches", "Structure d'aide aux démarches administratives (France Services…)"
    OTHER = "autre", "Autre"


class SharedField(models.TextChoices):
    """What the person agrees to share with the place they are oriented to."""

    IDENTITY = "identite", "Nom et prénom"
    BIRTH_DATE = "naissance", "Date de naissance"
    PHONE = "telephone", "Téléphone"
    EMAIL = "email", "Adresse e-mail"
    ADDRESS = "adresse", "Adresse"
    LANGUAGES = "langues", "Langues parlées"
    REASON = "motif", "Motif de l'orientation"
    DIGITAL = "numerique", "Niveau d'autonomie numérique et ateliers conseillés"
    RIGHT = "droit", "Droit à demander"


class ConsentMode(models.TextChoices):
    ORAL = "oral", "Accord oral de la personne, présente"
    WRITTEN = "ecrit", "Accord écrit et signé"
