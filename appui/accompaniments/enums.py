"""Vocabularies of an accompaniment.

They follow the national activity report of digital mediation (compte rendu d'activité, CRA, of the Coop de la
médiation numérique, ANCT): place types, equipment, themes (digital skills and the categories of administrative
procedures, which are also the procedure categories of Aidants Connect mandates), autonomy, "orienté vers" and
workshop level. ``appui/reporting/cra.py`` maps each code to the CRA's own value; docs/statistiques.md says
where each name comes from.
"""

from django.db import models


class PlaceKind(models.TextChoices):
    """Where the activity took place (CRA "type de lieu")."""

    OWN_PLACE = "lieu_activite", "Dans un lieu de la structure"
    HOME = "domicile", "À domicile"
    REMOTE = "a_distance", "À distance"
    OTHER = "autre", "Autre lieu"


class RemoteChannel(models.TextChoices):
    """How a remote activity was held; the CRA only says "à distance", Appui keeps the channel."""

    PHONE = "telephone", "Téléphone"
    VIDEO = "visio", "Visio"


class Kind(models.TextChoices):
    INDIVIDUAL = "individuel", "Individuel"
    COLLECTIVE = "collectif", "Collectif (atelier)"


class Equipment(models.TextChoices):
    """Equipment used during the activity (CRA "matériel numérique utilisé")."""

    COMPUTER = "ordinateur", "Ordinateur"
    PHONE = "telephone", "Téléphone"
    TABLET = "tablette", "Tablette"
    OTHER = "autre", "Autre"
    NONE = "aucun", "Pas de matériel"


DURATION_PRESETS = (15, 30, 45, 60, 90, 120)


class ProcedureStatus(models.TextChoices):
    """Where the administrative procedure stands at the end of the accompaniment."""

    DONE = "finalisee", "Finalisée"
    ONGOING = "a_poursuivre", "À poursuivre"
    ABANDONED = "abandonnee", "Abandonnée"


class ReferralTarget(models.TextChoices):
    """The kind of structure the person was directed to (CRA "structure de redirection")."""

    ADMINISTRATION = "administration", "Administration (mairie, préfecture…)"
    DIGITAL_MEDIATION = "mediation_numerique", "Autre structure de médiation numérique"
    OPERATOR = "operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge de la démarche"
    SOCIAL_AID = "aide_sociale", "Structure d'aide sociale (maison des solidarités, centre social…)"
    EMPLOYMENT = "insertion_professionnelle", "Insertion professionnelle (France Travail, mission locale…)"
    FRANCE_SERVICES = "aide_aux_demarches_administratives", "Aide aux démarches (France Services…)"
    OTHER = "autre", "Autre"


class WorkshopLevel(models.TextChoices):
    """Level of a collective workshop (CRA "niveau de l'atelier")."""

    BEGINNER = "debutant", "Débutant"
    INTERMEDIATE = "intermediaire", "Intermédiaire"
    ADVANCED = "avance", "Avancé"


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
    DIAGNOSTIC = "diagnostic_numerique", "Diagnostic numérique"
    MAINTENANCE = "maintenance", "Maintenance de matériel"
    CONTENT = "contenus_numeriques", "Gérer ses contenus numériques"
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
    ASSOCIATIONS = "associations", "Démarche : associations"


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
# Administrative themes of the CRA: the mandate categories, and associations, which Aidants Connect does not
# cover (so no mandate can be given for it).
ADMINISTRATIVE_THEMES = PROCEDURE_THEMES | {Theme.ASSOCIATIONS}


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
    """Autonomy observed (CRA "niveau d'autonomie"; the codes are the CRA's, the labels its current wording)."""

    FULLY_ASSISTED = "entierement_accompagne", "Avec guidage"
    PARTIALLY = "partiellement_autonome", "Autonome avec guidage si besoin"
    AUTONOMOUS = "autonome", "Autonome"
