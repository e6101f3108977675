"""How sure a result is: "probable", "à vérifier" or "informations à compléter" (rule in docs/rights.md).

Pure and cheap: it reads only the assumptions a situation was built with (``situation.resolve`` names every
input it had to assume), never runs the engine again. A benefit is "probable" when every input it depends on
(``depends_on`` in the catalogue) is known, "à vérifier" when one of them was assumed; a household whose
resources or composition are unknown cannot be assessed at all: its amounts are never shown nor counted.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db import models

from .catalogue import catalogue

if TYPE_CHECKING:
    from .situation import Assumption


class Certainty(models.IntegerChoices):
    """How sure a result is; the order is the ranking of a caseload (most certain first)."""

    PROBABLE = 1, "Probable"
    TO_VERIFY = 2, "À vérifier"
    TO_COMPLETE = 3, "Informations à compléter"


# Input a result may depend on → its name in French (the catalogue's ``depends_on`` uses these codes).
INPUTS = {
    "resources": "ressources",
    "household": "composition du foyer (situation familiale)",
    "age": "âge",
    "activity": "activité",
    "housing": "situation de logement",
    "rent": "loyer",
    "commune": "commune du logement",
    "disability": "taux d'incapacité",
    "disability_restriction": "restriction d'accès à l'emploi reconnue par la CDAPH",
    "ass_condition": "durée de travail passée",
}
# Assumption code (``situation.resolve``) → the input it stands for. Assumptions left out (benefits already
# received, schooling guessed from the age, RFR estimated from the resources given, birth year without the day,
# other persons of the home) are shown with the results but leave them probable: see docs/rights.md.
ASSUMPTION_INPUTS = {
    "resources": "resources",
    "household": "household",
    "birth_date": "age",
    "activity": "activity",
    "housing_status": "housing",
    "rent": "rent",
    "commune": "commune",
    "disability": "disability",
    "disability_restriction": "disability_restriction",
    "ass_condition": "ass_condition",
}
# Why a household could not be assessed, said in a sentence ("il manque les ressources pour 12 foyers").
REASONS = {"resources": "les ressources", "household": "la composition du foyer (situation familiale)"}
# Without these, no benefit can be assessed: the household is listed apart, "informations à compléter".
ESSENTIAL = frozenset({"resources", "household"})
# The adults as a caseload stores them (no first name kept with a result): index → label.
ADULT_SUBJECTS = ("la personne", "le conjoint ou la conjointe")

PROBABLE = Certainty.PROBABLE.value
TO_VERIFY = Certainty.TO_VERIFY.value
TO_COMPLETE = Certainty.TO_COMPLETE.value
CERTAINTY_LABELS = dict(Certainty.choices)
CERTAINTY_CODES = {PROBABLE: "probable", TO_VERIFY: "a_verifier", TO_COMPLETE: "a_completer"}


@lru_cache(maxsize=4096)
def of(label: str) -> str:
    """Return "de" + ``label`` the French way: "du conjoint ou de la conjointe", "de l'enfant 1", "de Karim"."""
    if " ou " in label:
        return " ou ".join(of(part) for part in label.split(" ou "))
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if label.startswith(article):
            return contracted + label[len(article) :]
    return "de " + label


@dataclass(frozen=True)
class MissingInput:
    """An input a result depends on that was not known: ``subject`` is who it is about ("" for the household)."""

    code: str
    subject: str = ""

    @property
    def label(self) -> str:
        name = INPUTS[self.code]
        return f"{name} {of(self.subject)}" if self.subject else name

    @property
    def key(self) -> str:
        """Return a short key to store (``code`` or ``code:index`` of the adult), without any first name."""
        if self.subject in ADULT_SUBJECTS:
            return f"{self.code}:{ADULT_SUBJECTS.index(self.subject)}"
        return self.code

    @classmethod
    def from_key(cls, key: str) -> "MissingInput":
        code, _, index = key.partition(":")
        return cls(code=code, subject=ADULT_SUBJECTS[int(index)] if index else "")


def missing_inputs(assumptions: Iterable[object]) -> tuple[MissingInput, ...]:
    """Return the inputs that were assumed, in the order met, from assumptions (objects or their JSON dicts)."""
    pairs = []
    for assumption in assumptions:
        if isinstance(assumption, Mapping):
            pairs.append((assumption["code"], assumption.get("subject", "")))
        else:
            pairs.append((assumption.code, getattr(assumption, "subject", "")))  # type: ignore[attr-defined]
    return _missing(tuple(pairs))


def situation_missing(assumptions: "tuple[Assumption, ...]") -> tuple[MissingInput, ...]:
    """Return the inputs assumed by a situation's assumptions (the caseload's fast path: no JSON dicts here)."""
    return _missing(tuple([(a.code, a.subject) for a in assumptions]))


@lru_cache(maxsize=4096)
def _missing(pairs: tuple[tuple[str, str], ...]) -> tuple[MissingInput, ...]:
    # A caseload repeats the same few combinations thousands of times: computed once each.
    missing: list[MissingInput] = []
    for code, subject in pairs:
        input_code = ASSUMPTION_INPUTS.get(code)
        if input_code is not None:
            item = MissingInput(code=input_code, subject=subject)
            if item not in missing:
                missing.append(item)
    return tuple(missing)


def benefit_missing(benefit: str, missing: Iterable[MissingInput]) -> tuple[MissingInput, ...]:
    """Return the missing inputs one benefit depends on (empty: the benefit's result is probable)."""
    depends_on = catalogue()[benefit].depends_on
    return tuple(item for item in missing if item.code in depends_on)


def household_certainty(missing: Iterable[MissingInput], benefits: Iterable[str]) -> int:
    """Return the certainty of a household: to complete without its essentials, else the least sure right's."""
    missing = tuple(missing)
    if any(item.code in ESSENTIAL for item in missing):
        return TO_COMPLETE
    if any(benefit_missing(code, missing) for code in benefits):
        return TO_VERIFY
    return PROBABLE


def essential_missing(missing: Iterable[MissingInput]) -> tuple[MissingInput, ...]:
    return tuple(item for item in missing if item.code in ESSENTIAL)
