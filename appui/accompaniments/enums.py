"""Vocabularies of an accompaniment.

Themes follow the national activity report of digital mediation (compte rendu d'activité de la Coop de la
médiation numérique, ANCT): digital-skills themes, and the ten categories of administrative procedures,
which are also the procedure categories of Aidants Connect mandates.
"""

from django.db import models


class Place(models.TextChoices):
    ON_SITE = "sur_place", "Sur place"
    PHONE = "telephone", "Téléphone"
    VIDEO = "visio", "Visio"
    HOME = "domicile", "À domicile"
    OUTREACH = "hors_les_murs", "Hors les murs"


class Kind(models.TextChoices):
    INDIVIDUAL = "individuel", "Individuel"
    COLLECTIVE = "collectif", "Collectif (atelier)"


class Theme(models.TextChoices):
    EQUIPMENT = "materiel", "Prendre en main du matériel"
    BROWSING = "navigation", "Naviguer sur internet"
    EMAIL = "email", "E-mail"
    OFFICE = "bureautique", "Bureautique"
    SOCIAL_MEDIA = "reseaux_sociaux", "Réseaux sociaux, communication"
    HEALTH_DIGITAL = "sante_numerique", "Santé en ligne"
    BANKING = "banque_achats", "Banque et achats en ligne"
    ENTREPRENEURSHIP = "entrepreneuriat", "Entrepreneuriat"
    JOB_SEARCH = "insertion_pro", "Insertion professionnelle"
    SECURITY = "securite", "Prévention en sécurité numérique"
    PARENTING = "parentalite", "Parentalité"
    SCHOOL = "scolarite", "Scolarité et numérique"
    CREATE = "creation", "Créer avec le numérique"
    CULTURE = "culture_numerique", "Culture numérique"
    AI = "ia", "Intelligence artificielle"
    # Administrative procedures ("démarches"): the ten national categories.
    PAPERS = "papiers", "Démarche : papiers, élections, citoyenneté"
    FAMILY = "famille", "Démarche : famille, scolarité"
    SOCIAL_HEALTH = "social_sante", "Démarche : social, santé"
    WORK = "travail", "Démarche : travail, formation"
    HOUSING = "logement", "Démarche : logement"
    TRANSPORT = "transports", "Démarche : transports, mobilité"
    MONEY = "argent", "Démarche : argent, impôts"
    JUSTICE = "justice", "Démarche : justice"
    FOREIGNERS = "etrangers", "Démarche : étrangers, Europe"
    LEISURE = "loisirs", "Démarche : loisirs, sports, culture"


PROCEDURE_THEMES = frozenset(
    {
        Theme.PAPERS,
        Theme.FAMILY,
        Theme.SOCIAL_HEALTH,
        Theme.WORK,
        Theme.HOUSING,
        Theme.TRANSPORT,
        Theme.MONEY,
        Theme.JUSTICE,
        Theme.FOREIGNERS,
        Theme.LEISURE,
    }
)


class OnlineService(models.TextChoices):
    CAF = "caf", "CAF"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    AMELI = "ameli", "Ameli (Assurance maladie)"
    IMPOTS = "impots", "impots.gouv"
    ANTS = "ants", "ANTS"
    RETRAITE = "retraite", "Retraite (info-retraite, Assurance retraite)"
    MSA = "msa", "MSA"
    LA_POSTE = "la_poste", "La Poste"
    OTHER = "autre", "Autre service"


class Mode(models.TextChoices):
    WITH_PERSON = "fait_avec", "Fait avec la personne"
    ON_BEHALF = "fait_a_la_place", "Fait à sa place"
    INFORMATION = "information", "Information"
    REFERRAL = "orientation", "Orientation"


class Autonomy(models.TextChoices):
    FULLY_ASSISTED = "entierement_accompagne", "Entièrement accompagné·e"
    PARTIALLY = "partiellement_autonome", "Partiellement autonome"
    AUTONOMOUS = "autonome", "Autonome"
