"""Appui's results against OpenFisca itself, benefit by benefit.

- Published amounts (legislation of 2026-11): RSA montant forfaitaire 651.69 € for one person, 573.49 € for a
  single tenant without resources (forfait logement deducted).
- 30 varied households: Appui's screening against a direct OpenFisca computation written here, independently:
  its own JSON situation (month by month), ``build_from_entities``, its own variable list and entity sums.
  Salaries, unemployment benefit and pensions are declared there GROSS (``salaire_de_base``, ``chomage_brut``,
  ``retraite_brute``): OpenFisca computes their net and taxable amounts itself, and Appui is given the net
  amounts OpenFisca computed for the month screened, as a person would declare them.
- 200 generated households: the array path (one simulation for all) equals the per-household path.
"""

import dataclasses
import datetime
import multiprocessing
import random
from decimal import Decimal

import numpy as np
import pytest
from openfisca_core.simulation_builder import SimulationBuilder

from appui.rights.engine.inputs import derived_amounts, situation_to_openfisca
from appui.rights.engine.webapi import WebApiEngine
from appui.rights.screening import screen
from appui.rights.situation import AdultAnswers, ChildAnswers, HouseholdAnswers, resolve

from .conftest import PERIOD


def adult(born, activity="inactif", disability="aucun", ass=False, **resources):
    return AdultAnswers(
        label="adulte",
        birth_date=datetime.date.fromisoformat(born),
        activity=activity,
        resources={k: float(v) for k, v in resources.items()},
        disability=disability,
        ass_condition=ass,
    )


def child(born, schooling):
    return ChildAnswers(label="enfant", birth_date=datetime.date.fromisoformat(born), schooling=schooling)


def household(adults, children=(), housing="locataire_prive", rent=0.0, commune="69266", rfr=0.0, received=None):
    return HouseholdAnswers(
        adults=list(adults),
        children=list(children),
        housing_status=housing,
        rent=float(rent),
        commune_code=commune,
        rfr=float(rfr),
        benefits_received=dict(received or {}),
    )


