from django.db import models


class FamilySituation(models.TextChoices):
    UNKNOWN = "", "Non renseignée"
    SINGLE = "celibataire", "Célibataire"
    COUPLE = "en_couple", "En couple (union libre)"
    MARRIED = "marie", "Marié·e"
    PACSED = "pacse", "Pacsé·e"
    SEPARATED = "separe", "Séparé·e"
    DIVORCED = "divorce", "Divorcé·e"
    WIDOWED = "veuf", "Veuf / veuve"


class HousingStatus(models.TextChoices):
    UNKNOWN = "", "Non renseigné"
    TENANT_PRIVATE = "locataire_prive", "Locataire (parc privé)"
    TENANT_SOCIAL = "locataire_hlm", "Locataire (logement social)"
    TENANT_FURNISHED = "locataire_meuble", "Locataire (meublé)"
    HOSTEL = "foyer", "Foyer, résidence sociale"
    OWNER = "proprietaire", "Propriétaire"
    HOSTED = "heberge", "Hébergé·e gratuitement"
    EMERGENCY = "hebergement_urgence", "Hébergement d'urgence"
    HOMELESS = "sans_domicile", "Sans domicile"


class EmploymentStatus(models.TextChoices):
    UNKNOWN = "", "Non renseignée"
    EMPLOYED = "salarie", "Salarié·e"
    SELF_EMPLOYED = "independant", "Indépendant·e"
    JOBSEEKER = "demandeur_emploi", "Demandeur·se d'emploi"
    STUDENT = "etudiant", "Étudiant·e, en formation"
    RETIRED = "retraite", "Retraité·e"
    INACTIVE = "sans_activite", "Sans activité"
    DISABLED = "invalidite", "En invalidité"


class Obstacle(models.TextChoices):
    """Obstacles ("freins") observed: flags to adapt the help, never a diagnosis."""

    NO_EQUIPMENT = "pas_equipement", "Pas d'équipement (ordinateur, smartphone)"
    NO_INTERNET = "pas_internet", "Pas de connexion internet"
    NO_EMAIL = "pas_email", "Pas d'adresse e-mail"
    READING_WRITING = "lecture_ecriture", "Difficulté à lire ou écrire le français"
    OTHER_LANGUAGE = "autre_langue", "Parle une autre langue"
    DISABILITY = "handicap", "Situation de handicap"
    OTHER = "autre", "Autre frein"


class AgeBand(models.TextChoices):
    UNDER_18 = "-18", "Moins de 18 ans"
    FROM_18 = "18-24", "18 à 24 ans"
    FROM_25 = "25-39", "25 à 39 ans"
    FROM_40 = "40-59", "40 à 59 ans"
    FROM_60 = "60-69", "60 à 69 ans"
    FROM_70 = "70+", "70 ans et plus"


class Relationship(models.TextChoices):
    SPOUSE = "conjoint", "Conjoint·e"
    CHILD = "enfant", "Enfant"
    PARENT = "parent", "Parent"
    SIBLING = "fratrie", "Frère ou sœur"
    OTHER_RELATIVE = "autre_parent", "Autre membre de la famille"
    OTHER = "autre", "Autre personne du foyer"


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ARABIC = "ar", "Arabe"
    ENGLISH = "en", "Anglais"
    SPANISH = "es", "Espagnol"
    PORTUGUESE = "pt", "Portugais"
    TURKISH = "tr", "Turc"
    ROMANIAN = "ro", "Roumain"
    RUSSIAN = "ru", "Russe"
    UKRAINIAN = "uk", "Ukrainien"
    DARI = "prs", "Dari"
    PASHTO = "ps", "Pachto"
    TAMIL = "ta", "Tamoul"
    SONINKE = "snk", "Soninké"
    WOLOF = "wo", "Wolof"
    LINGALA = "ln", "Lingala"
    CHINESE = "zh", "Chinois"
    SIGN = "lsf", "Langue des signes française"
    OTHER = "autre", "Autre langue"


class ExportPartKind(models.TextChoices):
    """The parts of a right-of-access export (RGPD art. 15), split by who may read them in Appui.

    The preparer's part holds what they may read; each other kind holds what only some members may read, and is
    added by one of them, or sealed for the person (see docs/droit-d-acces.md).
    """

    READABLE = "lisible", "Ce que la personne qui prépare l'export peut lire"
    SITUATION = "situation", "Situation et foyer"
    NOTES = "notes", "Notes des accompagnements"
    SECRET_NOTES = "notes_secret", "Notes couvertes par le secret professionnel"
    PRIVATE_NOTES = "notes_privees", "Notes privées"
    DIAGNOSTICS = "diagnostics", "Diagnostics numériques"
    DOCUMENTS = "documents", "Documents du coffre-fort"
    RIGHTS = "droits", "Simulations et suivi des droits"
    REFERRALS = "orientations", "Orientations vers d'autres lieux"


class ExportPartStatus(models.TextChoices):
    PENDING = "a_completer", "À compléter"
    COMPLETED = "remise", "Remise à la personne"
    SEALED = "scellee", "Scellée pour la personne"


class ExportDelivery(models.TextChoices):
    """How a member handed their part of an export to the person."""

    IN_PERSON = "en_main_propre", "En main propre"
    POST = "courrier", "Par courrier"
    SECURE_MAIL = "messagerie", "Par messagerie sécurisée"
    WITH_EXPORT = "avec_export", "Jointe à l'export (fichier scellé)"
