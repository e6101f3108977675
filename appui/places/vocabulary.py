"""Reading the enumerated values of published files: tolerant matching, v0 → v1 conversion, cross-vocabularies.

Real files write the standard's values with typographic apostrophes, odd spaces, another case or a missing
space before a parenthesis (« Étapes numériques(La Poste) »). Values are compared on a key without accents,
case, punctuation or spaces, so each of these variants is recognised — and counted as repaired.

The v0.1 → v1 tables follow the standard's change log (« descriptif des évolutions », LaMednum/standard-
mediation-num) and are documented value by value in docs/annuaire.md: the 15 old services fold into the 9 new
ones; « publics accueillis » splits into specific publics and specific supports; « labels nationaux » splits
into national programmes and trainings/labels; old values carry an explanation after a colon.
"""

import re
from functools import cache, lru_cache

from django.db import models

from appui.core.text import normalize

from .enums import (
    AccessMode,
    Fee,
    LieuxService,
    Mobility,
    Programme,
    Public,
    SpecificSupport,
    SupportMode,
    TrainingLabel,
    typology_choices,
)

SEPARATORS = re.compile(r"\s*[|;]\s*")


@lru_cache(maxsize=65_536)
def key(value: str) -> str:
    """Return the comparison key of a value: « Étapes numériques(La Poste) » → "etapesnumeriqueslaposte"."""
    return normalize(value).replace(" ", "")


