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

People declare net amounts; the rules also read gross ones (the ASPA counts gross earnings and pensions) and
taxable ones (the housing aid counts taxable salaries, unemployment benefit and pensions, about 3.6 % above the net
salary). ``derived_amounts`` finds them with OpenFisca's own rules: the gross amount whose net, computed by
OpenFisca for the household's "revenu fiscal de référence" (which decides the CSG rate of replacement incomes),
is the declared one, and the taxable amount OpenFisca computes from that gross amount (docs/rights.md).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from ..enums import ResourceKind
from ..situation import Situation

PAST_MONTHS = 24
# Resources declared net, with the OpenFisca variables of their net, taxable and gross amounts.
DERIVED_RESOURCES = (
    (ResourceKind.SALARY.value, "salaire_net", "salaire_imposable", "salaire_de_base"),
    (ResourceKind.UNEMPLOYMENT.value, "chomage_net", "chomage_imposable", "chomage_brut"),
    (ResourceKind.PENSION.value, "retraite_nette", "retraite_imposable", "retraite_brute"),
)
# The search for gross amounts stops when every net amount computed is within 5 cents of the declared one
# (OpenFisca computes in single precision).
NET_TOLERANCE = 0.05
MAX_PASSES = 8

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
    # Taxable and gross amounts of the resources declared net, by OpenFisca variable (``derived_amounts``).
    derived: dict[str, np.ndarray] = field(default_factory=dict)


def person_columns(situations: Sequence[Situation]) -> PersonColumns:
    """Return the persons of ``situations`` as columns, in order (household after household, adults first)."""
    persons = [person for situation in situations for person in situation.persons]
    household: list[int] = []
    couple: list[bool] = []
    for index, situation in enumerate(situations):
        size = len(situation.persons)
        household.extend([index] * size)
        couple.extend([sum(person.role != "enfant" for person in situation.persons) == 2] * size)
    count = len(persons)
    # Few persons have resources or benefits received (never the children): zeros, then their amounts.
    resources = {kind: np.zeros(count) for kind in ResourceKind.values}
    received = {variable: np.zeros(count) for variable in PAST_BENEFITS_INDIVIDUAL}
    for position, person in enumerate(persons):
        for kind, amount in person.resources.items():
            if kind in resources:
                resources[kind][position] = amount
        for variable, amount in person.received.items():
            received[variable][position] = amount
    role_array = _text_array([person.role for person in persons])
    return PersonColumns(
        household=np.array(household, dtype=np.int64),
        is_demandeur=role_array == "demandeur",
        is_adult=role_array != "enfant",
        in_couple=np.array(couple, dtype=bool),
        activity=_text_array([person.activity for person in persons]),
        schooling=_text_array([person.schooling for person in persons]),
        disability_rate=np.array([person.disability_rate for person in persons], dtype=float),
        ass_condition=np.array([person.ass_condition for person in persons], dtype=bool),
        resources=resources,
        received=received,
    )


def _text_array(values: list[str]) -> np.ndarray:
    """Return ``np.array(values)`` for a few distinct words repeated many times, without converting each one."""
    words: dict[str, int] = {}
    codes = [words.setdefault(value, len(words)) for value in values]
    return np.array(list(words))[np.array(codes, dtype=np.intp)]


def _day_array(days: list[datetime.date]) -> np.ndarray:
    """Return ``np.array(days, dtype="datetime64[D]")``, through day numbers (numpy converts dates one by one)."""
    return (np.array([day.toordinal() for day in days], dtype=np.int64) - _EPOCH_ORDINAL).astype("datetime64[D]")


_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


PersonValue = Callable[[PersonColumns], np.ndarray]


def _resource(kind: str, factor: float = 1.0) -> PersonValue:
    return lambda c: c.resources[kind] * factor


def _derived(variable: str) -> PersonValue:
    return lambda c: c.derived[variable]


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
    ("salaire_imposable", AMOUNT, _derived("salaire_imposable")),
    ("salaire_de_base", AMOUNT, _derived("salaire_de_base")),
    ("chomage_net", AMOUNT, _resource(ResourceKind.UNEMPLOYMENT)),
    ("chomage_imposable", AMOUNT, _derived("chomage_imposable")),
    ("chomage_brut", AMOUNT, _derived("chomage_brut")),
    ("retraite_nette", AMOUNT, _resource(ResourceKind.PENSION)),
    ("retraite_imposable", AMOUNT, _derived("retraite_imposable")),
    ("retraite_brute", AMOUNT, _derived("retraite_brute")),
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


