"""Screen one household: answers → complete situation → engine → rights. Computes; never writes."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .certainty import MissingInput, essential_missing, household_certainty, missing_inputs
from .engine import RightsEngine, get_engine
from .engine.inputs import today_period
from .results import RightEstimate, assess, estimates, to_verify_monthly_total, unclaimed_monthly_total
from .situation import HouseholdAnswers, Situation, resolve

# The months whose legislation may be chosen, for one household as for a caseload (defaults: the current month).
PERIOD_PATTERN = r"^20(2[4-9]|30)-(0[1-9]|1[0-2])$"
PERIOD_HELP = "Mois simulé AAAA-MM, de 2024-01 à 2030-12 (défaut : le mois en cours)."
PERIOD_ERROR = "Indiquez un mois AAAA-MM entre 2024-01 et 2030-12."
_PERIOD = re.compile(PERIOD_PATTERN)


def is_period(value: str) -> bool:
    """Return whether ``value`` is a month whose legislation may be chosen ("YYYY-MM", 2024-01 to 2030-12)."""
    return bool(_PERIOD.match(value))


@dataclass(frozen=True)
class ScreeningOutcome:
    situation: Situation
    rights: list[RightEstimate]
    engine: str
    engine_versions: dict[str, str]

    @property
    def unclaimed(self) -> list[RightEstimate]:
        return [r for r in self.rights if not r.received]

    @property
    def received(self) -> list[RightEstimate]:
        return [r for r in self.rights if r.received]

    @property
    def unclaimed_monthly_total(self) -> Decimal:
        return unclaimed_monthly_total(self.rights)

    @property
    def to_verify_monthly_total(self) -> Decimal:
        return to_verify_monthly_total(self.rights)

    @property
    def missing(self) -> tuple[MissingInput, ...]:
        return missing_inputs(self.situation.assumptions)

    @property
    def certainty(self) -> int:
        """Return how sure the household's result is (``certainty.Certainty``)."""
        return household_certainty(self.missing, [r.benefit for r in self.unclaimed])

    @property
    def to_complete(self) -> tuple[MissingInput, ...]:
        """Return the missing inputs without which the household cannot be assessed."""
        return essential_missing(self.missing)


def current_period(today: datetime.date | None = None) -> str:
    """Return the month screened by default: the current month (its legislation; see openfisca-notes.md)."""
    return today_period(today or timezone.localdate())


def screen(answers: HouseholdAnswers, *, period: str, engine: RightsEngine | None = None) -> ScreeningOutcome:
    """Return the rights of one household for ``period`` ("YYYY-MM"); raise ValueError on impossible answers."""
    engine = engine or get_engine()
    situation = resolve(answers, period=period)
    values = engine.compute_one(situation)
    return ScreeningOutcome(
        situation=situation,
        rights=assess(estimates(values, situation.received_benefits), situation.assumptions),
        engine=engine.name,
        engine_versions=engine.versions(),
    )
