"""The situation mapping: record and answers → complete situation → OpenFisca inputs."""

import datetime
from types import SimpleNamespace

import pytest

from appui.rights.engine.inputs import (
    compact_months,
    derived_amounts,
    past_months,
    situation_to_openfisca,
    tax_years,
    window_years,
)
from appui.rights.situation import (
    AdultAnswers,
    ChildAnswers,
    HouseholdAnswers,
    Situation,
    answers_from_record,
    resolve,
    schooling_for_age,
)

TODAY = datetime.date(2026, 11, 15)
PERIOD = "2026-11"


def person(**fields):
    values = {
        "birth_date": datetime.date(1980, 5, 17),
        "birth_year": 1980,
        "employment_status": "salarie",
        "family_situation": "celibataire",
        "housing_status": "locataire_hlm",
        "commune_code": "69266",
    }
    values.update(fields)
    return SimpleNamespace(**values)


def member(relationship, first_name, birth_date, is_dependent=False):
    return SimpleNamespace(
        relationship=relationship, first_name=first_name, birth_date=birth_date, is_dependent=is_dependent
    )


def complete(**fields):
    """Return answers where nothing is missing."""
    values = {
        "adults": [
            AdultAnswers(
                label="Awa",
                birth_date=datetime.date(1985, 1, 1),
                activity="actif",
                resources={"salaire": 1200.0},
                disability="aucun",
                ass_condition=False,
            )
        ],
        "housing_status": "locataire_prive",
        "rent": 500.0,
        "commune_code": "69266",
        "rfr": 10000.0,
        "benefits_received": {},
    }
    values.update(fields)
    return HouseholdAnswers(**values)


def codes(situation):
    return [a.code for a in situation.assumptions]


def test_the_record_gives_the_adults_children_and_housing_and_leaves_the_rest_unknown():
    answers = answers_from_record(
        person(family_situation="marie"),
        [
            member("conjoint", "Karim", datetime.date(1978, 2, 3)),
            member("enfant", "Lina", datetime.date(2015, 3, 2)),
            member("enfant", "Sami", datetime.date(2004, 1, 1), is_dependent=True),
            member("enfant", "Nour", datetime.date(2000, 1, 1)),
            member("parent", "Fatou", datetime.date(1950, 1, 1)),
        ],
        today=TODAY,
    )
    assert [a.label for a in answers.adults] == ["la personne", "Karim"]
    assert answers.adults[0].activity == "actif" and answers.adults[0].resources is None
    assert answers.adults[1].activity is None
    assert [c.label for c in answers.children] == ["Lina", "Sami"]
    assert answers.others_not_counted == ["Nour", "Fatou"]
    assert answers.housing_status == "locataire_hlm" and answers.commune_code == "69266"
    assert answers.rent is None and answers.rfr is None and answers.benefits_received is None


def test_a_couple_without_a_recorded_spouse_gets_an_unknown_spouse():
    answers = answers_from_record(person(family_situation="pacse"), [], today=TODAY)
    assert len(answers.adults) == 2 and answers.adults[1].birth_date is None


def test_an_empty_record_field_stays_unknown():
    answers = answers_from_record(person(housing_status="", commune_code="", employment_status=""), [], today=TODAY)
    assert answers.housing_status is None and answers.commune_code is None and answers.adults[0].activity is None


def test_complete_answers_need_no_assumption():
    situation = resolve(complete(), period=PERIOD)
    assert situation.assumptions == ()
    assert situation.housing == "locataire_vide" and situation.rent == 500 and situation.depcom == "69266"


def test_every_missing_input_is_named_never_silently_defaulted():
    situation = resolve(HouseholdAnswers(adults=[AdultAnswers(label="Awa")]), period=PERIOD)
    assert codes(situation) == [
        "benefits_received",
        "birth_date",
        "activity",
        "resources",
        "disability",
        "housing_status",
        "commune",
        "rfr",
    ]
    messages = " ".join(a.message for a in situation.assumptions)
    assert "Ressources de Awa non renseignées : supposées nulles." in messages
    assert "hypothèse du non-recours" in messages
    adult = situation.persons[0]
    assert adult.activity == "inactif" and adult.resources == {} and adult.birth_date == datetime.date(1986, 11, 1)


def test_a_tenant_without_rent_is_an_assumption_but_an_owner_is_not():
    assert "rent" in codes(resolve(complete(rent=None), period=PERIOD))
    assert "rent" not in codes(resolve(complete(rent=None, housing_status="proprietaire"), period=PERIOD))


