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
