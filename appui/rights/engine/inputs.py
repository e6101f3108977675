"""The OpenFisca inputs of a ``Situation``: one specification, two builders.

``situation_to_openfisca`` writes the JSON situation of one household (the Web API engine, the per-household
path of the tests); ``build_simulation`` writes numpy arrays for many households at once (the in-process
engine, for one household or ten thousand). Both read the same specification below, so they give the same
inputs; a test checks that they give the same results.

Why these inputs (see openfisca-notes.md): OpenFisca reads resources of past months (RSA and prime d'activité:
M-1 to M-4 and their own past months; aides au logement: 12 months; AAH, family benefits: year N-2), and
recomputes past benefits recursively unless they are given. The resources of the last 3 months are therefore
given for every month of years N-2 to N ("stable resources", said in the results), the benefits received for
each of the past 24 months (0 when not received: the non-recours hypothesis), and the "revenu fiscal de
référence" for years N-3 to N-1. Work-accident rents, capital and rental income are given as explicit 0:
otherwise OpenFisca spends half of its time computing zeros from dozens of unset inputs.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..enums import ResourceKind
from ..situation import Situation

# Gross salary estimated from the net one (private-sector employee, non-cadre): used by the ASPA and ASI resource
# rules only, which count gross earnings (CSS R815-25).
NET_TO_GROSS_SALARY = 1 / 0.78
PAST_MONTHS = 24

AMOUNT = "amount"  # a monthly amount: a year is given as 12 times the monthly amount (set_input_divide_by_period)
STATE = "state"  # a state: a year is given as the same value for every month (set_input_dispatch_by_period)


@dataclass(frozen=True)
class PersonColumns:
    """The persons of one or many situations, one numpy array per attribute (persons of a household in a row)."""

    household: np.ndarray  # index of the situation each person belongs to
    is_demandeur: np.ndarray
    is_adult: np.ndarray
    in_couple: np.ndarray  # the person's household has two adults
    activity: np.ndarray
    schooling: np.ndarray
    disability_rate: np.ndarray
    ass_condition: np.ndarray
    resources: dict[str, np.ndarray]
    received: dict[str, np.ndarray]  # past individual benefits, by variable


def person_columns(situations: Sequence[Situation]) -> PersonColumns:
    """Return the persons of ``situations`` as columns, in order (household after household, adults first)."""
    household: list[int] = []
    roles: list[str] = []
    activity: list[str] = []
    schooling: list[str] = []
    disability: list[float] = []
    ass: list[bool] = []
    couple: list[bool] = []
    resources: dict[str, list[float]] = {kind: [] for kind in ResourceKind.values}
    received_rows: list[tuple[int, dict[str, float]]] = []
    for index, situation in enumerate(situations):
        two_adults = len(situation.adults) == 2
        for person in situation.persons:
            if person.received:
                received_rows.append((len(household), person.received))
            household.append(index)
            roles.append(person.role)
            activity.append(person.activity)
            schooling.append(person.schooling)
            disability.append(person.disability_rate)
            ass.append(person.ass_condition)
            couple.append(two_adults)
            for kind, values in resources.items():
                values.append(person.resources.get(kind, 0.0))
    count = len(household)
    received = {variable: np.zeros(count) for variable in PAST_BENEFITS_INDIVIDUAL}
    for position, amounts in received_rows:
        for variable, amount in amounts.items():
            received[variable][position] = amount
    role_array = np.array(roles)
    return PersonColumns(
        household=np.array(household, dtype=np.int64),
        is_demandeur=role_array == "demandeur",
        is_adult=role_array != "enfant",
        in_couple=np.array(couple, dtype=bool),
        activity=np.array(activity),
        schooling=np.array(schooling),
        disability_rate=np.array(disability, dtype=float),
        ass_condition=np.array(ass, dtype=bool),
        resources={kind: np.array(values, dtype=float) for kind, values in resources.items()},
        received=received,
    )


PersonValue = Callable[[PersonColumns], np.ndarray]


def _resource(kind: str, factor: float = 1.0) -> PersonValue:
    return lambda c: c.resources[kind] * factor


def _zero(c: PersonColumns) -> np.ndarray:
    return np.zeros(len(c.household))


# Every month of years N-2, N-1 and N, for each person: (variable, kind, value).
PERSON_MONTHLY: tuple[tuple[str, str, PersonValue], ...] = (
    ("activite", STATE, lambda c: c.activity),
    ("statut_marital", STATE, lambda c: np.where(c.is_adult & c.in_couple, "marie", "celibataire")),
    ("taux_incapacite", STATE, lambda c: c.disability_rate),
    ("handicap", STATE, lambda c: c.disability_rate >= 0.5),
    ("aah_restriction_substantielle_durable_acces_emploi", STATE, lambda c: c.disability_rate >= 0.5),
    ("ass_precondition_remplie", STATE, lambda c: c.ass_condition),
    ("scolarite", STATE, lambda c: c.schooling),
    ("salaire_net", AMOUNT, _resource(ResourceKind.SALARY)),
    ("salaire_imposable", AMOUNT, _resource(ResourceKind.SALARY)),
    ("salaire_de_base", AMOUNT, _resource(ResourceKind.SALARY, NET_TO_GROSS_SALARY)),
    ("chomage_net", AMOUNT, _resource(ResourceKind.UNEMPLOYMENT)),
    ("chomage_imposable", AMOUNT, _resource(ResourceKind.UNEMPLOYMENT)),
    ("retraite_nette", AMOUNT, _resource(ResourceKind.PENSION)),
    ("retraite_imposable", AMOUNT, _resource(ResourceKind.PENSION)),
    # Small pensions pay little or no CSG: the net amount stands for the gross one read by the ASPA rules.
    ("retraite_brute", AMOUNT, _resource(ResourceKind.PENSION)),
    ("pensions_invalidite", AMOUNT, _resource(ResourceKind.INVALIDITY)),
    ("pensions_alimentaires_percues", AMOUNT, _resource(ResourceKind.ALIMONY)),
    ("indemnites_journalieres_maladie", AMOUNT, _resource(ResourceKind.SICK_PAY)),
    ("rente_accident_travail", AMOUNT, _zero),
    ("revenus_capital", AMOUNT, _zero),
    ("revenus_locatifs", AMOUNT, _zero),
)
# Each of the past 24 months: the benefits received, by entity. Those not in the catalogue (ASF, complément
# d'AAH) are given as 0, said by the hypothesis on benefits received.
PAST_BENEFITS_INDIVIDUAL = ("aah", "caah", "asi", "ass")
PAST_BENEFITS_FAMILY = ("rsa", "ppa", "aide_logement", "aide_logement_montant", "af", "cf", "asf", "paje_base", "aspa")
# Every month of years N-2 to N, for the household.
HOUSEHOLD_MONTHLY: tuple[tuple[str, str, Callable[[Situation], Any]], ...] = (
    ("statut_occupation_logement", STATE, lambda s: s.housing),
    ("loyer", AMOUNT, lambda s: s.rent),
    ("depcom", STATE, lambda s: s.depcom),
)


def rfr_shares(columns: PersonColumns, households: int) -> np.ndarray:
    """Return each person's share of the household's "revenu fiscal de référence" (0 for children).

    The CAF reads each person's N-2 income from the tax authorities; Appui knows the household's "revenu fiscal
    de référence" and shares it between the adults like their current taxable resources (all of it to the first
    adult when there are none).
    """
    taxable = sum(columns.resources[k] for k in ("salaire", "chomage", "retraite")) * columns.is_adult
    totals = np.bincount(columns.household, weights=taxable, minlength=households)[columns.household]
    return np.where(totals > 0, taxable / np.where(totals > 0, totals, 1.0), columns.is_demandeur * 1.0)


def window_years(period: str) -> list[str]:
    """Return years N-2, N-1 and N of a "YYYY-MM" period."""
    year = int(period[:4])
    return [str(year - 2), str(year - 1), str(year)]


def tax_years(period: str) -> list[str]:
    """Return the years of the avis d'imposition read by the rules: N-3 to N-1 (the N-2 one given for all)."""
    year = int(period[:4])
    return [str(year - 3), str(year - 2), str(year - 1)]


