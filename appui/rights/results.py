"""From raw engine values to rights: found or not, amount, frequency, monthly equivalent.

Amounts keep their frequency ("nothing annual is shown as monthly"): the RSA is monthly, the allocation de
rentrée scolaire, the school grants and the chèque énergie are yearly. The monthly equivalent (a yearly amount
divided by 12) is used only to rank households and to add up amounts; a complementary health insurance adds
nothing (it is a coverage, and its participation is a cost, not an income).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from .catalogue import BenefitInfo, catalogue
from .certainty import CERTAINTY_CODES, PROBABLE, TO_VERIFY, MissingInput, benefit_missing, missing_inputs
from .enums import Activity, Frequency, ResourceKind, Schooling
from .situation import Situation

CENT = Decimal("0.01")


def to_cents(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2))).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RightEstimate:
    """One benefit found by a screening."""

    benefit: str
    amount: Decimal | None  # in its frequency; None for an eligibility without amount
    frequency: str
    monthly_amount: Decimal  # counted in totals
    received: bool  # the household says it already receives it
    # Probable, or à vérifier when an input it depends on was assumed (``missing`` names them).
    certainty: int = PROBABLE
    missing: tuple[MissingInput, ...] = ()

    @property
    def info(self) -> BenefitInfo:
        return catalogue()[self.benefit]

    @property
    def is_probable(self) -> bool:
        return self.certainty == PROBABLE

    @property
    def certainty_code(self) -> str:
        return CERTAINTY_CODES[self.certainty]

    @property
    def missing_labels(self) -> list[str]:
        return [item.label for item in self.missing]

    def to_json(self) -> dict[str, Any]:
        return {
            "benefit": self.benefit,
            "amount": str(self.amount) if self.amount is not None else None,
            "frequency": self.frequency,
            "monthly_amount": str(self.monthly_amount),
            "received": self.received,
            "certainty": self.certainty_code,
            "missing": self.missing_labels,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RightEstimate":
        return cls(
            benefit=data["benefit"],
            amount=Decimal(data["amount"]) if data["amount"] is not None else None,
            frequency=data["frequency"],
            monthly_amount=Decimal(data["monthly_amount"]),
            received=data["received"],
        )


def _found(info: BenefitInfo, value: float) -> bool:
    return value > 0.005


def monthly_equivalent(info: BenefitInfo, amount: Decimal) -> Decimal:
    """Return what a benefit's amount is worth per month, for ranking and totals."""
    if info.kind != "amount":
        return Decimal("0.00")
    if info.frequency == Frequency.YEARLY:
        return (amount / 12).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount


def estimates(values: Mapping[str, float], received: frozenset[str] = frozenset()) -> list[RightEstimate]:
    """Return the rights found in one household's raw values, in catalogue order."""
    found = {code for code, info in catalogue().items() if _found(info, values.get(code, 0.0))}
    rights = []
    for code, info in catalogue().items():
        if code not in found or found & set(info.excluded_by):
            continue
        amount = None if info.kind == "eligibility" else to_cents(values[code])
        rights.append(
            RightEstimate(
                benefit=code,
                amount=amount,
                frequency=info.frequency,
                monthly_amount=monthly_equivalent(info, amount) if amount is not None else Decimal("0.00"),
                received=code in received,
            )
        )
    return rights


def assess(rights: Iterable[RightEstimate], assumptions: Iterable[object]) -> list[RightEstimate]:
    """Return the rights with their certainty, read from the assumptions of their situation (objects or JSON)."""
    missing = missing_inputs(assumptions)
    assessed = []
    for right in rights:
        lacking = benefit_missing(right.benefit, missing)
        assessed.append(replace(right, certainty=TO_VERIFY if lacking else PROBABLE, missing=lacking))
    return assessed


def unclaimed_monthly_total(rights: list[RightEstimate]) -> Decimal:
    """Return the monthly equivalent of the probable rights found and not already received.

    A right "à vérifier" is never added: its amount rests on an assumed input (``to_verify_monthly_total``).
    """
    return sum((r.monthly_amount for r in rights if not r.received and r.is_probable), Decimal("0.00"))


def to_verify_monthly_total(rights: list[RightEstimate]) -> Decimal:
    """Return the monthly equivalent of the rights "à vérifier" found and not already received (shown apart)."""
    return sum((r.monthly_amount for r in rights if not r.received and not r.is_probable), Decimal("0.00"))


def found_masks(values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return, by benefit code, which households of an array computation have the right (exclusions applied)."""
    raw = {code: np.asarray(values[code]) > 0.005 for code in catalogue()}
    masks = {}
    for code, info in catalogue().items():
        mask = raw[code].copy()
        for other in info.excluded_by:
            mask &= ~raw[other]
        masks[code] = mask
    return masks


def monthly_equivalents(values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return, by benefit code, the monthly equivalent counted in totals (0 where not found or not an amount)."""
    masks = found_masks(values)
    result = {}
    for code, info in catalogue().items():
        amount = np.round(np.asarray(values[code], dtype=np.float64), 2)
        if info.kind != "amount":
            amount = np.zeros_like(amount)
        elif info.frequency == Frequency.YEARLY:
            amount = np.round(amount / 12, 2)
        result[code] = np.where(masks[code], amount, 0.0)
    return result


OPENFISCA_HOUSING_LABELS = {
    "locataire_vide": "locataire (vide)",
    "locataire_hlm": "locataire (logement social)",
    "locataire_meuble": "locataire (meublé)",
    "locataire_foyer": "foyer, résidence sociale",
    "proprietaire": "propriétaire",
    "loge_gratuitement": "hébergé·e gratuitement",
    "sans_domicile": "sans domicile ou hébergement d'urgence",
    "non_renseigne": "non renseigné",
}


def euros(value: float) -> str:
    """Return an amount the French way: « 1 234,50 € »."""
    return f"{value:,.2f} €".replace(",", "\u202f").replace(".", ",")


def inputs_used(situation_json: dict[str, Any]) -> list[str]:
    """Return, in plain French, the complete situation a screening computed with (answers and assumptions)."""
    if not situation_json.get("persons"):
        return []  # erased by the anonymisation of the record
    situation = Situation.from_json(situation_json)
    kinds = dict(ResourceKind.choices)
    lines = []
    for person in situation.persons:
        who = "Enfant" if person.role == "enfant" else ("Personne" if person.role == "demandeur" else "Conjoint·e")
        facts = [f"né·e le {person.birth_date:%d/%m/%Y}"]
        if person.role == "enfant":
            facts.append(Schooling(person.schooling).label.lower())
        else:
            facts.append(Activity(person.activity).label.lower())
            facts.append(
                ", ".join(f"{kinds[k].lower()} {euros(v)} par mois" for k, v in person.resources.items())
                or "aucune ressource"
            )
            if person.disability_rate:
                facts.append(f"taux d'incapacité d'au moins {person.disability_rate:.0%}".replace("\xa0", ""))
        lines.append(f"{who} : {', '.join(facts)}.")
    lines.append(
        f"Logement : {OPENFISCA_HOUSING_LABELS.get(situation.housing, situation.housing)}"
        + (f", loyer {euros(situation.rent)} par mois" if situation.rent else "")
        + (f", commune {situation.depcom}" if situation.depcom else "")
        + "."
    )
    lines.append(f"Revenu fiscal de référence : {euros(situation.rfr)}.")
    received = sorted(situation.received_benefits)
    lines.append(
        "Prestations déjà reçues : "
        + (", ".join(catalogue()[code].label for code in received) if received else "aucune")
        + "."
    )
    return lines