def split_values(value: object) -> list[str]:
    """Split a multi-valued cell on ``|`` or ``;`` (or take a JSON list as it is); drop empty items."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        items = [str(item) for item in value]
    else:
        items = SEPARATORS.split(str(value))
    return [" ".join(item.split()) for item in items if item and item.strip()]


# Old (v0.1) values, and the new values each one becomes.
V0_SERVICES = {
    "Devenir autonome dans les démarches administratives": [LieuxService.ADMIN_PROCEDURES],
    "Réaliser des démarches administratives avec un accompagnement": [LieuxService.ADMIN_PROCEDURES],
    "Accompagner les démarches de santé": [LieuxService.ADMIN_PROCEDURES],
    "Prendre en main un smartphone ou une tablette": [LieuxService.EVERYDAY_TOOLS],
    "Prendre en main un ordinateur": [LieuxService.EVERYDAY_TOOLS],
    "Utiliser le numérique au quotidien": [LieuxService.EVERYDAY_TOOLS],
    "Approfondir ma culture numérique": [LieuxService.UNDERSTANDING],
    "Promouvoir la citoyenneté numérique": [LieuxService.UNDERSTANDING, LieuxService.SAFE_USE],
    "Favoriser mon insertion professionnelle": [LieuxService.JOB_INSERTION],
    "Créer et développer mon entreprise": [LieuxService.JOB_INSERTION],
    "Accéder à une connexion internet": [LieuxService.ACCESS],
    "Accéder à du matériel": [LieuxService.ACCESS],
    "S'équiper en matériel informatique": [LieuxService.SOLIDARITY_EQUIPMENT],
    "Créer avec le numérique": [LieuxService.LEISURE],
    "Soutenir la parentalité et l'éducation avec le numérique": [LieuxService.PARENTING],
}
# publics_accueillis → (publics_specifiquement_adresses, prise_en_charge_specifique); "Adultes" is every place's
# public: it has no counterpart in v1, where a place without specific public welcomes everyone.
V0_PUBLICS: dict[str, tuple[list[str], list[str]]] = {
    "Seniors (+ 65 ans)": ([Public.SENIORS], []),
    "Familles/enfants": ([Public.FAMILIES], []),
    "Adultes": ([], []),
    "Jeunes (16-26 ans)": ([Public.YOUNG], []),
    "Public langues étrangères": ([], [SpecificSupport.OTHER_LANGUAGES]),
    "Déficience visuelle": ([], [SpecificSupport.VISUAL]),
    "Surdité": ([], [SpecificSupport.DEAFNESS]),
    "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales": (
        [],
        [SpecificSupport.MENTAL],
    ),
    "Handicaps mentaux : déficiences limitant les activités d'une personne": ([], [SpecificSupport.MENTAL]),
    "Uniquement femmes": ([Public.WOMEN], []),
    "Personnes en situation d'illettrisme": ([], [SpecificSupport.ILLITERACY]),
}
# conditions_acces → frais_a_charge (the text after the colon explains the old value).
V0_FEES = {
    "Gratuit": Fee.FREE,
    "Gratuit sous condition": Fee.FREE_UNDER_CONDITIONS,
    "Payant": Fee.PAID,
    "Accepte le Pass numérique": Fee.PAID,
    "Adhésion": Fee.PAID,
}
# labels_nationaux → (dispositif_programmes_nationaux, formations_labels, autres_formations_labels)
V0_LABELS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "France Services": ([Programme.FRANCE_SERVICES], [], []),
    "CNFS": ([Programme.CONSEILLERS_NUMERIQUES], [], []),
    "APTIC": ([], [], ["APTIC"]),
    "Aidants Connect": ([Programme.AIDANTS_CONNECT], [], []),
    "Fabriques de Territoire": ([], [TrainingLabel.FABRIQUES], []),
    "Grandes écoles du numérique": ([Programme.GRANDE_ECOLE], [], []),
    "Point relais CAF": ([Programme.CAF_POINT], [], []),
    "Point numérique CAF": ([Programme.CAF_POINT], [], []),
    "Relais pôle emploi": ([], [], ["Relais pôle emploi"]),
    "French Tech": ([], [], ["French Tech"]),
    "Campus connecté": ([], [], ["Campus connecté"]),
}
# modalites_accompagnement (the prefix before the colon) → v1. Doing in the person's place is an individual
# accompaniment in v1.
V0_SUPPORT_MODES = {
    "Seul": SupportMode.AUTONOMOUS,
    "Avec de l'aide": SupportMode.INDIVIDUAL,
    "Dans un atelier": SupportMode.WORKSHOP,
    "A ma place": SupportMode.INDIVIDUAL,
}

# Accompaniment themes (and the diagnostic's workshop themes) → the lieux service to look for.
THEME_TO_SERVICE = {
    "materiel": LieuxService.EVERYDAY_TOOLS,
    "navigation": LieuxService.EVERYDAY_TOOLS,
    "email": LieuxService.EVERYDAY_TOOLS,
    "bureautique": LieuxService.EVERYDAY_TOOLS,
    "reseaux_sociaux": LieuxService.UNDERSTANDING,
    "sante_numerique": LieuxService.ADMIN_PROCEDURES,
    "banque_achats": LieuxService.EVERYDAY_TOOLS,
    "entrepreneuriat": LieuxService.JOB_INSERTION,
    "insertion_pro": LieuxService.JOB_INSERTION,
    "securite": LieuxService.SAFE_USE,
    "parentalite": LieuxService.PARENTING,
    "scolarite": LieuxService.PARENTING,
    "creation": LieuxService.LEISURE,
    "culture_numerique": LieuxService.UNDERSTANDING,
    "ia": LieuxService.UNDERSTANDING,
}
PROCEDURE_SERVICE = LieuxService.ADMIN_PROCEDURES

# data·inclusion themes that are digital-mediation services in the lieux vocabulary (import of a data·inclusion
# file fills ``Place.services`` with them, so that the directory filters find both kinds of places).
INCLUSION_THEME_TO_SERVICE = {
    "numerique--acceder-a-des-services-en-ligne": LieuxService.ADMIN_PROCEDURES,
    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives": (
        LieuxService.ADMIN_PROCEDURES
    ),
    "numerique--acceder-a-une-connexion-internet": LieuxService.ACCESS,
    "numerique--acquerir-un-equipement": LieuxService.SOLIDARITY_EQUIPMENT,
    "numerique--maitriser-les-fondamentaux-du-numerique": LieuxService.EVERYDAY_TOOLS,
}
INCLUSION_PUBLIC_TO_PUBLIC = {
    "jeunes": Public.YOUNG,
    "etudiants": Public.STUDENTS,
    "familles": Public.FAMILIES,
    "seniors": Public.SENIORS,
    "femmes": Public.WOMEN,
}
PUBLIC_TO_INCLUSION_PUBLIC = {value: key_ for key_, value in INCLUSION_PUBLIC_TO_PUBLIC.items()}
INCLUSION_FEE_TO_FEE = {"gratuit": Fee.FREE, "payant": Fee.PAID}
INCLUSION_MOBILISATION_TO_ACCESS = {
    "se-presenter": AccessMode.WALK_IN,
    "telephoner": AccessMode.PHONE,
    "envoyer-un-courriel": AccessMode.EMAIL,
    "utiliser-lien-mobilisation": AccessMode.ONLINE_BOOKING,
}
ACCESS_TO_INCLUSION_MOBILISATION = {value: key_ for key_, value in INCLUSION_MOBILISATION_TO_ACCESS.items()}
INCLUSION_RECEPTION_TO_SUPPORT = {"a-distance": SupportMode.REMOTE}


class Vocabulary:
    """One enumeration of the standard, read tolerantly."""

    def __init__(
        self, choices: list[tuple[str, str]], aliases: dict[str, str] | None = None, *, written_as_value: bool = False
    ):
        # The standard writes the label (« Gratuit sous condition »), or for typologies the code (« ASSO »).
        self.labels = {value: value if written_as_value else label for value, label in choices}
        self._by_key = {key(label): value for value, label in choices}
        self._by_key.update({key(value): value for value, _ in choices})
        self._by_key.update({key(alias): value for alias, value in (aliases or {}).items()})

    def match(self, raw: str) -> tuple[str | None, bool]:
        """Return (value, repaired): the value ``raw`` designates, and whether it was written differently
        from the standard's label; (None, False) when it designates none."""
        value = self._by_key.get(key(raw))
        if value is None:
            return None, False
        return value, raw != self.labels[value]

    def written(self, value: str) -> str:
        """Return the value as the standard writes it in a file."""
        return self.labels[value]


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """Return the tolerant readers of the lieux v1 enumerations, by column name of the standard."""
    return {
        "services": Vocabulary(LieuxService.choices),
        "publics_specifiquement_adresses": Vocabulary(Public.choices),
        "prise_en_charge_specifique": Vocabulary(
            SpecificSupport.choices, {"Langues étrangères": SpecificSupport.OTHER_LANGUAGES}
        ),
        "frais_a_charge": Vocabulary(Fee.choices),
        "dispositif_programmes_nationaux": Vocabulary(
            Programme.choices,
            {"CNFS": Programme.CONSEILLERS_NUMERIQUES, "Conseiller numérique": Programme.CONSEILLERS_NUMERIQUES},
        ),
        "formations_labels": Vocabulary(TrainingLabel.choices),
        "modalites_acces": Vocabulary(AccessMode.choices, {"Prendre un rendez-vous en ligne": "rdv-en-ligne"}),
        "modalites_accompagnement": Vocabulary(SupportMode.choices),
        "itinerance": Vocabulary(Mobility.choices),
        "typologie": Vocabulary(typology_choices(), written_as_value=True),
    }


def labels_of(enum: type[models.TextChoices], values: list[str]) -> list[str]:
    labels = dict(enum.choices)
    return [labels[value] for value in values if value in labels]
