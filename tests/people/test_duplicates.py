"""Probable duplicates at creation: same birth date, similar names (trigram similarity of the folded names).

The worker sees the candidates they may see, keeps everything typed, and opens the existing record or confirms.
"""

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appui.accounts.services import api_token_create
from appui.audit.models import AuditEvent
from appui.people.models import Person
from tests.people.factories import PersonFactory

BORN = datetime.date(1990, 3, 4)
FORM = {
    "last_name": "LEFEBVRE",
    "first_name": "Sarah",
    "birth_date": BORN.isoformat(),
    "phone": "06 11 22 33 44",
    "email": "sarah.l@exemple.fr",
    "address": "12 rue des Lilas",
    "postal_code": "69100",
    "commune_code": "69266",
    "informed_at": "2026-01-10",
    "housing_status": "locataire_prive",
    "obstacles": ["pas_email", "lecture_ecriture"],
    "languages": ["fr", "wo"],
    "situation_details": "Hébergée chez sa sœur depuis mars.",
}


def _text(response):
    return html.unescape(response.content.decode())


def _candidates(page):
    block = re.search(r'<div class="fr-alert fr-alert--warning[^"]*" id="doublons-probables".*?</div>', page, re.S)
    return re.findall(r'href="/personnes/(\d+)/"', block.group(0)) if block else []


@pytest.fixture
def sara(structure):
    return PersonFactory(structure=structure, last_name="Lefebvre", first_name="Sara", birth_date=BORN, birth_year=1990)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_name", "first_name", "birth_date"),
    [
        ("LEFEBVRE", "Sarah", BORN),  # one letter more
        ("Lefebre", "Sara", BORN),  # one letter less
        ("Sara", "Lefebvre", BORN),  # first and last names swapped
        ("lefebvre", "SARA", datetime.date(1990, 4, 3)),  # day and month swapped
    ],
)
def test_a_near_duplicate_is_announced_with_the_candidate_the_worker_may_open(
    last_name, first_name, birth_date, sara, structure, member_of, client_for
):
    client = client_for(member_of(structure))
    form = {**FORM, "last_name": last_name, "first_name": first_name, "birth_date": birth_date.isoformat()}
    page = _text(client.post(reverse("web:person_create"), form))
    assert "Cette personne a peut-être déjà une fiche" in page
    assert _candidates(page) == [str(sara.pk)]
    assert f'href="/personnes/{sara.pk}/" target="_blank" rel="noopener"' in page  # opens beside the form
    assert Person.objects.count() == 1
    assert client.get(reverse("web:person_detail", args=[sara.pk])).status_code == 200


@pytest.mark.django_db
def test_nothing_typed_is_lost_and_confirming_creates_the_record(sara, structure, member_of, client_for):
    client = client_for(member_of(structure))
    page = _text(client.post(reverse("web:person_create"), FORM))
    for value in ("LEFEBVRE", "Sarah", "06 11 22 33 44", "sarah.l@exemple.fr", "12 rue des Lilas", "69100", "69266"):
        assert f'value="{value}"' in page, value
    assert "Hébergée chez sa sœur depuis mars." in page
    for code in ("pas_email", "lecture_ecriture", "wo"):
        assert re.search(rf'value="{code}"[^>]*checked', page), code
    assert re.search(r'<option value="locataire_prive" selected', page)
    assert "Ce n'est pas la même personne : créer la fiche" in page
    hidden = re.search(r'name="confirmed_duplicates" value="([\d,]+)"', page).group(1)
    response = client.post(reverse("web:person_create"), {**FORM, "confirmed_duplicates": hidden})
    created = Person.objects.exclude(pk=sara.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("web:person_detail", args=[created.pk])
    assert created.first_name == "Sarah" and created.obstacles == ["pas_email", "lecture_ecriture"]
    event = AuditEvent.objects.get(action="person.create", person_id=created.pk)
    assert event.detail == {"possible_duplicates": [sara.pk]}


@pytest.mark.django_db
def test_a_confirmation_covers_only_the_candidates_that_were_shown(sara, structure, member_of, client_for):
    other = PersonFactory(structure=structure, last_name="Kouassi", first_name="Aya", birth_date=BORN)
    client = client_for(member_of(structure))
    # The worker saw Sara LEFEBVRE, set her aside, then changed the name to one close to another record.
    form = {**FORM, "last_name": "Kouasi", "first_name": "Aya", "confirmed_duplicates": str(sara.pk)}
    page = _text(client.post(reverse("web:person_create"), form))
    assert _candidates(page) == [str(other.pk)]
    assert Person.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_name", "first_name", "birth_date"),
    [
        ("Lefebvre", "Lina", BORN),  # a twin sister
        ("Lefebvre", "Sara", datetime.date(1991, 3, 4)),  # another birth date
        ("Dupont", "Sara", BORN),  # another family name
    ],
)
def test_a_different_person_is_created_without_a_warning(
    last_name, first_name, birth_date, sara, structure, member_of, client_for
):
    client = client_for(member_of(structure))
    form = {**FORM, "last_name": last_name, "first_name": first_name, "birth_date": birth_date.isoformat()}
    assert client.post(reverse("web:person_create"), form).status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_a_birth_year_alone_is_compared_with_the_persons_born_that_year(sara, structure, member_of, client_for):
    client = client_for(member_of(structure))
    page = _text(client.post(reverse("web:person_create"), {**FORM, "birth_date": "", "birth_year": "1990"}))
    assert _candidates(page) == [str(sara.pk)]