REFERENCE_HOUSEHOLDS = {
    "single, no resources, private tenant": household([adult("1985-01-01")], rent=500),
    "single, no resources, homeless in Paris": household(
        [adult("1990-06-15")], housing="sans_domicile", commune="75056"
    ),
    "single, hosted for free": household([adult("1979-03-03")], housing="heberge", commune="13055"),
    "single, part-time work, social housing": household(
        [adult("1988-02-02", "actif", salaire=800)], housing="locataire_hlm", rent=420, rfr=7000
    ),
    "single, minimum wage, private tenant": household(
        [adult("1992-09-09", "actif", salaire=1823.03)], rent=650, commune="33063", rfr=15000
    ),
    "single parent, toddler, no resources": household(
        [adult("1996-04-04")], [child("2024-03-01", "inconnue")], rent=550, commune="59350"
    ),
    "single parent, two children, work and alimony": household(
        [adult("1984-05-05", "actif", salaire=1100, pension_alimentaire=150)],
        [child("2018-01-10", "primaire"), child("2013-06-20", "college")],
        housing="locataire_hlm",
        rent=480,
        rfr=11000,
    ),
    "couple, no children, both jobseekers": household(
        [adult("1975-07-07", "chomeur", chomage=900), adult("1977-08-08", "chomeur", ass=True)],
        rent=700,
        commune="31555",
        rfr=14000,
    ),
    "couple, three young children, one salary": household(
        [adult("1986-01-01", "actif", salaire=1800), adult("1988-01-01")],
        [child("2022-05-01", "maternelle"), child("2019-05-01", "primaire"), child("2016-05-01", "primaire")],
        rent=900,
        commune="44109",
        rfr=19000,
    ),
    "couple, four children, collège and lycée": household(
        [adult("1980-01-01", "actif", salaire=1500), adult("1982-01-01", "actif", salaire=600)],
        [
            child("2010-02-01", "lycee"),
            child("2014-02-01", "college"),
            child("2017-02-01", "primaire"),
            child("2021-02-01", "maternelle"),
        ],
        housing="locataire_hlm",
        rent=750,
        commune="67482",
        rfr=22000,
    ),
    "pensioner, small pension, owner": household(
        [adult("1955-01-01", "retraite", retraite=700)], housing="proprietaire", commune="33063", rfr=7500
    ),
    "pensioner couple, social housing": household(
        [adult("1958-03-01", "retraite", retraite=500), adult("1960-03-01", "retraite", retraite=300)],
        housing="locataire_hlm",
        rent=450,
        rfr=8600,
    ),
    "disabled adult 80 %, no resources, tenant": household([adult("1975-01-01", disability="80_plus")], rent=450),
    "disabled adult 50 %, part-time work": household(
        [adult("1982-01-01", "actif", disability="50_79", salaire=600)], rent=500, rfr=6000
    ),
    "invalidity pension, tenant": household(
        [adult("1981-01-01", pension_invalidite=400)], housing="locataire_hlm", rent=400, rfr=4300
    ),
    "student with a small job, furnished flat": household(
        [adult("2005-10-01", "etudiant", salaire=500)], housing="locataire_meuble", rent=420, commune="35238"
    ),
    "young adult under 25, no resources": household([adult("2004-01-01")], rent=380, commune="69123"),
    "social residence, already receives RSA": household(
        [adult("1970-01-01")], housing="foyer", rent=350, received={"rsa": 500.0}
    ),
    "tenant already receiving housing aid and RSA": household(
        [adult("1983-01-01")], [child("2015-01-01", "college")], rent=600, received={"aide_logement": 250, "rsa": 300}
    ),
    "tenant in Corsica, low wage": household([adult("1987-01-01", "actif", salaire=900)], rent=550, commune="2A004"),
    "single parent in La Réunion": household(
        [adult("1991-01-01", "actif", salaire=700)], [child("2017-01-01", "primaire")], rent=500, commune="97411"
    ),
    "jobseeker aged 58 meeting the ASS condition": household(
        [adult("1968-01-01", "chomeur", ass=True)], housing="locataire_hlm", rent=430, rfr=9000
    ),
    "couple with a newborn": household(
        [adult("1993-01-01", "actif", salaire=1700), adult("1994-01-01", "actif", salaire=1300)],
        [child("2026-08-01", "inconnue")],
        rent=950,
        commune="34172",
        rfr=30000,
    ),
    "single on sick pay": household([adult("1979-01-01", "actif", indemnites_journalieres=700)], rent=520, rfr=9500),
    "salaried single in Paris, private tenant": household(
        [adult("1990-03-03", "actif", salaire=1500)], rent=850, commune="75111", rfr=14000
    ),
    "salaried couple, two children, social housing": household(
        [adult("1985-03-03", "actif", salaire=2100), adult("1987-03-03", "actif", salaire=900)],
        [child("2016-03-01", "primaire"), child("2019-03-01", "maternelle")],
        housing="locataire_hlm",
        rent=620,
        commune="13055",
        rfr=25000,
    ),
    "pensioner above the CSG exemption, private tenant": household(
        [adult("1956-05-01", "retraite", retraite=900)], rent=520, commune="33063", rfr=15500
    ),
    "pensioner at the full CSG rate, private tenant": household(
        [adult("1952-05-01", "retraite", retraite=1000)], rent=650, commune="69123", rfr=32000
    ),
    "pensioner couple above the CSG exemption, social housing": household(
        [adult("1954-05-01", "retraite", retraite=1150), adult("1957-05-01", "retraite", retraite=350)],
        housing="locataire_hlm",
        rent=480,
        commune="59350",
        rfr=24000,
    ),
    "jobseeker paying CSG, single parent, private tenant": household(
        [adult("1980-05-01", "chomeur", chomage=2100)],
        [child("2014-01-01", "college"), child("2017-01-01", "primaire")],
        rent=800,
        commune="31555",
        rfr=30000,
    ),
}
# The resources declared gross in the direct computation, with the net variable Appui is given.
GROSS = {"salaire": "salaire_de_base", "chomage": "chomage_brut", "retraite": "retraite_brute"}
NET = {"salaire": "salaire_net", "chomage": "chomage_net", "retraite": "retraite_nette"}

