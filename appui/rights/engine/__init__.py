"""The rules engine behind a small interface, chosen by the ``APPUI_RIGHTS_ENGINE`` setting.

- ``"inprocess"`` (default): OpenFisca-France in this process. The tax-benefit system is built once per process
  and warmed up (``warm_up()``) before serving or forking worker processes.
- ``"webapi"``: a remote OpenFisca Web API at ``APPUI_OPENFISCA_API_URL`` (``openfisca serve``), one request
  per household.

Engines compute raw values; ``appui.rights.results`` turns them into rights with amounts and frequencies.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cache

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

from ..catalogue import catalogue
from ..situation import Situation

ENGINES = {
    "inprocess": "appui.rights.engine.inprocess.InProcessEngine",
    "webapi": "appui.rights.engine.webapi.WebApiEngine",
}


class EngineError(RuntimeError):
    """Raised when the engine cannot compute (remote API unreachable, bad answer)."""


class RightsEngine(ABC):
    """Compute the catalogue's benefits for situations of one period."""

    name: str = ""
    #: Whether ``compute`` may run in forked worker processes (a warmed, in-memory engine).
    forkable: bool = False

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """Return the versions of the rules engine and of the country package."""

    @abstractmethod
    def warm_up(self, period: str | None = None) -> None:
        """Prepare the engine for ``period`` (the current month by default): the first computation is then as
        fast as the next ones."""

    @abstractmethod
    def compute(self, situations: Sequence[Situation]) -> dict[str, np.ndarray]:
        """Return, by benefit code, the raw value for each situation (same period for all).

        A raw value is the OpenFisca variable of the catalogue for the household (summed over its persons when
        the variable is a person's), plus its added variables, for the month of the period or its calendar year.
        """

    def compute_one(self, situation: Situation) -> dict[str, float]:
        """Return, by benefit code, the raw value for one situation."""
        return {code: float(values[0]) for code, values in self.compute([situation]).items()}


def benefit_variables() -> list[tuple[str, str, str]]:
    """Return (benefit code, OpenFisca variable, period unit) for every variable of every catalogue benefit.

    A benefit with ``added_variables`` appears once per variable: its raw value is their sum.
    """
    return [
        (info.code, variable, info.period)
        for info in catalogue().values()
        for variable in (info.variable, *info.added_variables)
    ]


@cache
def _engine(name: str) -> RightsEngine:
    try:
        path = ENGINES[name]
    except KeyError:
        raise EngineError(f"Unknown rights engine {name!r}: choose one of {sorted(ENGINES)}.") from None
    return import_string(path)()


def get_engine() -> RightsEngine:
    """Return the engine chosen by ``APPUI_RIGHTS_ENGINE`` (one instance per process)."""
    return _engine(getattr(settings, "APPUI_RIGHTS_ENGINE", "inprocess"))


def warm_up() -> None:
    """Build and warm the configured engine for the current month: call it at start-up, before serving."""
    get_engine().warm_up()
