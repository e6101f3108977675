"""The vocabulary of the national activity report (CRA) of the Coop de la médiation numérique, for each Appui code.

Read from the Coop's public repository (inclusion-numerique/coop-mediation-numerique): the enumerations of its
Prisma schema (``Genre``, ``TrancheAge``, ``StatutSocial``, ``TypeActivite``, ``TypeLieu``, ``Materiel``,
``Thematique``, ``Autonomie``, ``StructureDeRedirection``, ``NiveauAtelier``), their labels (``*Labels`` in
``features/activites/use-cases/cra/fields`` and ``features/beneficiaire/domain``), the duration bands of its
statistics and the column names of its activities export. docs/statistiques.md lists the sources file by file.

Each mapping gives, for an Appui code, the Coop's enumeration value (as its statistics API returns it) and its
label (as its export writes it).
"""

from appui.accompaniments.enums import (
    Autonomy,
    Equipment,
    Kind,
    PlaceKind,
    ReferralTarget,
    Theme,
    WorkshopLevel,
)
from appui.people.enums import AgeBand, Gender, SocialStatus

Vocabulary = dict[str, tuple[str, str]]

GENRE: Vocabulary = {
    Gender.MALE: ("Masculin", "Masculin"),
    Gender.FEMALE: ("Feminin", "Féminin"),
    Gender.UNKNOWN: ("NonCommunique", "Non communiqué"),
}
# The Coop's bands, oldest first as it lists them. Appui's old "moins de 18 ans" cannot be split into the two
# bands of minors: it is reported as "non communiqué".
TRANCHE_AGE: Vocabulary = {
    AgeBand.FROM_70: ("SoixanteDixPlus", "70 ans et plus"),
    AgeBand.FROM_60: ("SoixanteSoixanteNeuf", "60 - 69 ans"),
    AgeBand.FROM_40: ("QuaranteCinquanteNeuf", "40 - 59 ans"),
    AgeBand.FROM_25: ("VingtCinqTrenteNeuf", "25 - 39 ans"),
    AgeBand.FROM_18: ("DixHuitVingtQuatre", "18 - 24 ans"),
    AgeBand.FROM_12: ("DouzeDixHuit", "12 - 17 ans"),
    AgeBand.UNDER_12: ("MoinsDeDouze", "Moins de 12 ans"),
    "": ("NonCommunique", "Non communiqué"),
    AgeBand.UNDER_18: ("NonCommunique", "Non communiqué"),
}
STATUT_SOCIAL: Vocabulary = {
    SocialStatus.RETIRED: ("Retraite", "Retraité"),
    SocialStatus.NO_JOB: ("SansEmploi", "Sans emploi"),
    SocialStatus.EMPLOYED: ("EnEmploi", "En emploi"),
    SocialStatus.SCHOOL: ("Scolarise", "Scolarisé"),
    SocialStatus.UNKNOWN: ("NonCommunique", "Non communiqué ou hétérogène"),
}
TYPE_ACTIVITE: Vocabulary = {
    Kind.INDIVIDUAL: ("Individuel", "Accompagnement individuel"),
    Kind.COLLECTIVE: ("Collectif", "Atelier collectif"),
}
TYPE_LIEU: Vocabulary = {
    PlaceKind.OWN_PLACE: ("LieuActivite", "Lieu d’activité"),
    PlaceKind.OTHER: ("Autre", "Autre lieu"),
    PlaceKind.HOME: ("Domicile", "À domicile"),
    PlaceKind.REMOTE: ("ADistance", "À distance"),
}
MATERIEL: Vocabulary = {
    Equipment.COMPUTER: ("Ordinateur", "Ordinateur"),
    Equipment.PHONE: ("Telephone", "Téléphone"),
    Equipment.TABLET: ("Tablette", "Tablette"),
    Equipment.OTHER: ("Autre", "Autre"),
    Equipment.NONE: ("Aucun", "Pas de matériel"),
}
# The CRA's digital themes, in its order. "Aide aux démarches administratives" is not an Appui theme: it counts
# the activities with at least one administrative theme (``thematiques_demarches`` details them).
THEMATIQUES: Vocabulary = {
    Theme.DIAGNOSTIC: ("DiagnosticNumerique", "Diagnostic numérique"),
    Theme.EQUIPMENT: ("PrendreEnMainDuMateriel", "Prendre en main du matériel"),
    Theme.MAINTENANCE: ("MaintenanceDeMateriel", "Maintenance de matériel"),
    Theme.CONTENT: ("GereSesContenusNumeriques", "Gérer ses contenus numériques"),
    Theme.BROWSING: ("NavigationSurInternet", "Navigation sur internet"),
    Theme.EMAIL: ("Email", "E-mail"),
    Theme.OFFICE: ("Bureautique", "Bureautique"),
    Theme.SOCIAL_MEDIA: ("ReseauxSociaux", "Réseaux sociaux communication"),
    Theme.HEALTH_DIGITAL: ("Sante", "Santé"),
    Theme.BANKING: ("BanqueEtAchatsEnLigne", "Banque et achats en ligne"),
    Theme.ENTREPRENEURSHIP: ("Entrepreneuriat", "Accompagner un professionnel"),
    Theme.JOB_SEARCH: ("InsertionProfessionnelle", "Insertion professionnelle"),
    Theme.SECURITY: ("SecuriteNumerique", "Prévention en sécurité numérique"),
    Theme.PARENTING: ("Parentalite", "Parentalité"),
    Theme.SCHOOL: ("ScolariteEtNumerique", "Scolarité et numérique"),
    Theme.CREATE: ("CreerAvecLeNumerique", "Créer avec le numérique"),
    Theme.CULTURE: ("CultureNumerique", "Culture numérique"),
    Theme.AI: ("IntelligenceArtificielle", "Intelligence artificielle (IA)"),
}
AIDE_AUX_DEMARCHES = ("AideAuxDemarchesAdministratives", "Aide aux démarches administratives")
THEMATIQUES_DEMARCHES: Vocabulary = {
    Theme.PAPERS: ("PapiersElectionsCitoyennete", "Papiers - Élections - Citoyenneté"),
    Theme.FAMILY: ("FamilleScolarite", "Famille - Scolarité"),
    Theme.SOCIAL_HEALTH: ("SocialSante", "Social - Santé"),
    Theme.WORK: ("TravailFormation", "Travail - Formation - Entreprise"),
    Theme.HOUSING: ("Logement", "Logement"),
    Theme.TRANSPORT: ("TransportsMobilite", "Transports - Mobilité"),
    Theme.MONEY: ("ArgentImpots", "Argent - Impôts"),
    Theme.JUSTICE: ("Justice", "Justice"),
    Theme.FOREIGNERS: ("EtrangersEurope", "Étrangers - Europe"),
    Theme.LEISURE: ("LoisirsSportsCulture", "Loisirs - Sports - Culture"),
    Theme.ASSOCIATIONS: ("Associations", "Associations"),
}
ALL_THEMES: Vocabulary = {**THEMATIQUES, **THEMATIQUES_DEMARCHES}
# The Coop's export writes autonomy, and a workshop's level, as stars out of 3.
AUTONOMIE_ETOILES = {Autonomy.FULLY_ASSISTED: 1, Autonomy.PARTIALLY: 2, Autonomy.AUTONOMOUS: 3}
NIVEAU_ETOILES = {WorkshopLevel.BEGINNER: 1, WorkshopLevel.INTERMEDIATE: 2, WorkshopLevel.ADVANCED: 3}
STRUCTURE_DE_REDIRECTION: Vocabulary = {
    ReferralTarget.ADMINISTRATION: ("Administration", "Administration (mairie, préfecture…)"),
    ReferralTarget.DIGITAL_MEDIATION: ("MediationNumerique", "Autre structure de médiation numérique"),
    ReferralTarget.OPERATOR: (
        "OperateurOuOrganismeEnCharge",
        "Opérateur ou organisme en charge de la démarche administrative",
    ),
    ReferralTarget.SOCIAL_AID: (
        "AideSociale",
        "Structure d’aide sociale (maison des solidarités, centre social…)",
    ),
    ReferralTarget.EMPLOYMENT: (
        "InsertionProfessionnelle",
        "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)",
    ),
    ReferralTarget.FRANCE_SERVICES: (
        "AideAuxDemarchesAdministratives",
        "Structure d’aide aux démarches administratives (France Services…)",
    ),
    ReferralTarget.OTHER: ("Autre", "Autre"),
}
# CRA statistics duration bands: (key, label), as ``dureeAccompagnementStatisticsRanges``.
DUREES = {"30": "Moins de 30 min", "60": "30min à 1 h", "120": "1 h à 2 h", "more": "2 h et plus"}


def value(vocabulary: Vocabulary, code: str) -> str:
    return vocabulary[code][0]


def label(vocabulary: Vocabulary, code: str) -> str:
    return vocabulary[code][1]