# The test's own list: OpenFisca variable, period unit, and how Appui shows it.
DIRECT_VARIABLES = {
    "rsa": ("rsa", "month"),
    "prime_activite": ("ppa", "month"),
    "aide_logement": ("aide_logement", "month"),
    # A social landlord takes it off the rent (the CAF lowers the housing aid by 98 % of it): Appui counts it in.
    "reduction_loyer_solidarite": ("reduction_loyer_solidarite", "month"),
    "aah": ("aah", "month"),
    "asi": ("asi", "month"),
    "aspa": ("aspa", "month"),
    "ass": ("ass", "month"),
    "css_gratuite": ("cmu_c", "month"),
    "css_participative": ("css_participation_forfaitaire", "month"),
    "allocations_familiales": ("af", "month"),
    "complement_familial": ("cf", "month"),
    "paje_base": ("paje_base", "month"),
    "ars": ("ars", "year"),
    "bourse_college": ("bourse_college", "month"),
    "bourse_lycee": ("bourse_lycee", "month"),
    "cheque_energie": ("cheque_energie", "year"),
}
YEARLY = {"ars", "bourse_college", "bourse_lycee", "cheque_energie"}
OPENFISCA_HOUSING = {
    "locataire_prive": "locataire_vide",
    "locataire_hlm": "locataire_hlm",
    "locataire_meuble": "locataire_meuble",
    "foyer": "locataire_foyer",
    "proprietaire": "proprietaire",
    "heberge": "loge_gratuitement",
    "sans_domicile": "sans_domicile",
}


def direct_situation(h: HouseholdAnswers, period: str) -> dict:
    """Write the OpenFisca situation by hand, month by month (conventions documented in engine/inputs.py)."""
    year = int(period[:4])
    months = [f"{y}-{m:02d}" for y in (year - 2, year - 1, year) for m in range(1, 13)]
    start = year * 12 + int(period[5:]) - 1
    past = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(start - 24, start)]
    # The avis d'imposition of every past year says the same: the CSG of a month of year N-2 reads year N-4's.
    taxes = [str(year - 4), str(year - 3), str(year - 2), str(year - 1)]
    taxable = [sum(a.resources.get(k, 0) for k in ("salaire", "chomage", "retraite")) for a in h.adults]
    shares = [t / sum(taxable) for t in taxable] if sum(taxable) else [1.0, 0.0][: len(taxable)]
    rates = {"aucun": 0.0, "50_79": 0.5, "80_plus": 0.8}
    received = h.benefits_received
    individus = {}
    for index, a in enumerate(h.adults):
        r = a.resources
        rate = rates[a.disability]
        monthly = {
            "salaire_de_base": r.get("salaire", 0),
            "chomage_brut": r.get("chomage", 0),
            "retraite_brute": r.get("retraite", 0),
            "pensions_invalidite": r.get("pension_invalidite", 0),
            "pensions_alimentaires_percues": r.get("pension_alimentaire", 0),
            "indemnites_journalieres_maladie": r.get("indemnites_journalieres", 0),
            "rente_accident_travail": 0,
            "revenus_capital": 0,
            "revenus_locatifs": 0,
            "activite": a.activity,
            "statut_marital": "marie" if len(h.adults) == 2 else "celibataire",
            "taux_incapacite": rate,
            "handicap": rate >= 0.5,
            "aah_restriction_substantielle_durable_acces_emploi": rate >= 0.5,
            "ass_precondition_remplie": a.ass_condition,
            "scolarite": "inconnue",
        }
        person = {name: dict.fromkeys(months, value) for name, value in monthly.items()}
        person["date_naissance"] = {"ETERNITY": a.birth_date.isoformat()}
        # An individual benefit received is paid to the adult it concerns (here: the only one who qualifies).
        person["aah"] = dict.fromkeys(past, received.get("aah", 0) if rate >= 0.5 else 0)
        for name in ("caah", "asi", "ass"):
            person[name] = dict.fromkeys(past, 0)
        person["traitements_salaires_pensions_rentes"] = dict.fromkeys(taxes, h.rfr * shares[index])
        individus[f"adulte{index}"] = person
    for index, c in enumerate(h.children):
        person = {
            name: dict.fromkeys(months, 0)
            for name in (
                "salaire_de_base",
                "chomage_brut",
                "retraite_brute",
                "pensions_invalidite",
                "pensions_alimentaires_percues",
                "indemnites_journalieres_maladie",
                "rente_accident_travail",
                "revenus_capital",
                "revenus_locatifs",
                "taux_incapacite",
            )
        }
        person.update(
            {
                "date_naissance": {"ETERNITY": c.birth_date.isoformat()},
                "activite": dict.fromkeys(months, "etudiant" if c.schooling != "inconnue" else "inactif"),
                "statut_marital": dict.fromkeys(months, "celibataire"),
                "handicap": dict.fromkeys(months, False),
                "aah_restriction_substantielle_durable_acces_emploi": dict.fromkeys(months, False),
                "ass_precondition_remplie": dict.fromkeys(months, False),
                "scolarite": dict.fromkeys(months, c.schooling),
                "traitements_salaires_pensions_rentes": dict.fromkeys(taxes, 0),
            }
        )
        for name in ("aah", "caah", "asi", "ass"):
            person[name] = dict.fromkeys(past, 0)
        individus[f"enfant{index}"] = person
    adults = [k for k in individus if k.startswith("adulte")]
    children = [k for k in individus if k.startswith("enfant")]
    famille = {"parents": adults, "enfants": children}
    for name in ("rsa", "ppa", "af", "cf", "asf", "paje_base", "aspa"):
        code = {"ppa": "prime_activite", "af": "allocations_familiales", "cf": "complement_familial"}.get(name, name)
        famille[name] = dict.fromkeys(past, received.get(code, 0))
    for name in ("aide_logement", "aide_logement_montant"):
        famille[name] = dict.fromkeys(past, received.get("aide_logement", 0))
    return {
        "individus": individus,
        "familles": {"f": famille},
        "foyers_fiscaux": {
            "ff": {"declarants": adults, "personnes_a_charge": children, "rfr": dict.fromkeys(taxes, h.rfr)}
        },
        "menages": {
            "m": {
                "personne_de_reference": adults[:1],
                "conjoint": adults[1:],
                "enfants": children,
                "statut_occupation_logement": dict.fromkeys(months, OPENFISCA_HOUSING[h.housing_status]),
                "loyer": dict.fromkeys(months, h.rent),
                "depcom": dict.fromkeys(months, h.commune_code),
            }
        },
    }


