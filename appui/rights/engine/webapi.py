"""A remote OpenFisca Web API (``openfisca serve``): one ``POST /calculate`` per household.

Set ``APPUI_RIGHTS_ENGINE = "webapi"`` and ``APPUI_OPENFISCA_API_URL`` (for example ``http://127.0.0.1:5000``).
The caseload screening works with it too, one request per household: it is much slower than in-process arrays.
A household with a salary, unemployment benefit or a pension costs two to four more requests: the gross amounts
whose net amounts are the declared ones are searched on the remote API itself (``search_gross_amounts``).
"""

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings

from ..situation import Situation
from . import EngineError, RightsEngine, benefit_variables
from .inputs import (
    DERIVED_RESOURCES,
    NON_SALARIED_INCOMES,
    benefit_periods,
    person_columns,
    search_gross_amounts,
    situation_to_openfisca,
)

# Benefits paid to a person, asked on each person and summed for the household.
INDIVIDUAL_VARIABLES = frozenset({"aah", "asi", "ass"})
MENAGE_VARIABLES = frozenset({"cheque_energie"})


def no_derived_amounts(situation: Situation) -> dict[str, np.ndarray]:
    """Return zero taxable and gross amounts for the persons of ``situation``."""
    count = len(situation.persons)
    return {variable: np.zeros(count) for _, _, *variables in DERIVED_RESOURCES for variable in variables}


def gross_request(situation: Situation, guesses: dict[str, np.ndarray]) -> dict[str, Any]:
    """Return the body of ``POST /calculate`` asking the net and taxable amounts of gross amounts, this month."""
    body = situation_to_openfisca(situation, no_derived_amounts(situation))
    month, year = situation.period, situation.period[:4]
    for index, person in enumerate(body["individus"].values()):
        for kind, net, taxable, gross in DERIVED_RESOURCES:
            person.pop(net)
            person.pop(taxable)
            person[gross] = {month: float(guesses[kind][index])}
            person[net] = {month: None}
            person[taxable] = {month: None}
        for variable in NON_SALARIED_INCOMES:
            person[variable] = {year: 0}
    return body


def calculate_request(situation: Situation, derived: dict[str, np.ndarray]) -> dict[str, Any]:
    """Return the body of ``POST /calculate``: the situation, with a null value for each benefit asked.

    ``derived`` holds the taxable and gross amounts of the persons (``WebApiEngine.derived_amounts``).
    """
    body = situation_to_openfisca(situation, derived)
    periods = benefit_periods(situation.period)
    # The period asked is added to the benefit's inputs: the amounts received in the past months stay given
    # (replacing them would make OpenFisca recompute them, with other results).
    for _, variable, unit in benefit_variables():
        asked = {periods[unit]: None}
        if variable in INDIVIDUAL_VARIABLES:
            for person in body["individus"].values():
                person.setdefault(variable, {}).update(asked)
        elif variable in MENAGE_VARIABLES:
            body["menages"]["menage"].setdefault(variable, {}).update(asked)
        else:
            body["familles"]["famille"].setdefault(variable, {}).update(asked)
    return body


def read_response(situation: Situation, answer: dict[str, Any]) -> dict[str, float]:
    """Return the raw value of each benefit from a ``/calculate`` answer."""
    periods = benefit_periods(situation.period)
    values: dict[str, float] = {}
    for code, variable, unit in benefit_variables():
        period = periods[unit]
        if variable in INDIVIDUAL_VARIABLES:
            value = sum(float(p[variable][period] or 0) for p in answer["individus"].values())
        elif variable in MENAGE_VARIABLES:
            value = float(answer["menages"]["menage"][variable][period] or 0)
        else:
            value = float(answer["familles"]["famille"][variable][period] or 0)
        values[code] = values.get(code, 0.0) + value
    return values


class WebApiEngine(RightsEngine):
    name = "openfisca-web-api"
    forkable = False

    def __init__(self) -> None:
        self.url = getattr(settings, "APPUI_OPENFISCA_API_URL", "http://127.0.0.1:5000").rstrip("/")
        self.timeout = float(getattr(settings, "APPUI_OPENFISCA_API_TIMEOUT", 30))
        self._versions: dict[str, str] = {}

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 (the URL comes from the settings, http or https)
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not self._versions:
                    self._versions = {
                        "openfisca-web-api": self.url,
                        "country-package": response.headers.get("Country-Package", ""),
                        "country-package-version": response.headers.get("Country-Package-Version", ""),
                    }
                return json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise EngineError(f"OpenFisca Web API {self.url}: {exc}") from exc

    def versions(self) -> dict[str, str]:
        return dict(self._versions) or {"openfisca-web-api": self.url}

    def warm_up(self, period: str | None = None) -> None:
        """Nothing to build here: the remote API warms itself."""

    def derived_amounts(self, situation: Situation) -> dict[str, np.ndarray]:
        """Return the taxable and gross amounts of the persons' declared net amounts, computed by the remote API."""
        columns = person_columns([situation])
        targets = {kind: columns.resources[kind] * columns.is_adult for kind, _, _, _ in DERIVED_RESOURCES}
        if not any(values.any() for values in targets.values()):
            return no_derived_amounts(situation)
        month = situation.period

        def evaluate(guesses: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            answer = self._post("/calculate", gross_request(situation, guesses))
            people = [answer["individus"][person.key] for person in situation.persons]  # answered in key order
            return {
                variable: np.array([float(p[variable][month] or 0) for p in people])
                for _, net, taxable, _ in DERIVED_RESOURCES
                for variable in (net, taxable)
            }

        return search_gross_amounts(evaluate, targets)

    def compute(self, situations: Sequence[Situation]) -> dict[str, np.ndarray]:
        rows = [
            read_response(s, self._post("/calculate", calculate_request(s, self.derived_amounts(s))))
            for s in situations
        ]
        return {code: np.array([row[code] for row in rows], dtype=np.float64) for code, _, _ in benefit_variables()}
