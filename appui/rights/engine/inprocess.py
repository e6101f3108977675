"""OpenFisca-France in this process: the tax-benefit system is built once per process, under a lock."""

import datetime
import threading
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np
from django.utils import timezone

from appui.core.collector import gc_paused

from ..situation import PersonInput, Situation
from . import RightsEngine, benefit_variables
from .inputs import build_simulation, compute_benefits, today_period

_lock = threading.Lock()
_tax_benefit_system: Any = None
# Periods already computed once in this process: parameters are loaded lazily for each new period (about 1 s).
_warm_periods: set[str] = set()


def _warm_up_situations(period: str) -> list[Situation]:
    """Return varied households that touch the rules of every benefit, at the ages and in the places that matter.

    Parameters are loaded lazily for each date a rule reads: warming with varied households spares that cost to
    the first real computations (and to each forked worker). The housing-aid zone table is filled lazily, in two
    steps, on its first use (openfisca-notes.md): a Paris arrondissement is among the communes, so that it is
    filled before any thread or worker reads it.
    """
    year = int(period[:4])

    def person(key: str, role: str, age: int, **extra: Any) -> PersonInput:
        values: dict[str, Any] = {
            "key": key,
            "role": role,
            "label": key,
            "birth_date": datetime.date(year - age, 3, 15),
            "activity": "inactif",
            "resources": {},
            "disability_rate": 0.0,
            "ass_condition": False,
            "schooling": "inconnue",
            "received": {},
        }
        values.update(extra)
        return PersonInput(**values)

    adults: list[dict[str, Any]] = [
        {"age": 30, "activity": "actif", "resources": {"salaire": 900.0}},
        {"age": 45, "activity": "chomeur", "resources": {"chomage": 800.0}, "ass_condition": True},
        {"age": 22, "activity": "etudiant", "resources": {"salaire": 450.0}},
        {"age": 70, "activity": "retraite", "resources": {"retraite": 700.0}},
        {"age": 50, "disability_rate": 0.8},
        {"age": 40, "disability_rate": 0.5, "resources": {"pension_invalidite": 400.0}},
        {"age": 35, "activity": "actif", "resources": {"salaire": 1800.0, "pension_alimentaire": 150.0}},
        {"age": 60, "resources": {"indemnites_journalieres": 600.0}},
    ]
    children = [[], [1], [4, 8], [12, 16, 19], [0, 6, 11, 15]]
    schooling = {0: "inconnue", 1: "inconnue", 4: "maternelle", 6: "primaire", 8: "primaire", 11: "college"}
    schooling |= {12: "college", 15: "lycee", 16: "lycee", 19: "enseignement_superieur"}
    places = ["75111", "69266", "97411", "2A004", "13055"]
    housings = ["locataire_vide", "locataire_hlm", "locataire_meuble", "locataire_foyer", "proprietaire"]
    housings += ["loge_gratuitement", "sans_domicile"]
    situations = []
    for index, first in enumerate(adults):
        couple = index % 3 == 1
        members = [person("demandeur", "demandeur", **first)]
        if couple:
            members.append(person("conjoint", "conjoint", **adults[(index + 3) % len(adults)]))
        ages = children[index % len(children)] if first["age"] < 60 else []
        members += [
            person(
                f"enfant{i}", "enfant", age, schooling=schooling[age], activity="etudiant" if age >= 3 else "inactif"
            )
            for i, age in enumerate(ages, start=1)
        ]
        situations.append(
            Situation(
                period=period,
                persons=tuple(members),
                housing=housings[index % len(housings)],
                rent=550.0,
                depcom=places[index % len(places)],
                rfr=9000.0 * (index % 4),
                received={"aide_logement": 150.0, "aide_logement_montant": 150.0} if index == 2 else {},
                received_benefits=frozenset({"aide_logement"}) if index == 2 else frozenset(),
                assumptions=(),
            )
        )
    return situations


def tax_benefit_system() -> Any:
    """Return this process's OpenFisca-France tax-benefit system, built on first use (about 5 s)."""
    global _tax_benefit_system
    if _tax_benefit_system is None:
        with _lock:
            if _tax_benefit_system is None:
                from openfisca_france import CountryTaxBenefitSystem

                _tax_benefit_system = CountryTaxBenefitSystem()
    return _tax_benefit_system


class InProcessEngine(RightsEngine):
    name = "openfisca-france"
    forkable = True

    def versions(self) -> dict[str, str]:
        return {"openfisca-core": version("OpenFisca-Core"), "openfisca-france": version("OpenFisca-France")}

    def warm_up(self, period: str | None = None) -> None:
        period = period or today_period(timezone.localdate())
        if period in _warm_periods:
            return
        system = tax_benefit_system()
        with _lock:
            if period not in _warm_periods:
                with gc_paused():
                    simulation = build_simulation(system, _warm_up_situations(period))
                    compute_benefits(system, simulation, period, benefit_variables())
                _warm_periods.add(period)

    def compute(self, situations: Sequence[Situation]) -> dict[str, np.ndarray]:
        self.warm_up(situations[0].period)
        system = tax_benefit_system()
        with gc_paused():
            simulation = build_simulation(system, situations)
            return compute_benefits(system, simulation, situations[0].period, benefit_variables())
