import datetime
import re

import pytest
from django.urls import reverse

from tests.people.factories import PersonFactory


@pytest.fixture
def people(structure, other_structure):
    return {
        "helene": PersonFactory(
            structure=structure,
            last_name="Lefèvre",
            first_name="Hélène",
            birth_date=datetime.date(1962, 4, 1),
            birth_year=1962,
            file_number="2026-00042",
        ),
        "francois": PersonFactory(
            structure=structure,
            last_name="François",
            first_name="Jean-Luc",
            birth_date=datetime.date(1975, 1, 9),
            birth_year=1975,
        ),
        "lefebvre": PersonFactory(
            structure=structure,
            last_name="Lefebvre",
            first_name="Hugo",
            birth_date=datetime.date(1962, 8, 8),
            birth_year=1962,
        ),
        "foreign": PersonFactory(structure=other_structure, last_name="Lefèvre", first_name="Hélène", birth_year=1962),
    }


def _names(client, query, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse("web:person_list"), {"q": query}, **headers)
    assert response.status_code == 200
    return set(re.findall(r'href="/personnes/(\d+)/"', response.content.decode()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lefevre", {"helene"}),
        ("LEFÈVRE", {"helene"}),
        ("helene", {"helene"}),
        ("hélène lefèvre", {"helene"}),
        ("lef", {"helene", "lefebvre"}),
        ("1962", {"helene", "lefebvre"}),
        ("lef 1962", {"helene", "lefebvre"}),
        ("hugo 1962", {"lefebvre"}),
        ("2026-00042", {"helene"}),
        ("2026-42", {"helene"}),
        ("jean luc", {"francois"}),
        ("francois", {"francois"}),
        ("zzz", set()),
    ],
)
def test_search_ignores_accents_and_case_and_knows_years_and_file_numbers(
    query, expected, people, structure, member_of, client_for
):
    client = client_for(member_of(structure))
    assert _names(client, query) == {str(people[key].pk) for key in expected}


@pytest.mark.django_db
def test_search_never_shows_another_structure(people, other_structure, member_of, client_for):
    client = client_for(member_of(other_structure))
    assert _names(client, "lefevre") == {str(people["foreign"].pk)}


def inner_html_of(page: str, element_id: str) -> str:
    """Return the inner HTML of the <div> with this id, tracking nested divs."""
    opening = re.search(rf'<div id="{element_id}"[^>]*>', page)
    assert opening, element_id
    depth, position = 1, opening.end()
    for tag in re.finditer(r"<(/?)div\b[^>]*>", page[position:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page[position : position + tag.start()]
    raise AssertionError("unbalanced <div>")


@pytest.mark.django_db
def test_htmx_fragment_swapped_into_the_page_equals_a_fresh_full_render(people, structure, member_of, client_for):
    client = client_for(member_of(structure))
    first = client.get(reverse("web:person_list"), {"q": "hugo"}).content.decode()
    fragment = client.get(reverse("web:person_list"), {"q": "lef"}, HTTP_HX_REQUEST="true").content.decode()
    fresh = client.get(reverse("web:person_list"), {"q": "lef"}).content.decode()
    assert "<html" not in fragment
    old_inner = inner_html_of(first, "resultats")
    swapped = first.replace(old_inner, fragment, 1)
    squash = lambda text: re.sub(r"\s+", " ", text).strip()  # noqa: E731
    assert squash(inner_html_of(swapped, "resultats")) == squash(inner_html_of(fresh, "resultats"))
    assert str(people["lefebvre"].pk) in fragment


@pytest.mark.django_db
def test_results_are_paginated(structure, member_of, client_for):
    for index in range(45):
        PersonFactory(structure=structure, last_name=f"Martin{index:02d}")
    client = client_for(member_of(structure))
    page1 = client.get(reverse("web:person_list"), {"q": "martin"}).content.decode()
    page3 = client.get(reverse("web:person_list"), {"q": "martin", "page": 3}).content.decode()
    assert "45 résultats" in page1 and "1 / 3" in page1
    assert len(re.findall(r'href="/personnes/\d+/"', page3)) == 5
