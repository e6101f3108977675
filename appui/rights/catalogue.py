"""The benefit catalogue, read once from ``data/benefits.toml``: rules are data, not code branches."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .enums import Benefit, Frequency, PayingBody

DATA_FILE = Path(__file__).resolve().parent / "data" / "benefits.toml"

KINDS = frozenset({"amount", "eligibility", "participation"})
PERIODS = frozenset({"month", "year"})


class CatalogueError(ValueError):
    """Raised when the catalogue file is inconsistent (checked at load, and by the tests)."""


@dataclass(frozen=True)
class BenefitInfo:
    code: str
    label: str
    falc: str
    variable: str
    # OpenFisca variables added to the amount, computed for the same entity and period (a gain paid otherwise).
    added_variables: tuple[str, ...]
    period: str
    kind: str
    frequency: str
    paying_body: str
    received_variables: tuple[str, ...]
    excluded_by: tuple[str, ...]
    # Inputs the result depends on (appui.rights.certainty.INPUTS): one unknown makes the result "à vérifier".
    depends_on: frozenset[str]
    claim_how: str
    claim_url: str
    documents: tuple[str, ...]

    @property
    def paying_body_label(self) -> str:
        return PayingBody(self.paying_body).label

    @property
    def frequency_label(self) -> str:
        return Frequency(self.frequency).label

    @property
    def has_amount(self) -> bool:
        return self.kind == "amount"


def _parse(code: str, raw: dict) -> BenefitInfo:
    try:
        info = BenefitInfo(
            code=code,
            label=raw["label"],
            falc=raw["falc"],
            variable=raw["variable"],
            added_variables=tuple(raw.get("added_variables", ())),
            period=raw["period"],
            kind=raw["kind"],
            frequency=raw["frequency"],
            paying_body=raw["paying_body"],
            received_variables=tuple(raw.get("received_variables", ())),
            excluded_by=tuple(raw.get("excluded_by", ())),
            depends_on=frozenset(raw["depends_on"]),
            claim_how=raw["claim_how"],
            claim_url=raw["claim_url"],
            documents=tuple(raw["documents"]),
        )
    except KeyError as exc:
        raise CatalogueError(f"{code}: missing key {exc}") from None
    if code not in Benefit.values:
        raise CatalogueError(f"{code}: not a Benefit code")
    if info.kind not in KINDS or info.period not in PERIODS:
        raise CatalogueError(f"{code}: unknown kind or period")
    if info.frequency not in Frequency.values or info.paying_body not in PayingBody.values:
        raise CatalogueError(f"{code}: unknown frequency or paying body")
    if (info.kind == "eligibility") != (info.frequency == Frequency.NONE):
        raise CatalogueError(f"{code}: only an eligibility has no frequency")
    if not info.claim_url.startswith("https://"):
        raise CatalogueError(f"{code}: the claim page must be an https address")
    return info


@cache
def catalogue() -> dict[str, BenefitInfo]:
    """Return every benefit of the catalogue, keyed by code, in the catalogue's order."""
    with DATA_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    benefits = {code: _parse(code, entry) for code, entry in raw.items()}
    missing = set(Benefit.values) - set(benefits)
    if missing:
        raise CatalogueError(f"benefits without a catalogue entry: {sorted(missing)}")
    from .certainty import INPUTS

    for info in benefits.values():
        if not info.depends_on <= set(INPUTS):
            raise CatalogueError(f"{info.code}: depends_on unknown inputs {sorted(info.depends_on - set(INPUTS))}")
        unknown = set(info.excluded_by) - set(benefits)
        if unknown:
            raise CatalogueError(f"{info.code}: excluded_by unknown benefits {sorted(unknown)}")
    return benefits


def benefit_info(code: str) -> BenefitInfo:
    """Return the catalogue entry of one benefit."""
    return catalogue()[code]
