"""Directory and referral API: search places, create, read and follow referrals, answer received ones."""

import pytest
from django.test import Client

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.orientations.models import Referral
from tests.people.factories import PersonFactory
from tests.places.factories import OwnPlaceFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def api_client(membership):
    _, raw = api_token_create(membership=membership, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


def test_search_places_widens_from_the_commune_and_paginates(structure, member_of):
    PlaceFactory(name="Espace A", commune_code="69266", latitude=45.77, longitude=4.88)
    PlaceFactory(name="Espace C", commune_code="69383", postal_code="69003")
    api = api_client(member_of(structure))
    body = api.get("/api/v1/places/", {"commune": "Vaulx-en-Velin"}).json()
    assert (body["scope"], body["widened"], body["count"]) == ("epci", True, 2)
    assert {r["name"] for r in body["results"]} == {"Espace A", "Espace C"}
    assert {r["ring"] for r in body["results"]} == {"epci"}
    by_code = api.get("/api/v1/places/", {"commune": "69266", "services": ["aide-demarches-administratives"]}).json()
    assert [r["name"] for r in by_code["results"]] == ["Espace A"] and by_code["next"] is None
    refused = api.get("/api/v1/places/", {"commune": "Saint-Denis"})
    assert refused.status_code == 400 and "Saint-Denis (93)" in refused.json()["commune"][0]
    assert api.get("/api/v1/places/", {"services": ["cuisine"]}).status_code == 400


def test_a_place_and_its_services(structure, other_structure, member_of):
    place = OwnPlaceFactory(structure=other_structure)
    hidden = OwnPlaceFactory(structure=other_structure, is_published=False)
    api = api_client(member_of(structure))
    body = api.get(f"/api/v1/places/{place.pk}/").json()
    assert body["uses_appui"] is True and body["offered_services"] == []
    assert api.get(f"/api/v1/places/{hidden.pk}/").status_code == 404


def test_create_read_and_follow_a_referral_then_the_receiver_answers(structure, other_structure, member_of):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure, phone="0611223344")
    place = OwnPlaceFactory(structure=other_structure)
    api = api_client(worker)
    missing_consent = api.post(
        "/api/v1/referrals/", {"person_id": person.pk, "place_id": place.pk}, content_type="application/json"
    )
    assert missing_consent.status_code == 400 and "consent_mode" in missing_consent.json()
    created = api.post(
        "/api/v1/referrals/",
        {
            "person_id": person.pk,
            "place_id": place.pk,
            "consent_mode": "oral",
            "shared_fields": ["identite", "motif"],
            "reason": "Atelier e-mail.",
            "follow_up_on": None,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    referral_id = created.json()["id"]
    assert created.json()["target_structure"] == other_structure.name
    assert created.json()["shared_data"]["motif"] == "Atelier e-mail."
    assert api.get("/api/v1/referrals/", {"status": "nouvelle"}).json()["count"] == 1
    refused = api.patch(f"/api/v1/referrals/{referral_id}/", {"status": "acceptee"}, content_type="application/json")
    assert refused.status_code == 400  # the receiving structure answers itself
    receiver = api_client(member_of(other_structure, Role.MEDIATEUR))
    inbox = receiver.get("/api/v1/referrals/received/").json()
    assert inbox["count"] == 1 and set(inbox["results"][0]["shared_data"]) == {"identite", "motif"}
    assert "0611223344" not in str(inbox)
    assert receiver.get(f"/api/v1/referrals/{referral_id}/").status_code == 404
    answered = receiver.patch(
        f"/api/v1/referrals/received/{referral_id}/",
        {"status": "acceptee", "response_message": "Rendez-vous mardi."},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "acceptee"
    assert api.get(f"/api/v1/referrals/{referral_id}/").json()["response_message"] == "Rendez-vous mardi."
    assert api_client(member_of(other_structure)).get(f"/api/v1/referrals/received/{referral_id}/").status_code == 200
    assert Referral.objects.get().answered_by is not None


def test_api_referrals_of_another_structure_answer_404(structure, other_structure, member_of):
    person = PersonFactory(structure=other_structure)
    api = api_client(member_of(structure))
    response = api.post(
        "/api/v1/referrals/",
        {"person_id": person.pk, "place_id": PlaceFactory().pk, "consent_mode": "oral"},
        content_type="application/json",
    )
    assert response.status_code == 404