def test_an_unknown_rfr_is_estimated_from_current_resources_and_said():
    situation = resolve(complete(rfr=None), period=PERIOD)
    assert situation.rfr == 12 * 0.9 * 1200
    assert "estimé à 12\u202f960 €" in situation.assumptions[0].message


def test_a_birth_year_alone_gives_the_first_of_july_and_says_so():
    adult = AdultAnswers(
        label="Awa", birth_year=1962, activity="retraite", resources={}, disability="aucun", ass_condition=False
    )
    situation = resolve(complete(adults=[adult]), period=PERIOD)
    assert situation.persons[0].birth_date == datetime.date(1962, 7, 1)
    assert codes(situation) == ["birth_year"]


def test_a_jobseeker_without_the_ass_condition_answer_is_an_assumption():
    adult = AdultAnswers(label="Awa", birth_date=datetime.date(1970, 1, 1), activity="chomeur", resources={})
    situation = resolve(complete(adults=[adult]), period=PERIOD)
    assert "ass_condition" in codes(situation) and situation.persons[0].ass_condition is False


def test_a_disability_rate_between_50_and_79_names_the_aah_condition_assumed():
    adult = AdultAnswers(
        label="Awa", birth_date=datetime.date(1970, 1, 1), activity="inactif", resources={}, disability="50_79"
    )
    situation = resolve(complete(adults=[adult]), period=PERIOD)
    assert situation.persons[0].disability_rate == 0.5
    assert "disability_restriction" in codes(situation)


@pytest.mark.parametrize(
    ("birth", "day", "level"),
    [
        (datetime.date(2024, 5, 1), datetime.date(2026, 11, 1), "inconnue"),
        (datetime.date(2022, 12, 31), datetime.date(2026, 11, 1), "maternelle"),
        (datetime.date(2020, 1, 1), datetime.date(2026, 11, 1), "primaire"),
        (datetime.date(2015, 6, 1), datetime.date(2026, 11, 1), "college"),
        (datetime.date(2015, 6, 1), datetime.date(2026, 6, 1), "primaire"),
        (datetime.date(2011, 2, 1), datetime.date(2026, 11, 1), "lycee"),
        (datetime.date(2008, 2, 1), datetime.date(2026, 11, 1), "enseignement_superieur"),
    ],
)
def test_the_school_level_follows_the_school_year(birth, day, level):
    assert schooling_for_age(birth, day) == level


def test_a_child_school_level_inferred_from_age_is_an_assumption():
    situation = resolve(complete(children=[ChildAnswers("Lina", datetime.date(2014, 3, 2))]), period=PERIOD)
    assert situation.children[0].schooling == "college"
    assert (
        situation.assumptions[0].message == "Scolarité de Lina non renseignée : « Collège » supposée d'après son âge."
    )


def test_benefits_received_go_to_the_family_or_to_the_adult_who_receives_them():
    adults = [
        AdultAnswers(
            "Awa", datetime.date(1980, 1, 1), activity="actif", resources={"salaire": 900}, disability="aucun"
        ),
        AdultAnswers("Karim", datetime.date(1979, 1, 1), activity="inactif", resources={}, disability="80_plus"),
    ]
    situation = resolve(
        complete(adults=adults, benefits_received={"aide_logement": 250.0, "aah": 800.0, "cheque_energie": 0}),
        period=PERIOD,
    )
    assert situation.received == {"aide_logement": 250.0, "aide_logement_montant": 250.0}
    assert situation.persons[0].received == {} and situation.persons[1].received == {"aah": 800.0}
    assert situation.received_benefits == {"aide_logement", "aah", "cheque_energie"}


def test_housing_statuses_of_the_record_map_to_openfisca():
    expected = {
        "locataire_prive": "locataire_vide",
        "locataire_hlm": "locataire_hlm",
        "locataire_meuble": "locataire_meuble",
        "foyer": "locataire_foyer",
        "proprietaire": "proprietaire",
        "heberge": "loge_gratuitement",
        "hebergement_urgence": "sans_domicile",
        "sans_domicile": "sans_domicile",
    }
    for status, openfisca in expected.items():
        assert resolve(complete(housing_status=status), period=PERIOD).housing == openfisca