_direct_cache: dict[tuple[int, str], tuple[dict[str, float], HouseholdAnswers]] = {}


def direct_values(tbs, h: HouseholdAnswers, period: str) -> dict[str, float]:
    """Return the benefits OpenFisca computes directly for ``h``, its resources declared gross."""
    return _direct(tbs, h, period)[0]


def declared_answers(tbs, h: HouseholdAnswers, period: str) -> HouseholdAnswers:
    """Return ``h`` as a person declares it: the net amounts OpenFisca computed from the gross ones, in cents."""
    return _direct(tbs, h, period)[1]


def _direct(tbs, h: HouseholdAnswers, period: str) -> tuple[dict[str, float], HouseholdAnswers]:
    key = (id(h), period)
    if key not in _direct_cache:
        simulation = SimulationBuilder().build_from_entities(tbs, direct_situation(h, period))
        values = {}
        for code, (variable, unit) in DIRECT_VARIABLES.items():
            array = simulation.calculate(variable, period if unit == "month" else period[:4])
            values[code] = float(array.sum())  # one famille, one ménage: the sum adds a person's benefit
        adults = []
        for index, a in enumerate(h.adults):
            resources = dict(a.resources)
            for kind in GROSS:
                if kind in resources:
                    net = simulation.calculate(NET[kind], period)[index]
                    resources[kind] = round(float(net), 2)
            adults.append(dataclasses.replace(a, resources=resources))
        _direct_cache[key] = (values, dataclasses.replace(h, adults=adults))
    return _direct_cache[key]


def pays_csg(tbs, h: HouseholdAnswers, kind: str) -> bool:
    """Return whether one of the household's ``kind`` resources is paid with CSG (net below gross)."""
    declared = declared_answers(tbs, h, PERIOD)
    return any(
        d.resources.get(kind, 0) < a.resources.get(kind, 0) - 0.5
        for a, d in zip(h.adults, declared.adults, strict=True)
    )


def close(appui: float, direct: float) -> bool:
    """Within 1 € or 3 % (the month's net amounts are Appui's for every month of N-2 to N; OpenFisca's gross
    amounts give each year's own net amounts)."""
    return abs(appui - direct) <= max(1.0, 0.03 * abs(direct))


