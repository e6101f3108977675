from django.db import models


class Benefit(models.TextChoices):
    """The benefits Appui screens for. Their rules and texts live in ``data/benefits.toml``."""

    RSA = "rsa", "Revenu de solidarité active (RSA)"
    PPA = "prime_activite", "Prime d'activité"
    HOUSING = "aide_logement", "Aide au logement (APL, ALS, ALF)"
    AAH = "aah", "Allocation aux adultes handicapés (AAH)"
    ASI = "asi", "Allocation supplémentaire d'invalidité (ASI)"
    ASPA = "aspa", "Allocation de solidarité aux personnes âgées (ASPA)"
    ASS = "ass", "Allocation de solidarité spécifique (ASS)"
    CSS_FREE = "css_gratuite", "Complémentaire santé solidaire gratuite"
    CSS_PAID = "css_participative", "Complémentaire santé solidaire avec participation"
    AF = "allocations_familiales", "Allocations familiales"
    CF = "complement_familial", "Complément familial"
    PAJE = "paje_base", "Allocation de base de la PAJE"
    ARS = "ars", "Allocation de rentrée scolaire"
    COLLEGE = "bourse_college", "Bourse de collège"
    LYCEE = "bourse_lycee", "Bourse de lycée"
    ENERGY = "cheque_energie", "Chèque énergie"


class PayingBody(models.TextChoices):
    CAF = "caf", "CAF (ou MSA)"
    CPAM = "cpam", "Assurance maladie (CPAM ou MSA)"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    RETIREMENT = "caisse_retraite", "Caisse de retraite (Carsat, MSA…)"
    DEPARTEMENT = "departement", "Conseil départemental"
    SCHOOL = "etablissement_scolaire", "Établissement scolaire"
    ETAT = "etat", "État"


class Frequency(models.TextChoices):
    MONTHLY = "mensuel", "par mois"
    YEARLY = "annuel", "par an"
    NONE = "aucun", "sans montant"


class RightStatus(models.TextChoices):
    """Follow-up of a right found by a screening."""

    TO_CLAIM = "a_demander", "À demander"
    CLAIMED = "demande_en_cours", "Demande en cours"
    GRANTED = "obtenu", "Obtenu"
    REFUSED = "refuse", "Refusé"
    DECLINED = "non_souhaite", "Non souhaité"


class Activity(models.TextChoices):
    """What an adult does, in the words of OpenFisca's ``activite`` variable."""

    WORKING = "actif", "En emploi"
    JOBSEEKER = "chomeur", "Au chômage, demandeur d'emploi"
    STUDENT = "etudiant", "Étudiant·e"
    RETIRED = "retraite", "Retraité·e"
    INACTIVE = "inactif", "Sans activité"


class ResourceKind(models.TextChoices):
    """Monthly resources asked for each adult (average of the last 3 months, net)."""

    SALARY = "salaire", "Salaires"
    UNEMPLOYMENT = "chomage", "Allocations chômage"
    PENSION = "retraite", "Retraite"
    INVALIDITY = "pension_invalidite", "Pension d'invalidité"
    ALIMONY = "pension_alimentaire", "Pension alimentaire reçue"
    SICK_PAY = "indemnites_journalieres", "Indemnités journalières (maladie)"


class Disability(models.TextChoices):
    """Disability rate recognised by the MDPH (CDAPH)."""

    NONE = "aucun", "Aucun taux reconnu"
    FROM_50 = "50_79", "De 50 à 79 %"
    FROM_80 = "80_plus", "80 % ou plus"


class Schooling(models.TextChoices):
    """School level of a child, in the words of OpenFisca's ``scolarite`` variable."""

    NONE = "inconnue", "Pas scolarisé·e"
    NURSERY = "maternelle", "Maternelle"
    PRIMARY = "primaire", "École élémentaire"
    COLLEGE = "college", "Collège"
    LYCEE = "lycee", "Lycée"
    HIGHER = "enseignement_superieur", "Études supérieures"


class CaseloadSource(models.TextChoices):
    STRUCTURE = "structure", "Personnes de la structure"
    CSV = "fichier", "Fichier CSV"


class CaseloadStatus(models.TextChoices):
    """Where a caseload screening stands: waiting for a worker or its turn, running, done, or failed."""

    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "terminee", "Terminé"
    FAILED = "echouee", "Échoué"


class ChunkStatus(models.TextChoices):
    """Where one chunk task of a caseload screening stands."""

    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echoue", "Échoué"
