"""The geographic referential: EPCI membership, commune search, and reading what people type or files say."""

import pytest

from appui.core.communes import (
    epci_commune_codes,
    epci_of,
    find_commune,
    municipality_codes,
    resolve_commune,
    search_communes,
)


def test_every_current_commune_of_the_mainland_belongs_to_an_epci_and_arrondissements_follow_their_city():
    lyon_3e = epci_of("69383")
    assert lyon_3e is not None and lyon_3e.name == "Métropole de Lyon"
    assert epci_of("69266") == lyon_3e  # Villeurbanne
    assert "69383" in epci_commune_codes(lyon_3e)  # arrondissements are searched with their city
    assert set(municipality_codes("69123")) >= {"69123", "69381", "69389"}
    assert epci_of("29155") is None  # Ouessant, an island commune outside any EPCI


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [
        ("vill", "Villeurbanne"),
        ("VILLEURB", "Villeurbanne"),
        ("st etienne", "Saint-Étienne"),
        ("etienne", "Saint-Étienne"),
    ],
)
def test_search_finds_a_name_prefix_without_accents_or_case_most_populated_first(typed, expected_first):
    assert search_communes(typed)[0].name == expected_first


def test_search_by_postal_code_prefix_lists_the_communes_it_serves():
    found = search_communes("6910")
    assert [c.name for c in found][:1] == ["Villeurbanne"]
    assert all(any(code.startswith("6910") for code in c.postal_codes) for c in found)


def test_resolve_reads_a_name_a_postal_code_or_a_suggestion_label_and_lists_homonyms():
    assert resolve_commune("Villeurbanne (69) · 69100")[0].code == "69266"
    assert resolve_commune("69100")[0].code == "69266"  # a postal code, not the INSEE code of Irigny
    assert resolve_commune("2A004")[0].name == "Ajaccio"
    commune, candidates = resolve_commune("Saint-Denis")
    assert commune is None and {c.departement for c in candidates} >= {"93", "974"}
    assert resolve_commune("Saint-Denis (93)")[0].code == "93066"


@pytest.mark.parametrize(
    ("name", "postal_code", "expected"),
    [
        ("MARTIGUES", "13500", "13056"),
        ("Lyon 3e", "69003", "69383"),
        ("7e Arrondissement", "13007", "13207"),
        ("AIX EN PROVENCE CEDEX 1", "13090", "13001"),
        ("Grasse", "06100", "06069"),  # postal code of Nice: the name wins within the département
        ("MONTFAVET", "84140", "84007"),  # a district of Avignon, the only commune of the postal code
        ("TOURETTES-SUR-LOUP", "06140", "06148"),  # a typing slip
        ("Belleville-en-Beaujolais", "06922", "69019"),  # a wrong postal code, a unique name
    ],
)
def test_find_commune_repairs_the_commune_of_real_published_addresses(name, postal_code, expected):
    found = find_commune(name=name, postal_code=postal_code)
    assert found is not None and found.code == expected


def test_find_commune_refuses_to_guess_between_several_communes():
    assert find_commune(name="VALBERG", postal_code="06470") is None