@pytest.mark.django_db
def test_an_archived_record_is_never_shown_to_the_worker(sara, structure, member_of, client_for):
    """Only the DPO reads archived records: the warning must not reveal one (the record is created)."""
    Person.objects.filter(pk=sara.pk).update(archived_at=timezone.now())
    response = client_for(member_of(structure)).post(reverse("web:person_create"), {**FORM, "first_name": "Sara"})
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Sara").count() == 2


@pytest.mark.django_db
def test_a_record_of_another_structure_is_never_a_candidate(sara, other_structure, member_of, client_for):
    response = client_for(member_of(other_structure)).post(reverse("web:person_create"), FORM)
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_anonymised_record_is_never_a_candidate(sara, structure, member_of, client_for):
    from appui.people.retention import person_anonymise

    person_anonymise(person=sara, now=timezone.now())
    assert client_for(member_of(structure)).post(reverse("web:person_create"), FORM).status_code == 302


# --- Unicode: look-alike letters and invisible characters cannot hide a duplicate ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_name", "first_name"),
    [
        ("КОUАЅЅІ", "Ауа"),  # Cyrillic К О А Ѕ І а у
        ("ΚΟUΑSSΙ", "ΑYΑ"),  # Greek capitals
        ("K\u200bo\u200bu\u200ba\u200bs\u200bs\u200bi", "A\u200dy\u200da"),  # zero-width space and joiner
        ("Ｋｏｕａｓｓｉ", "Ａｙａ"),  # full width
        ("𝐊𝐨𝐮𝐚𝐬𝐬𝐢", "𝐀𝐲𝐚"),  # mathematical bold
    ],
)
def test_look_alike_letters_and_invisible_characters_do_not_hide_a_duplicate(
    last_name, first_name, structure, member_of, client_for
):
    existing = PersonFactory(structure=structure, last_name="Kouassi", first_name="Aya", birth_date=BORN)
    client = client_for(member_of(structure))
    form = {**FORM, "last_name": last_name, "first_name": first_name}
    page = _text(client.post(reverse("web:person_create"), form))
    assert _candidates(page) == [str(existing.pk)]
    assert Person.objects.count() == 1


# --- API -----------------------------------------------------------------------------------------------------


@pytest.fixture
def api(structure, member_of):
    _, raw = api_token_create(membership=member_of(structure), name="tests")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


API_PERSON = {
    "last_name": "LEFEBVRE",
    "first_name": "Sarah",
    "birth_date": BORN.isoformat(),
    "informed_at": "2026-01-10",
}


@pytest.mark.django_db
def test_the_api_answers_409_with_the_candidates_then_creates_once_they_are_confirmed(sara, api):
    stopped = api.post("/api/v1/persons/", API_PERSON, content_type="application/json")
    assert stopped.status_code == 409
    body = stopped.json()
    assert [d["id"] for d in body["duplicates"]] == [sara.pk] and body["duplicates"][0]["first_name"] == "Sara"
    confirmed = api.post(
        "/api/v1/persons/", {**API_PERSON, "confirmed_duplicates": [sara.pk]}, content_type="application/json"
    )
    assert confirmed.status_code == 201
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_the_api_never_lists_an_archived_candidate(sara, api):
    Person.objects.filter(pk=sara.pk).update(archived_at=timezone.now())
    response = api.post("/api/v1/persons/", {**API_PERSON, "first_name": "Sara"}, content_type="application/json")
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_the_openapi_document_describes_the_409_and_the_approximate_search(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/api/v1/persons/"]["post"]["responses"]
    assert "409" in create
    listing = schema["paths"]["/api/v1/persons/"]["get"]["responses"]["200"]["content"]["application/json"]
    ref = listing["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"count", "next", "previous", "approximate", "results"} <= set(
        schema["components"]["schemas"][ref]["properties"]
    )


@pytest.mark.django_db
def test_the_api_search_says_when_the_names_are_only_similar(sara, api):
    exact = api.get("/api/v1/persons/", {"q": "lefebvre"}).json()
    assert exact["approximate"] is False and [r["id"] for r in exact["results"]] == [sara.pk]
    typo = api.get("/api/v1/persons/", {"q": "lefbvre"}).json()
    assert typo["approximate"] is True and [r["id"] for r in typo["results"]] == [sara.pk]
    by_phone = api.get("/api/v1/persons/", {"q": "+33 6 00 00 00 00"}).json()
    assert by_phone["count"] == 0