def test_rsa_montant_forfaitaire_for_one_person_is_the_published_651_69(engine):
    outcome = screen(
        household([adult("1990-06-15")], housing="sans_domicile", commune="75056"), period=PERIOD, engine=engine
    )
    rights = {r.benefit: r for r in outcome.rights}
    assert rights["rsa"].amount == Decimal("651.69") and rights["rsa"].frequency == "mensuel"


def test_a_single_tenant_without_resources_gets_573_49_after_the_forfait_logement(engine):
    outcome = screen(household([adult("1985-01-01")], rent=500), period=PERIOD, engine=engine)
    rights = {r.benefit: r for r in outcome.rights}
    assert rights["rsa"].amount == Decimal("573.49")
    assert outcome.situation.assumptions == ()


def direct_rights(tbs, h: HouseholdAnswers) -> dict[str, float]:
    """Return the direct values by Appui's benefit codes: the housing aid with the réduction de loyer de solidarité."""
    direct = dict(direct_values(tbs, h, PERIOD))
    direct["aide_logement"] += direct.pop("reduction_loyer_solidarite")
    return direct


def declares_gross(h: HouseholdAnswers) -> bool:
    return any(kind in a.resources for a in h.adults for kind in GROSS)


@pytest.mark.parametrize("name", list(REFERENCE_HOUSEHOLDS))
def test_appui_equals_a_direct_openfisca_computation_benefit_by_benefit(name, engine, tbs):
    h = REFERENCE_HOUSEHOLDS[name]
    direct = direct_rights(tbs, h)
    outcome = screen(declared_answers(tbs, h, PERIOD), period=PERIOD, engine=engine)
    appui = {r.benefit: r for r in outcome.rights}
    # Without salary, unemployment benefit or pension, Appui's inputs are the direct ones: equal to the cent.
    derived = declares_gross(h)
    for code, value in direct.items():
        excluded = code == "css_participative" and direct["css_gratuite"] > 0
        if value <= 0.005 or excluded:
            small = (
                derived and code in appui and appui[code].amount is not None and close(float(appui[code].amount), 0.0)
            )
            assert code not in appui or small, (name, code, appui.get(code), value)
            continue
        if derived and code not in appui and close(0.0, value):
            continue
        right = appui[code]
        if code == "css_gratuite":
            assert right.amount is None and right.frequency == "aucun"
        else:
            if derived:
                assert close(float(right.amount), value), (name, code, right.amount, value)
            else:
                assert abs(float(right.amount) - value) <= 0.01, (name, code, right.amount, value)
            assert right.frequency == ("annuel" if code in YEARLY else "mensuel"), (name, code)
        assert right.received == (code in h.benefits_received)


def test_the_reference_households_cover_every_benefit(engine, tbs):
    found = set()
    for h in REFERENCE_HOUSEHOLDS.values():
        found |= {code for code, value in direct_values(tbs, h, PERIOD).items() if value > 0.005}
    assert found == set(DIRECT_VARIABLES)


def test_salaried_tenants_housing_aid_is_the_direct_one_of_their_gross_salaries(engine, tbs):
    """The housing aid counts taxable salaries (above the net ones): Appui derives them from the net salary."""
    found = []
    for name, h in REFERENCE_HOUSEHOLDS.items():
        tenant = h.housing_status in {"locataire_prive", "locataire_hlm", "locataire_meuble", "foyer"}
        if not tenant or not any("salaire" in a.resources for a in h.adults):
            continue
        direct = direct_rights(tbs, h)["aide_logement"]
        appui = {r.benefit: r for r in screen(declared_answers(tbs, h, PERIOD), period=PERIOD, engine=engine).rights}
        amount = float(appui["aide_logement"].amount) if "aide_logement" in appui else 0.0
        assert close(amount, direct), (name, amount, direct)
        if direct > 0:
            found.append(name)
    assert len(found) >= 6, found