def past_months(period: str) -> list[str]:
    """Return the 24 months before the period, oldest first."""
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - PAST_MONTHS, index)]


def compact_months(months: list[str]) -> list[str]:
    """Return the periods covering ``months``: a year for each complete calendar year, months for the rest."""
    by_year: dict[str, list[str]] = {}
    for month in months:
        by_year.setdefault(month[:4], []).append(month)
    periods: list[str] = []
    for year, months_of_year in by_year.items():
        periods.extend([year] if len(months_of_year) == 12 else months_of_year)
    return periods


def _spread(kind: str, value: Any, periods: list[str]) -> dict[str, Any]:
    """Return ``{period: value}``, a year of a monthly amount being 12 times the monthly value."""
    if kind == AMOUNT:
        return {p: value * 12 if len(p) == 4 else value for p in periods}
    return dict.fromkeys(periods, value)


def benefit_periods(period: str) -> dict[str, str]:
    """Return the period asked for each catalogue period unit: the month, or its calendar year."""
    return {"month": period, "year": period[:4]}


def situation_to_openfisca(situation: Situation) -> dict[str, Any]:
    """Return the OpenFisca JSON situation of one household (one famille, one foyer fiscal, one ménage)."""
    years = window_years(situation.period)
    past = compact_months(past_months(situation.period))
    taxes = tax_years(situation.period)
    columns = person_columns([situation])
    shares = rfr_shares(columns, 1).tolist()
    individus: dict[str, dict[str, Any]] = {
        p.key: {"date_naissance": {"ETERNITY": p.birth_date.isoformat()}} for p in situation.persons
    }
    keys = list(individus)
    for variable, kind, value in PERSON_MONTHLY:
        for key, item in zip(keys, np.asarray(value(columns)).tolist(), strict=True):
            individus[key][variable] = _spread(kind, item, years)
    for variable in PAST_BENEFITS_INDIVIDUAL:
        for key, item in zip(keys, columns.received[variable].tolist(), strict=True):
            individus[key][variable] = _spread(AMOUNT, item, past)
    for key, share in zip(keys, shares, strict=True):
        individus[key]["traitements_salaires_pensions_rentes"] = dict.fromkeys(taxes, situation.rfr * share)
    adults = [p.key for p in situation.adults]
    children = [p.key for p in situation.children]
    famille: dict[str, Any] = {"parents": adults, "enfants": children}
    for variable in PAST_BENEFITS_FAMILY:
        famille[variable] = _spread(AMOUNT, situation.received.get(variable, 0.0), past)
    menage: dict[str, Any] = {"personne_de_reference": adults[:1], "conjoint": adults[1:], "enfants": children}
    for variable, kind, household_value in HOUSEHOLD_MONTHLY:
        menage[variable] = _spread(kind, household_value(situation), years)
    return {
        "individus": individus,
        "familles": {"famille": famille},
        "foyers_fiscaux": {
            "foyer_fiscal": {
                "declarants": adults,
                "personnes_a_charge": children,
                "rfr": dict.fromkeys(taxes, situation.rfr),
            }
        },
        "menages": {"menage": menage},
    }


