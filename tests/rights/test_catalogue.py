"""The benefit catalogue is data: check it against the enums and against OpenFisca-France itself."""

import pytest

from appui.rights.catalogue import catalogue
from appui.rights.engine.inputs import (
    HOUSEHOLD_MONTHLY,
    PAST_BENEFITS_FAMILY,
    PAST_BENEFITS_INDIVIDUAL,
    PERSON_MONTHLY,
)
from appui.rights.engine.webapi import INDIVIDUAL_VARIABLES, MENAGE_VARIABLES
from appui.rights.enums import Benefit, Frequency, PayingBody
from appui.rights.situation import INDIVIDUAL_RECEIVED


def test_every_benefit_of_the_issue_has_one_entry_with_label_body_page_and_documents():
    assert list(catalogue()) == list(Benefit.values)
    for info in catalogue().values():
        assert info.label and info.falc and info.claim_how and info.documents
        assert info.claim_url.startswith("https://")
        assert info.paying_body in PayingBody.values and info.frequency in Frequency.values


def test_nothing_annual_is_shown_as_monthly():
    yearly = {code for code, info in catalogue().items() if info.frequency == Frequency.YEARLY}
    # Yearly variables, and the two monthly variables that return the yearly school grant (openfisca-notes.md).
    assert yearly == {"ars", "bourse_college", "bourse_lycee", "cheque_energie"}


@pytest.mark.parametrize("code", list(Benefit.values))
def test_each_catalogue_variable_exists_in_openfisca_with_the_period_asked(code, tbs):
    info = catalogue()[code]
    variable = tbs.variables[info.variable]
    assert variable.definition_period == info.period
    assert (variable.entity.key == "individu") == (info.variable in INDIVIDUAL_VARIABLES)
    assert (variable.entity.key == "menage") == (info.variable in MENAGE_VARIABLES)
    for received in info.received_variables:
        entity = tbs.variables[received].entity.key
        assert received in (PAST_BENEFITS_INDIVIDUAL if entity == "individu" else PAST_BENEFITS_FAMILY)
        assert (received in INDIVIDUAL_RECEIVED) == (entity == "individu")


def test_every_input_variable_exists_on_its_entity_and_accepts_a_year_for_its_months(tbs):
    from appui.rights.engine.inputs import AMOUNT

    expected = {"divide": AMOUNT, "dispatch": "state"}
    for variable, kind, _ in PERSON_MONTHLY:
        assert tbs.variables[variable].entity.key == "individu", variable
        assert expected[tbs.variables[variable].set_input.__name__.split("_")[2]] == kind, variable
    for variable, kind, _ in HOUSEHOLD_MONTHLY:
        assert tbs.variables[variable].entity.key == "menage", variable
        assert expected[tbs.variables[variable].set_input.__name__.split("_")[2]] == kind, variable
    for variable in PAST_BENEFITS_INDIVIDUAL:
        assert tbs.variables[variable].entity.key == "individu"
    for variable in PAST_BENEFITS_FAMILY:
        assert tbs.variables[variable].entity.key == "famille"
