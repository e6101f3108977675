import datetime
import html
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


# --- Typos, phone numbers, e-mail addresses, look-alike letters ----------------------------------------------


def _page(client, query, **params):
    response = client.get(reverse("web:person_list"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def _found(page):
    return re.findall(r'href="/personnes/(\d+)/"', page)


@pytest.fixture
def typed(structure):
    """Names with accents and doubled letters, and one of each kind of contact."""
    return {
        "lefevre": PersonFactory(structure=structure, last_name="LEFÈVRE", first_name="Hélène"),
        "kouassi": PersonFactory(structure=structure, last_name="KOUASSI", first_name="Aya", phone="+33 6 12 34 56 78"),
        "lefebvre": PersonFactory(structure=structure, last_name="Lefebvre", first_name="Hugo"),
        "nguyen": PersonFactory(
            structure=structure, last_name="Nguyen", first_name="Théo", email="Theo.Nguyen@Exemple.fr"
        ),
        "leila": PersonFactory(structure=structure, last_name="Лейла", first_name="Amina"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "best"),
    [("Lefvre", "lefevre"), ("Kouasi", "kouassi"), ("KOUASI aya", "kouassi"), ("lefebre hugo", "lefebvre")],
)
def test_a_typo_finds_the_name_most_similar_first_and_says_so(query, best, typed, structure, member_of, client_for):
    page = _page(client_for(member_of(structure)), query)
    assert _found(page)[0] == str(typed[best].pk)
    assert "Aucun nom ne correspond exactement" in html.unescape(page)


@pytest.mark.django_db
def test_an_exact_name_shows_exact_matches_only(typed, structure, member_of, client_for):
    page = _page(client_for(member_of(structure)), "lefevre")
    assert _found(page) == [str(typed["lefevre"].pk)]  # not LEFEBVRE, though similar
    assert "Aucun nom ne correspond exactement" not in html.unescape(page)


@pytest.mark.django_db
def test_unrelated_words_find_nothing_even_approximately(typed, structure, member_of, client_for):
    assert _found(_page(client_for(member_of(structure)), "zzyzx wqwq")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033612345678",
        "06 12 34",
    ],
)
def test_a_phone_number_in_any_writing_finds_the_person(query, typed, structure, member_of, client_for):
    assert _found(_page(client_for(member_of(structure)), query)) == [str(typed["kouassi"].pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["theo.nguyen@exemple.fr", "THEO.NGUYEN@EXEMPLE.FR", "theo.nguyen@", "theo.nguyen@ex"]
)
def test_an_email_address_or_its_beginning_finds_the_person(query, typed, structure, member_of, client_for):
    assert _found(_page(client_for(member_of(structure)), query)) == [str(typed["nguyen"].pk)]


@pytest.mark.django_db
def test_names_typed_with_look_alike_letters_are_found_and_find_the_plain_name(structure, member_of, client_for):
    disguised = PersonFactory(structure=structure, last_name="Dupоnt", first_name="Marc")  # Cyrillic о
    plain = PersonFactory(structure=structure, last_name="Martin", first_name="Zoé")
    client = client_for(member_of(structure))
    assert _found(_page(client, "dupont")) == [str(disguised.pk)]
    assert _found(_page(client, "Mаrtin")) == [str(plain.pk)]  # Cyrillic а in the query
    assert _found(_page(client, "mar\u200btin")) == [str(plain.pk)]  # zero-width space in the query


@pytest.mark.django_db
def test_names_in_other_scripts_are_found(typed, structure, member_of, client_for):
    client = client_for(member_of(structure))
    assert _found(_page(client, "лейла")) == [str(typed["leila"].pk)]
    assert _found(_page(client, "ЛЕЙ")) == [str(typed["leila"].pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["KOUASSI", "Kouasi", "06 12 34 56 78", "theo.nguyen@exemple.fr", "Nguyen"])
def test_no_search_path_reaches_another_structure(query, typed, other_structure, member_of, client_for):
    PersonFactory(structure=other_structure, last_name="Dupont")
    assert _found(_page(client_for(member_of(other_structure)), query)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["KOUASSI", "Kouasi", "06 12 34 56 78", "+33612345678"])
def test_an_archived_person_is_found_by_the_dpo_only(query, typed, structure, member_of, client_for):
    from django.utils import timezone

    from appui.accounts.enums import Role
    from appui.people.models import Person

    Person.objects.filter(pk=typed["kouassi"].pk).update(archived_at=timezone.now())
    assert _found(_page(client_for(member_of(structure)), query)) == []
    assert _found(_page(client_for(member_of(structure, Role.DPO)), query)) == [str(typed["kouassi"].pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["KOUASSI", "Kouasi", "aya", "06 12 34 56 78", "theo.nguyen@exemple.fr", "Nguyen"])
def test_an_anonymised_person_is_found_by_nothing_and_its_search_index_is_erased(
    query, typed, structure, member_of, client_for
):
    from django.utils import timezone

    from appui.accounts.enums import Role
    from appui.people.models import Person, PersonSearchToken
    from appui.people.retention import person_anonymise

    for key in ("kouassi", "nguyen"):
        person_anonymise(person=typed[key], now=timezone.now())
    for key in ("kouassi", "nguyen"):
        row = Person.objects.values("search_text", "search_phone", "search_email").get(pk=typed[key].pk)
        assert row == {"search_text": "", "search_phone": "", "search_email": ""}
        assert not PersonSearchToken.objects.filter(person_id=typed[key].pk).exists()
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.DPO):
        assert _found(_page(client_for(member_of(structure, role)), query)) == []


@pytest.mark.django_db
def test_a_search_is_one_count_and_one_page_query_without_lists_of_ids(structure, member_of):
    """The matching ids never travel through Python: the count and the page are each one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appui.people.access import persons_visible_by
    from appui.people.selectors import person_search

    member = member_of(structure)
    for index in range(30):
        PersonFactory(
            structure=structure, last_name="Lefèvre", first_name=f"Hélène{index}", phone=f"06 12 34 56 {index:02d}"
        )
    for query, queries in [("lefevre", 2), ("helene lefevre 1980", 2), ("06 12 34", 2), ("lefvre", 3)]:
        with CaptureQueriesContext(connection) as captured:
            result = person_search(persons_visible_by(member).named(), query, structure_id=structure.pk)
            page = list(result[0:20])
        assert len(captured.captured_queries) == queries, (query, [q["sql"] for q in captured.captured_queries])
        for sql in (q["sql"] for q in captured.captured_queries):
            assert not re.search(r"IN \((%s|\d+), (%s|\d+)", sql), sql
        assert query == "helene lefevre 1980" or len(page) == 20


@pytest.mark.django_db
def test_trigram_indexes_exist_on_postgresql_and_serve_every_search(structure):
    """Migration 0007 creates pg_trgm GIN indexes on PostgreSQL, and nothing on SQLite."""
    from django.db import connection

    from appui.people.models import Person
    from appui.people.selectors import person_search

    names = {"person_search_text_trgm", "person_search_phone_trgm", "person_search_email_trgm"}
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            assert not names & {row[0] for row in cursor.fetchall()}
            return
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person'")
        indexes = dict(cursor.fetchall())
    assert names <= set(indexes) and all("gin_trgm_ops" in indexes[name] for name in names)
    PersonFactory(structure=structure, last_name="Lefèvre", phone="0612345678", email="a@b.fr")
    for query, index in [
        ("lef", "person_search_text_trgm"),
        ("l", "person_search_text_trgm"),
        ("lefvre", "person_search_text_trgm"),
        ("06 12 34", "person_search_phone_trgm"),
        ("a@b", "person_search_email_trgm"),
    ]:
        # The search conditions alone (the structure's B-tree indexes would do as well on a table this small).
        result = person_search(Person.objects.all(), query, structure_id=structure.pk)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index can serve
            sql, params = result.persons.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, (query, plan)


@pytest.mark.django_db
def test_a_changed_name_phone_or_email_is_searched_at_once(structure, member_of, client_for):
    from appui.people.services import person_update

    member = member_of(structure)
    person = PersonFactory(structure=structure, last_name="Diallo", phone="06 11 11 11 11", email="a.diallo@ex.fr")
    person_update(
        membership=member,
        person=person,
        fields={"last_name": "Traoré", "phone": "+33 7 22 22 22 22", "email": "Awa.Traore@Ex.fr"},
        expected_version=person.version,
    )
    client = client_for(member)
    for query in ("traore", "07 22 22 22 22", "awa.traore@ex.fr"):
        assert _found(_page(client, query)) == [str(person.pk)], query
    for query in ("diallo", "06 11 11 11 11", "a.diallo@ex.fr"):
        assert _found(_page(client, query)) == [], query