@pytest.mark.parametrize(
    "answers",
    [
        HouseholdAnswers(adults=[]),
        complete(adults=[AdultAnswers("a"), AdultAnswers("b"), AdultAnswers("c")]),
        complete(rent=-1.0),
        complete(benefits_received={"inconnue": 1.0}),
        complete(housing_status="chateau"),
        complete(adults=[AdultAnswers("a", resources={"salaire": -5.0})]),
    ],
)
def test_impossible_answers_are_refused(answers):
    with pytest.raises(ValueError):
        resolve(answers, period=PERIOD)


def test_answers_and_situations_survive_a_json_round_trip():
    answers = complete(children=[ChildAnswers("Lina", datetime.date(2014, 3, 2), "college")], rfr=None)
    assert HouseholdAnswers.from_json(answers.to_json()) == answers
    situation = resolve(answers, period=PERIOD)
    assert Situation.from_json(situation.to_json()) == situation


def test_the_input_windows_cover_years_n_minus_2_to_n_and_24_past_months():
    assert window_years(PERIOD) == ["2024", "2025", "2026"]
    assert tax_years(PERIOD) == ["2023", "2024", "2025"]
    months = past_months(PERIOD)
    assert len(months) == 24 and months[0] == "2024-11" and months[-1] == "2026-10"
    assert compact_months(months) == ["2024-11", "2024-12", "2025", *[f"2026-{m:02d}" for m in range(1, 11)]]
    assert past_months("2026-01")[-1] == "2025-12"


def test_the_openfisca_situation_gives_complete_inputs_for_every_person(tbs):
    answers = complete(
        adults=[
            AdultAnswers("Awa", datetime.date(1985, 1, 1), None, "actif", {"salaire": 1000.0}, "aucun", False),
            AdultAnswers("Karim", datetime.date(1983, 1, 1), None, "chomeur", {"chomage": 500.0}, "aucun", True),
        ],
        children=[ChildAnswers("Lina", datetime.date(2014, 3, 2), "college")],
        benefits_received={"prime_activite": 100.0},
    )
    situation = resolve(answers, period=PERIOD)
    data = situation_to_openfisca(situation, derived_amounts(tbs, [situation]))
    assert list(data["individus"]) == ["demandeur", "conjoint", "enfant1"]
    awa, karim, lina = data["individus"].values()
    assert awa["salaire_net"] == {"2024": 12000.0, "2025": 12000.0, "2026": 12000.0}
    # Taxable and gross amounts are OpenFisca's for the declared net ones: a salary's taxable amount is higher.
    assert 1.03 < awa["salaire_imposable"]["2026"] / 12000 < 1.04 and awa["salaire_de_base"]["2026"] > 15000
    # An unemployment benefit below the CSG floor is paid gross: net, taxable and gross amounts are equal.
    assert karim["chomage_imposable"]["2026"] == karim["chomage_brut"]["2026"] == pytest.approx(6000.0, abs=0.1)
    assert awa["chomage_net"] == {"2024": 0.0, "2025": 0.0, "2026": 0.0}  # explicit 0, never left out
    assert karim["ass_precondition_remplie"]["2026"] is True and awa["statut_marital"]["2026"] == "marie"
    assert lina["scolarite"]["2026"] == "college" and lina["salaire_net"]["2026"] == 0.0
    # The "revenu fiscal de référence" is shared like current taxable resources: 1000 and 500 a month.
    assert awa["traitements_salaires_pensions_rentes"]["2024"] == pytest.approx(10000 * 2 / 3)
    assert data["foyers_fiscaux"]["foyer_fiscal"]["rfr"] == {"2023": 10000.0, "2024": 10000.0, "2025": 10000.0}
    famille = data["familles"]["famille"]
    assert famille["parents"] == ["demandeur", "conjoint"] and famille["enfants"] == ["enfant1"]
    assert famille["ppa"]["2025"] == 1200.0 and famille["ppa"]["2026-10"] == 100.0 and "2026-11" not in famille["ppa"]
    assert famille["rsa"]["2025"] == 0.0  # not received: the non-recours hypothesis, explicit
    menage = data["menages"]["menage"]
    assert menage["statut_occupation_logement"]["2026"] == "locataire_vide" and menage["loyer"]["2026"] == 6000.0
    assert menage["depcom"]["2024"] == "69266"


@pytest.mark.parametrize("born", [datetime.date(1899, 12, 31), datetime.date(2026, 12, 1)])
def test_a_birth_date_outside_1900_to_the_simulated_month_is_refused(born):
    with pytest.raises(ValueError, match="date de naissance"):
        resolve(complete(children=[ChildAnswers("Lina", born)]), period=PERIOD)