def test_csg_paying_pensioners_aspa_and_housing_aid_are_the_direct_ones_of_their_gross_pensions(engine, tbs):
    """The ASPA counts gross pensions, the housing aid taxable ones: both above the net pension when CSG is paid
    (its rate is set by the household's revenu fiscal de référence)."""
    pensioners = [name for name, h in REFERENCE_HOUSEHOLDS.items() if pays_csg(tbs, h, "retraite")]
    assert len(pensioners) >= 3, pensioners
    aspa, housing = [], []
    for name in pensioners:
        h = REFERENCE_HOUSEHOLDS[name]
        direct = direct_rights(tbs, h)
        appui = {r.benefit: r for r in screen(declared_answers(tbs, h, PERIOD), period=PERIOD, engine=engine).rights}
        for code, found in (("aspa", aspa), ("aide_logement", housing)):
            amount = float(appui[code].amount) if code in appui else 0.0
            assert close(amount, direct[code]), (name, code, amount, direct[code])
            if direct[code] > 0:
                found.append(name)
    assert len(aspa) >= 2 and len(housing) >= 2, (aspa, housing)


def test_a_jobseeker_paying_csg_gets_the_direct_amounts_of_the_gross_benefit(engine, tbs):
    h = REFERENCE_HOUSEHOLDS["jobseeker paying CSG, single parent, private tenant"]
    assert pays_csg(tbs, h, "chomage")
    direct = direct_rights(tbs, h)
    appui = {r.benefit: r for r in screen(declared_answers(tbs, h, PERIOD), period=PERIOD, engine=engine).rights}
    assert direct["aide_logement"] > 0 and close(float(appui["aide_logement"].amount), direct["aide_logement"])


def test_a_social_housing_tenants_gain_counts_the_reduction_de_loyer_de_solidarite(engine, tbs):
    """The social landlord lowers the rent, the CAF the housing aid by 98 % of it: the gain is their sum."""
    social = [h for h in REFERENCE_HOUSEHOLDS.values() if h.housing_status == "locataire_hlm"]
    h = max(social, key=lambda h: direct_values(tbs, h, PERIOD)["reduction_loyer_solidarite"])
    direct = direct_values(tbs, h, PERIOD)
    assert direct["reduction_loyer_solidarite"] > 20
    appui = {r.benefit: r for r in screen(declared_answers(tbs, h, PERIOD), period=PERIOD, engine=engine).rights}
    amount = float(appui["aide_logement"].amount)
    assert close(amount, direct["aide_logement"] + direct["reduction_loyer_solidarite"])
    assert amount > direct["aide_logement"] + 20


def generated_households(count: int, seed: int = 2026) -> list[HouseholdAnswers]:
    """Return varied households, some with unknown inputs (resolved with assumptions)."""
    rnd = random.Random(seed)
    communes = ["69266", "75111", "13055", "59350", "2A004", "97411", "33063", "31555", "67482", "01001"]
    housing = ["locataire_prive", "locataire_hlm", "locataire_meuble", "foyer", "proprietaire", "heberge"]
    housing += ["hebergement_urgence", "sans_domicile", None]
    activities = ["actif", "chomeur", "etudiant", "retraite", "inactif", None]
    benefits = ["rsa", "prime_activite", "aide_logement", "aah", "allocations_familiales", "cheque_energie"]
    result = []
    for _ in range(count):
        adults = []
        for _ in range(rnd.choice([1, 1, 2])):
            activity = rnd.choice(activities)
            age = rnd.randint(18, 85) if activity != "retraite" else rnd.randint(60, 90)
            resources = None if rnd.random() < 0.1 else {}
            if resources is not None:
                for kind, top in (
                    ("salaire", 2500),
                    ("chomage", 1400),
                    ("retraite", 1600),
                    ("pension_invalidite", 900),
                ):
                    if rnd.random() < 0.3:
                        resources[kind] = round(rnd.uniform(0, top), 2)
                if rnd.random() < 0.1:
                    resources["pension_alimentaire"] = round(rnd.uniform(50, 400), 2)
            adults.append(
                AdultAnswers(
                    label="adulte",
                    birth_date=datetime.date(2026 - age, rnd.randint(1, 12), rnd.randint(1, 28)),
                    activity=activity,
                    resources=resources,
                    disability=rnd.choice(["aucun"] * 6 + ["50_79", "80_plus", None]),
                    ass_condition=rnd.choice([True, False, None]),
                )
            )
        children = [
            ChildAnswers(
                label="enfant",
                birth_date=datetime.date(rnd.randint(2005, 2026), rnd.randint(1, 10), rnd.randint(1, 28)),
                schooling=rnd.choice([None, None, "college", "lycee", "primaire", "inconnue"]),
            )
            for _ in range(rnd.choice([0, 0, 1, 2, 3, 4]))
        ]
        status = rnd.choice(housing)
        received = (
            None
            if rnd.random() < 0.3
            else {b: round(rnd.uniform(0, 500), 2) for b in rnd.sample(benefits, rnd.randint(0, 2))}
        )
        result.append(
            HouseholdAnswers(
                adults=adults,
                children=children,
                housing_status=status,
                rent=None if rnd.random() < 0.1 else round(rnd.uniform(200, 1200), 2),
                commune_code=rnd.choice(communes + [None]),
                rfr=None if rnd.random() < 0.2 else round(rnd.uniform(0, 40000)),
                benefits_received=received,
            )
        )
    return result