def situation_to_openfisca(situation: Situation, derived: dict[str, np.ndarray]) -> dict[str, Any]:
    """Return the OpenFisca JSON situation of one household (one famille, one foyer fiscal, one ménage).

    ``derived`` holds the taxable and gross amounts of its persons (``derived_amounts``).
    """
    years = window_years(situation.period)
    past = compact_months(past_months(situation.period))
    taxes = tax_years(situation.period)
    columns = replace(person_columns([situation]), derived=derived)
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


def _put(simulation: Any, variable: str, periods: tuple[Any, ...], values: np.ndarray) -> None:
    """Store ``values`` as the input of ``variable`` for each of ``periods`` (months, or years of a yearly one).

    Months are stored one by one, with ready-made Period objects, through the holder's public cache API:
    ``set_input`` goes through the variable's divide/dispatch helper even for a single month, with slow date
    arithmetic (measured: a fifth of a one-household screening). The values stored are the same.
    """
    from openfisca_core.indexed_enums import Enum as OpenfiscaEnum

    holder = simulation.get_holder(variable)
    # Encode or cast once, not once per month: each month then stores the same read-only array.
    if holder.variable.value_type is OpenfiscaEnum:
        values = holder.variable.possible_values.encode(values)
    elif values.dtype != holder.variable.dtype:
        values = values.astype(holder.variable.dtype)
    values.flags.writeable = False
    for period in periods:
        holder.put_in_cache(values, period)


