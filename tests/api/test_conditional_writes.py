"""ETag on reads, If-Match required on writes: a client writing from a stale read gets 412 and writes nothing."""

import pytest
from django.test import Client

from appui.accompaniments.models import Accompaniment
from appui.accounts.services import api_token_create
from appui.people.models import Person
from tests.accompaniments.factories import AccompanimentFactory
from tests.people.factories import PersonFactory


def _api(membership) -> Client:
    _, raw = api_token_create(membership=membership, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


def _patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_person_read_with_its_etag_is_written_once_then_the_old_etag_is_refused(structure, member_of):
    person = PersonFactory(structure=structure, phone="0102030405")
    alice, bruno = _api(member_of(structure)), _api(member_of(structure))
    url = f"/api/v1/persons/{person.pk}/"
    read_alice, read_bruno = alice.get(url), bruno.get(url)
    assert read_alice["ETag"] == read_bruno["ETag"] == '"1"' and read_alice.json()["version"] == 1

    written = _patch(alice, url, {"phone": "0611111111"}, HTTP_IF_MATCH=read_alice["ETag"])
    assert written.status_code == 200
    assert written["ETag"] == '"2"' and written.json()["version"] == 2

    stale = _patch(bruno, url, {"phone": "0722222222"}, HTTP_IF_MATCH=read_bruno["ETag"])
    assert stale.status_code == 412
    assert stale.json()["version"] == 2 and "rien n'a été enregistré" in stale.json()["detail"]
    assert stale["ETag"] == '"2"'
    person.refresh_from_db()
    assert (person.phone, person.version) == ("0611111111", 2)

    # Read again, write again: accepted.
    again = _patch(bruno, url, {"phone": "0722222222"}, HTTP_IF_MATCH=bruno.get(url)["ETag"])
    assert again.status_code == 200 and again["ETag"] == '"3"'


@pytest.mark.django_db
def test_a_write_without_if_match_is_refused_with_428(structure, member_of):
    person = PersonFactory(structure=structure, phone="0102030405")
    client = _api(member_of(structure))
    for headers in ({}, {"HTTP_IF_MATCH": "*"}, {"HTTP_IF_MATCH": ""}):
        response = _patch(client, f"/api/v1/persons/{person.pk}/", {"phone": "0611111111"}, **headers)
        assert response.status_code == 428, headers
        assert "If-Match est obligatoire" in response.json()["detail"]
    assert Person.objects.get(pk=person.pk).phone == "0102030405"


@pytest.mark.django_db
def test_if_match_reads_lists_and_weakened_tags_and_refuses_garbage(structure, member_of):
    person = PersonFactory(structure=structure)
    client = _api(member_of(structure))
    url = f"/api/v1/persons/{person.pk}/"
    assert _patch(client, url, {"phone": "0611111111"}, HTTP_IF_MATCH='"7", W/"1"').status_code == 200
    for garbage in ('"abc"', "2", '"²"', "W/", '"-1"'):
        assert _patch(client, url, {"phone": "0722222222"}, HTTP_IF_MATCH=garbage).status_code == 412, garbage
    assert Person.objects.get(pk=person.pk).phone == "0611111111"


@pytest.mark.django_db
def test_an_accompaniment_patched_with_an_old_etag_is_refused_and_unchanged(structure, member_of):
    author = member_of(structure)
    accompaniment = AccompanimentFactory(person=PersonFactory(structure=structure), author=author.user)
    tab1, tab2 = _api(author), _api(author)
    url = f"/api/v1/accompaniments/{accompaniment.pk}/"
    etag1, etag2 = tab1.get(url)["ETag"], tab2.get(url)["ETag"]

    written = _patch(tab1, url, {"duration_minutes": 45}, HTTP_IF_MATCH=etag1)
    assert written.status_code == 200 and written["ETag"] == '"2"'
    stale = _patch(tab2, url, {"duration_minutes": 60}, HTTP_IF_MATCH=etag2)
    assert stale.status_code == 412 and stale.json()["version"] == 2
    assert _patch(tab2, url, {"duration_minutes": 60}).status_code == 428
    assert Accompaniment.objects.get(pk=accompaniment.pk).duration_minutes == 45


@pytest.mark.django_db
def test_who_may_not_write_gets_403_before_any_precondition(structure, member_of):
    author = member_of(structure)
    accompaniment = AccompanimentFactory(person=PersonFactory(structure=structure), author=author.user)
    colleague = _api(member_of(structure))
    response = _patch(colleague, f"/api/v1/accompaniments/{accompaniment.pk}/", {"duration_minutes": 5})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_openapi_document_declares_etag_if_match_412_and_428():
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/persons/{person_pk}/", "/api/v1/accompaniments/{accompaniment_pk}/"):
        patch = schema["paths"][path]["patch"]
        if_match = [p for p in patch["parameters"] if p["name"] == "If-Match"]
        assert if_match and if_match[0]["in"] == "header" and if_match[0]["required"] is True
        assert {"412", "428"} <= set(patch["responses"])
        assert "ETag" in patch["responses"]["200"]["headers"]
        assert "ETag" in schema["paths"][path]["get"]["responses"]["200"]["headers"]