_ENGINE = {}


def _one(situation):
    return _ENGINE["engine"].compute_one(situation)


def test_the_array_path_equals_the_per_household_path_on_200_households(engine, tbs):
    situations = [resolve(h, period=PERIOD) for h in generated_households(200)]
    arrays = engine.compute(situations)
    # The per-household path: Appui's interactive screening, one simulation per household, in 2 processes.
    _ENGINE["engine"] = engine
    with multiprocessing.get_context("fork").Pool(2) as pool:
        singles = pool.map(_one, situations, chunksize=10)
    worst = 0.0
    for index, single in enumerate(singles):
        for code, value in single.items():
            worst = max(worst, abs(value - float(arrays[code][index])))
    assert worst <= 0.01, worst
    assert sum(1 for single in singles if single["rsa"] > 0) > 20  # the sample is not trivial
    assert sum(1 for single in singles if single["aide_logement"] > 0) > 20


def test_the_json_situation_gives_the_same_results_as_the_arrays(engine, tbs):
    """The Web API engine sends ``situation_to_openfisca``: one household per ``build_from_entities``."""
    situations = [resolve(h, period=PERIOD) for h in generated_households(12, seed=7)]
    arrays = engine.compute(situations)
    for index, situation in enumerate(situations):
        data = situation_to_openfisca(situation, derived_amounts(tbs, [situation]))
        simulation = SimulationBuilder().build_from_entities(tbs, data)
        direct = {}
        for code, (variable, unit) in DIRECT_VARIABLES.items():
            direct[code] = float(simulation.calculate(variable, PERIOD if unit == "month" else PERIOD[:4]).sum())
        direct["aide_logement"] += direct.pop("reduction_loyer_solidarite")
        for code, value in direct.items():
            assert abs(value - float(arrays[code][index])) <= 0.01, (index, code)


class FlaskWebApiEngine(WebApiEngine):
    """The Web API engine talking to OpenFisca's own Web API application, run here by Flask's test client."""

    def __init__(self, tbs) -> None:
        super().__init__()
        from openfisca_web_api.app import create_app

        self.client = create_app(tbs).test_client()

    def _post(self, path: str, body: dict) -> dict:
        response = self.client.post(path, json=body)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.get_json()


# OpenFisca's Web API leaves its OpenAPI file open when it loads.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_web_api_engine_finds_the_same_gross_amounts_and_benefits_as_the_in_process_engine(engine, tbs):
    """The Web API engine searches the gross amounts on the API itself, and keeps the past benefits received."""
    names = [
        "salaried couple, two children, social housing",
        "pensioner couple above the CSG exemption, social housing",
        "jobseeker paying CSG, single parent, private tenant",
        "tenant already receiving housing aid and RSA",
    ]
    situations = [resolve(declared_answers(tbs, REFERENCE_HOUSEHOLDS[n], PERIOD), period=PERIOD) for n in names]
    web = FlaskWebApiEngine(tbs)
    for situation in situations:
        remote, local = web.derived_amounts(situation), derived_amounts(tbs, [situation])
        for variable, values in local.items():
            assert np.allclose(remote[variable], values, atol=0.1), (variable, remote[variable], values)
    remote_values, local_values = web.compute(situations), engine.compute(situations)
    for code, values in local_values.items():
        assert np.allclose(remote_values[code], values, atol=0.01), (code, remote_values[code], values)
    assert local_values["prime_activite"][0] > 0 and local_values["aspa"][1] > 0