def _household_simulation(tax_benefit_system: Any, situations: Sequence[Situation], columns: PersonColumns) -> Any:
    """Return a simulation of ``situations`` with their persons, ages, states and "revenu fiscal de référence".

    Household i is famille i, foyer fiscal i and ménage i; its persons follow each other, adults first.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    period = situations[0].period
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

    months, _ = _month_periods(period)
    simulation.set_input(
        "date_naissance",
        "ETERNITY",
        _day_array([p.birth_date for s in situations for p in s.persons]),
    )
    for variable, kind, value in PERSON_MONTHLY:
        if kind == STATE:
            _put(simulation, variable, months, value(columns))
    rfr = np.array([s.rfr for s in situations], dtype=float)
    personal_rfr = rfr[columns.household] * rfr_shares(columns, len(situations))
    for year in tax_years(period):
        simulation.set_input("traitements_salaires_pensions_rentes", year, personal_rfr)
        simulation.set_input("rfr", year, rfr)
    return simulation


def build_simulation(tax_benefit_system: Any, situations: Sequence[Situation]) -> Any:
    """Return one OpenFisca simulation of all ``situations`` (same period), built from numpy arrays."""
    if not situations:
        raise ValueError("No situation to simulate.")
    period = situations[0].period
    if any(s.period != period for s in situations):
        raise ValueError("All situations of one simulation share the same period.")
    columns = person_columns(situations)
    columns = replace(columns, derived=derived_amounts(tax_benefit_system, situations, columns))
    simulation = _household_simulation(tax_benefit_system, situations, columns)
    months, past = _month_periods(period)
    for variable, kind, value in PERSON_MONTHLY:
        if kind == AMOUNT:
            _put(simulation, variable, months, value(columns))
    for variable in PAST_BENEFITS_INDIVIDUAL:
        _put(simulation, variable, past, columns.received[variable])
    family = {variable: np.zeros(len(situations)) for variable in PAST_BENEFITS_FAMILY}
    for index, situation in enumerate(situations):
        for variable, amount in situation.received.items():
            if variable in family:
                family[variable][index] = amount
    for variable, amounts in family.items():
        _put(simulation, variable, past, amounts)
    for variable, kind, household_value in HOUSEHOLD_MONTHLY:
        column = [household_value(s) for s in situations]
        _put(simulation, variable, months, np.array(column, dtype=float) if kind == AMOUNT else _text_array(column))
    return simulation


# Yearly incomes of the self-employed, read by the CSG on unemployment benefit: given as 0 (not asked).
NON_SALARIED_INCOMES = ("rpns_imposables", "csg_imposable_non_salarie", "crds_non_salarie")


def derived_amounts(
    tax_benefit_system: Any, situations: Sequence[Situation], columns: PersonColumns | None = None
) -> dict[str, np.ndarray]:
    """Return the taxable and gross amounts of the resources declared net, by OpenFisca variable, per person.

    Salaries: OpenFisca's net and taxable salaries of a table of gross salaries, computed once per month screened
    (``salary_table``), read backwards: the net salary is a piecewise linear, increasing function of the gross
    one. Unemployment benefit and pensions: their CSG rate depends on the household's "revenu fiscal de
    référence" and tax shares, so one array simulation of the households concerned computes their net amounts
    (``search_gross_amounts``).
    """
    columns = columns or person_columns(situations)
    declared = {kind: columns.resources[kind] * columns.is_adult for kind, _, _, _ in DERIVED_RESOURCES}
    result = {variable: declared[kind].copy() for kind, _, *variables in DERIVED_RESOURCES for variable in variables}
    period = situations[0].period
    salary = declared[ResourceKind.SALARY.value]
    if salary.any():
        table_gross, table_net, table_taxable = salary_table(tax_benefit_system, period)
        gross = _interpolate(salary, table_net, table_gross)
        result["salaire_de_base"] = gross
        result["salaire_imposable"] = _interpolate(gross, table_gross, table_taxable)
    replacement = declared[ResourceKind.UNEMPLOYMENT.value] + declared[ResourceKind.PENSION.value]
    concerned_households = np.unique(columns.household[replacement > 0])
    if not len(concerned_households):
        return result
    concerned = np.isin(columns.household, concerned_households)
    subset = [situations[i] for i in concerned_households]
    simulation = _household_simulation(tax_benefit_system, subset, _select(columns, concerned, concerned_households))
    month = _month_periods(period)[0][-12 + int(period[5:7]) - 1]
    # The CSG of unemployment benefit is lowered so that the income does not fall below a floor: it reads the
    # person's net salary, and the yearly incomes of the self-employed (not asked: 0).
    _put(simulation, "salaire_net", (month,), salary[concerned])
    for variable in NON_SALARIED_INCOMES:
        _put(simulation, variable, (month.this_year,), np.zeros(int(concerned.sum())))
    inputs = {variable for variable, kind, _ in PERSON_MONTHLY if kind == STATE}
    inputs |= {"date_naissance", "rfr", "traitements_salaires_pensions_rentes", "salaire_net", *NON_SALARIED_INCOMES}
    searched = DERIVED_RESOURCES[1:]
    inputs |= {gross for _, _, _, gross in searched}

    def evaluate(guesses: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        _forget_computed(simulation, inputs)
        for kind, _, _, gross in searched:
            _put(simulation, gross, (month,), guesses[kind])
        return {
            variable: np.asarray(simulation.calculate(variable, month), dtype=np.float64)
            for _, net, taxable, _ in searched
            for variable in (net, taxable)
        }

    targets = {kind: declared[kind][concerned] for kind, _, _, _ in searched}
    for variable, values in search_gross_amounts(evaluate, targets, searched).items():
        result[variable][concerned] = values
    return result


def _select(columns: PersonColumns, persons: np.ndarray, households: np.ndarray) -> PersonColumns:
    """Return the columns of the selected persons (whole households), renumbered from 0."""
    renumber = np.full(int(columns.household.max()) + 1, -1, dtype=np.int64)
    renumber[households] = np.arange(len(households))
    return PersonColumns(
        household=renumber[columns.household[persons]],
        is_demandeur=columns.is_demandeur[persons],
        is_adult=columns.is_adult[persons],
        in_couple=columns.in_couple[persons],
        activity=columns.activity[persons],
        schooling=columns.schooling[persons],
        disability_rate=columns.disability_rate[persons],
        ass_condition=columns.ass_condition[persons],
        resources={kind: values[persons] for kind, values in columns.resources.items()},
        received={variable: values[persons] for variable, values in columns.received.items()},
    )


def _interpolate(x: np.ndarray, table_x: np.ndarray, table_y: np.ndarray) -> np.ndarray:
    """Return y(x) from an increasing table, extended beyond its last point along its last segment."""
    y = np.interp(x, table_x, table_y)
    beyond = x > table_x[-1]
    if beyond.any():
        slope = (table_y[-1] - table_y[-2]) / (table_x[-1] - table_x[-2])
        y = np.where(beyond, table_y[-1] + (x - table_x[-1]) * slope, y)
    return y


# Gross monthly salaries of the table read backwards: every 5 € up to 25,000 € (the rates change at multiples of
# the "plafond de la sécurité sociale", about 4,000 €; between two points the net salary is linear).
SALARY_TABLE = np.arange(0.0, 25_000.0 + 5.0, 5.0)


@lru_cache(maxsize=4)
def salary_table(tax_benefit_system: Any, period: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return OpenFisca's gross, net and taxable monthly salaries of ``SALARY_TABLE`` for the month ``period``.

    A private-sector employee, OpenFisca's default (non-cadre, full time): the net salary depends on the gross
    one only. Computed once per month and process (about 0.2 s), before forking the workers (warm-up).
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    count = len(SALARY_TABLE)
    builder = SimulationBuilder()
    builder.create_entities(tax_benefit_system)
    builder.declare_person_entity("individu", np.arange(count))
    for entity, role in (("famille", "demandeur"), ("foyer_fiscal", "declarant_principal")):
        builder.join_with_persons(builder.declare_entity(entity, np.arange(count)), np.arange(count), [role] * count)
    builder.join_with_persons(
        builder.declare_entity("menage", np.arange(count)), np.arange(count), ["personne_de_reference"] * count
    )
    simulation = builder.build(tax_benefit_system)
    simulation.set_input("salaire_de_base", period, SALARY_TABLE)
    net = np.asarray(simulation.calculate("salaire_net", period), dtype=np.float64)
    taxable = np.asarray(simulation.calculate("salaire_imposable", period), dtype=np.float64)
    # Increasing, as np.interp needs (single-precision rounding could otherwise tie two neighbours).
    net = np.maximum.accumulate(net + np.arange(count) * 1e-9)
    return SALARY_TABLE, net, taxable


def search_gross_amounts(
    evaluate: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]],
    targets: dict[str, np.ndarray],
    resources: Sequence[tuple[str, str, str, str]] = DERIVED_RESOURCES,
) -> dict[str, np.ndarray]:
    """Return the gross and taxable amounts whose net amounts, computed by ``evaluate``, are ``targets``.

    ``evaluate`` takes gross amounts by resource kind and returns OpenFisca's net and taxable amounts by variable.
    The net amount of a replacement income is proportional to the gross one (its CSG rate is set by the
    household's "revenu fiscal de référence"), except that unemployment benefit pays no CSG below a floor and
    only what brings it down to the floor just above it: each gross amount is multiplied by declared net /
    computed net, or by 1.1 where the net amount did not move (on the floor), until every net amount is within
    5 cents: two passes in general, whatever the number of persons.
    """
    guesses = {kind: target.astype(np.float64) for kind, target in targets.items()}
    computed: dict[str, np.ndarray] = {}
    previous: dict[str, np.ndarray] = {}
    for attempt in range(MAX_PASSES):
        computed = evaluate(guesses)
        off = {kind: np.abs(computed[net] - targets[kind]) > NET_TOLERANCE for kind, net, _, _ in resources}
        if not any(mask.any() for mask in off.values()) or attempt == MAX_PASSES - 1:
            break
        for kind, net, _, _ in resources:
            positive = computed[net] > 0
            ratio = np.where(positive, targets[kind] / np.where(positive, computed[net], 1.0), 2.0)
            if previous:
                stuck = np.abs(computed[net] - previous[net]) <= NET_TOLERANCE
                ratio = np.where(stuck, np.where(ratio > 1, 1.1, 1 / 1.1), ratio)
            guesses[kind] = np.where(off[kind], guesses[kind] * ratio, guesses[kind])
        previous = computed
    result = {}
    for kind, _, taxable, gross in resources:
        result[taxable] = computed[taxable]
        result[gross] = guesses[kind]
    return result


def _forget_computed(simulation: Any, inputs: set[str]) -> None:
    """Delete every value the simulation computed, keeping its inputs: the next pass recomputes them."""
    for population in simulation.populations.values():
        for variable, holder in population._holders.items():
            if variable not in inputs:
                holder.delete_arrays()


@lru_cache(maxsize=4)
def _month_periods(period: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Return the OpenFisca periods of every month of years N-2 to N, and of the 24 past months."""
    from openfisca_core.periods import period as openfisca_period

    window = tuple(openfisca_period(f"{y}-{m:02d}") for y in window_years(period) for m in range(1, 13))
    return window, tuple(openfisca_period(month) for month in past_months(period))


def compute_benefits(
    tax_benefit_system: Any, simulation: Any, period: str, variables: Sequence[tuple[str, str, str]]
) -> dict[str, np.ndarray]:
    """Return, by code, the value per household of its variables (a person's value summed per famille), added up."""
    periods = benefit_periods(period)
    famille = simulation.populations["famille"]
    values: dict[str, np.ndarray] = {}
    for code, variable, unit in variables:
        array = simulation.calculate(variable, periods[unit])
        if tax_benefit_system.variables[variable].entity.key == "individu":
            array = famille.sum(array)
        value = np.asarray(array, dtype=np.float64)
        values[code] = values[code] + value if code in values else value
    return values


def today_period(today: datetime.date) -> str:
    """Return the "YYYY-MM" period of a day."""
    return f"{today.year:04d}-{today.month:02d}"
