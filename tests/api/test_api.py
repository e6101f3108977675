import pytest
from django.test import Client

from appui.accounts.services import api_token_create
from appui.people.models import Person
from tests.people.factories import PersonFactory

PERSON = {
    "last_name": "Haddad",
    "first_name": "Samia",
    "birth_date": "1979-11-02",
    "commune_code": "59350",
    "informed_at": "2026-02-01",
    "obstacles": ["pas_internet"],
}


@pytest.fixture
def api(structure, member_of):
    _, raw = api_token_create(membership=member_of(structure), name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.mark.django_db
def test_create_read_and_update_a_person_through_the_api(api, structure):
    created = api.post("/api/v1/persons/", PERSON, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["file_number"] and body["obstacles"] == ["pas_internet"] and body["birth_year"] == 1979
    person = Person.objects.get(pk=body["id"])
    assert person.structure == structure
    patched = api.patch(
        f"/api/v1/persons/{person.pk}/",
        {"phone": "0600000000"},
        content_type="application/json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "0600000000"
    assert api.get(f"/api/v1/persons/{person.pk}/").json()["last_name"] == "Haddad"


@pytest.mark.django_db
def test_api_refuses_bad_input_whole_with_french_messages(api):
    response = api.post(
        "/api/v1/persons/", {**PERSON, "commune_code": "00000", "informed_at": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert "n'est pas un code commune INSEE connu" in errors["commune_code"][0]
    assert "informed_at" in errors
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_api_reports_a_probable_duplicate_with_409(api):
    api.post("/api/v1/persons/", PERSON, content_type="application/json")
    again = api.post("/api/v1/persons/", {**PERSON, "first_name": "SAMIA"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["duplicates"][0]["last_name"] == "Haddad"
    forced = api.post("/api/v1/persons/", {**PERSON, "allow_duplicate": True}, content_type="application/json")
    assert forced.status_code == 201


@pytest.mark.django_db
def test_search_and_pagination(api, structure):
    for index in range(55):
        PersonFactory(structure=structure, last_name=f"Garcia{index}")
    first = api.get("/api/v1/persons/", {"q": "garcia"}).json()
    assert first["count"] == 55 and len(first["results"]) == 50 and first["next"]
    assert api.get("/api/v1/persons/", {"q": "garcia", "page": 2}).json()["results"].__len__() == 5


@pytest.mark.django_db
def test_record_and_read_accompaniments(api, structure):
    person = PersonFactory(structure=structure)
    created = api.post(
        f"/api/v1/persons/{person.pk}/accompaniments/",
        {
            "date": "2026-03-03",
            "duration_minutes": 20,
            "place_kind": "a_distance",
            "remote_channel": "telephone",
            "themes": ["argent"],
            "mode": "information",
            "notes": "RAS",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = api.get(f"/api/v1/persons/{person.pk}/accompaniments/").json()
    assert listed["count"] == 1 and listed["results"][0]["notes"] == "RAS"
    detail = api.get(f"/api/v1/accompaniments/{created.json()['id']}/").json()
    assert detail["themes"] == ["argent"] and detail["participants"] == 1


@pytest.mark.django_db
def test_future_accompaniment_is_refused(api, structure):
    person = PersonFactory(structure=structure)
    response = api.post(
        f"/api/v1/persons/{person.pk}/accompaniments/",
        {
            "date": "2999-01-01",
            "duration_minutes": 20,
            "place_kind": "a_distance",
            "remote_channel": "telephone",
            "themes": ["argent"],
            "mode": "information",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "futur" in response.json()["date"][0]


@pytest.mark.django_db
def test_without_credentials_the_api_answers_401_or_403_never_a_redirect():
    assert Client().get("/api/v1/persons/").status_code in {401, 403}
    assert Client(HTTP_AUTHORIZATION="Token faux").get("/api/v1/persons/").status_code == 401


@pytest.mark.django_db
def test_openapi_document_describes_the_endpoints_and_the_token_scheme():
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/persons/",
        "/api/v1/persons/{person_pk}/",
        "/api/v1/persons/{person_pk}/accompaniments/",
        "/api/v1/accompaniments/{accompaniment_pk}/",
    } <= set(schema["paths"])
    assert "jetonApi" in schema["components"]["securitySchemes"]