FAMILLE_ROLES = {"demandeur": "demandeur", "conjoint": "conjoint", "enfant": "enfant"}
FOYER_ROLES = {"demandeur": "declarant_principal", "conjoint": "conjoint", "enfant": "personne_a_charge"}
MENAGE_ROLES = {"demandeur": "personne_de_reference", "conjoint": "conjoint", "enfant": "enfant"}


def build_simulation(tax_benefit_system: Any, situations: Sequence[Situation]) -> Any:
    """Return one OpenFisca simulation of all ``situations`` (same period), built from numpy arrays.

    Household i is famille i, foyer fiscal i and ménage i; its persons follow each other, adults first.
    """
    from openfisca_core.indexed_enums import Enum as OpenfiscaEnum
    from openfisca_core.simulation_builder import SimulationBuilder

    if not situations:
        raise ValueError("No situation to simulate.")
    period = situations[0].period
    if any(s.period != period for s in situations):
        raise ValueError("All situations of one simulation share the same period.")
    columns = person_columns(situations)
    count = len(columns.household)
    roles = np.where(columns.is_demandeur, "demandeur", np.where(columns.is_adult, "conjoint", "enfant"))

    builder = SimulationBuilder()
    builder.create_entities(tax_benefit_system)
    builder.declare_person_entity("individu", np.arange(count))
    household_ids = np.arange(len(situations))
    for entity, names in (("famille", FAMILLE_ROLES), ("foyer_fiscal", FOYER_ROLES), ("menage", MENAGE_ROLES)):
        entity_roles = np.select([roles == role for role in names], list(names.values()), default="")
        builder.join_with_persons(builder.declare_entity(entity, household_ids), columns.household, entity_roles)
    simulation = builder.build(tax_benefit_system)

    # Months are stored one by one, with ready-made Period objects, through the holder's public cache API:
    # ``set_input`` goes through the variable's divide/dispatch helper even for a single month, with slow date
    # arithmetic (measured: a fifth of a one-household screening). The values stored are the same.
    months, past = _month_periods(period)

    def put(variable: str, periods: tuple[Any, ...], values: np.ndarray) -> None:
        holder = simulation.get_holder(variable)
        # Encode or cast once, not once per month: each month then stores the same read-only array.
        if holder.variable.value_type is OpenfiscaEnum:
            values = holder.variable.possible_values.encode(values)
        elif values.dtype != holder.variable.dtype:
            values = values.astype(holder.variable.dtype)
        values.flags.writeable = False
        for month in periods:
            holder.put_in_cache(values, month)

    simulation.set_input(
        "date_naissance",
        "ETERNITY",
        np.array([p.birth_date for s in situations for p in s.persons], dtype="datetime64[D]"),
    )
    for variable, _, value in PERSON_MONTHLY:
        put(variable, months, value(columns))
    for variable in PAST_BENEFITS_INDIVIDUAL:
        put(variable, past, columns.received[variable])
    rfr = np.array([s.rfr for s in situations], dtype=float)
    personal_rfr = rfr[columns.household] * rfr_shares(columns, len(situations))
    for year in tax_years(period):
        simulation.set_input("traitements_salaires_pensions_rentes", year, personal_rfr)
        simulation.set_input("rfr", year, rfr)
    for variable in PAST_BENEFITS_FAMILY:
        put(variable, past, np.array([s.received.get(variable, 0.0) for s in situations], dtype=float))
    for variable, kind, household_value in HOUSEHOLD_MONTHLY:
        column = [household_value(s) for s in situations]
        put(variable, months, np.array(column, dtype=float if kind == AMOUNT else None))
    return simulation


@lru_cache(maxsize=4)
def _month_periods(period: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Return the OpenFisca periods of every month of years N-2 to N, and of the 24 past months."""
    from openfisca_core.periods import period as openfisca_period

    window = tuple(openfisca_period(f"{y}-{m:02d}") for y in window_years(period) for m in range(1, 13))
    return window, tuple(openfisca_period(month) for month in past_months(period))


def compute_benefits(
    tax_benefit_system: Any, simulation: Any, period: str, variables: Sequence[tuple[str, str, str]]
) -> dict[str, np.ndarray]:
    """Return, for each (code, variable, period unit), the value per household (a person's value summed per famille)."""
    periods = benefit_periods(period)
    famille = simulation.populations["famille"]
    values: dict[str, np.ndarray] = {}
    for code, variable, unit in variables:
        array = simulation.calculate(variable, periods[unit])
        if tax_benefit_system.variables[variable].entity.key == "individu":
            array = famille.sum(array)
        values[code] = np.asarray(array, dtype=np.float64)
    return values


def today_period(today: datetime.date) -> str:
    """Return the "YYYY-MM" period of a day."""
    return f"{today.year:04d}-{today.month:02d}"
