"""Refused requests stay on record, although each request runs in a transaction that the refusal rolls back.

The attack: a member probing other structures' ids, or pages their role may not open, left no trace at all —
the 403 or 404 rolled back the request's transaction and every event written in it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent
from tests.people.factories import PersonFactory


def _refusals():
    return list(AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).order_by("id"))


@pytest.mark.django_db
def test_a_forbidden_page_leaves_a_refusal_that_survives_the_rollback_of_the_request(structure, member_of, client_for):
    dpo = member_of(structure, Role.DPO)
    person = PersonFactory(structure=structure)
    url = reverse("web:accompaniment_create", args=[person.pk])
    # The view journals the read of the person, then refuses the role: the request's transaction rolls back.
    assert client_for(dpo).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW).exists()  # rolled back with the request
    (refusal,) = _refusals()
    assert refusal.actor == dpo.user and refusal.structure == structure
    assert refusal.purpose == AuditPurpose.SECURITY
    assert refusal.detail == {"method": "GET", "path": url, "status": 403}


@pytest.mark.django_db
def test_probing_another_structures_ids_is_journaled_page_by_page(structure, other_structure, member_of, client_for):
    client = client_for(member_of(structure))
    foreign = [PersonFactory(structure=other_structure) for _ in range(3)]
    for person in foreign:
        assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 404
    assert [r.detail["path"] for r in _refusals()] == [reverse("web:person_detail", args=[p.pk]) for p in foreign]
    assert {r.detail["status"] for r in _refusals()} == {404}
    assert not AuditEvent.objects.filter(person_id__in=[p.pk for p in foreign]).exists()


@pytest.mark.django_db
def test_api_refusals_with_a_token_are_journaled_in_the_tokens_structure(structure, other_structure, member_of):
    member = member_of(structure, Role.ACCUEIL)
    _, raw = api_token_create(membership=member, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    foreign = PersonFactory(structure=other_structure)
    assert api.get(f"/api/v1/persons/{foreign.pk}/").status_code == 404
    assert api.post("/api/v1/rights/screenings/", {}, content_type="application/json").status_code == 403
    assert api.delete(f"/api/v1/persons/{foreign.pk}/").status_code in {404, 405}
    refusals = _refusals()
    assert [(r.detail["method"], r.detail["status"]) for r in refusals][:2] == [("GET", 404), ("POST", 403)]
    assert len(refusals) == 3
    assert {(r.actor_id, r.structure_id) for r in refusals} == {(member.user_id, structure.pk)}


@pytest.mark.django_db
def test_a_forged_cross_site_post_is_journaled(structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("web:person_create"), {"last_name": "X"}).status_code == 403
    (refusal,) = _refusals()
    assert refusal.detail["status"] == 403 and refusal.actor == member.user


@pytest.mark.django_db
def test_the_query_string_is_not_journaled(structure, other_structure, member_of, client_for):
    """A search may hold a person's name: only the path is kept."""
    foreign = PersonFactory(structure=other_structure)
    client_for(member_of(structure)).get(reverse("web:person_detail", args=[foreign.pk]), {"q": "Dupont"})
    assert "Dupont" not in str(_refusals()[0].detail)


@pytest.mark.django_db
def test_anonymous_requests_write_nothing(structure):
    person = PersonFactory(structure=structure)
    assert Client().get(reverse("web:person_detail", args=[person.pk])).status_code == 302
    assert Client(HTTP_AUTHORIZATION="Token faux").get("/api/v1/persons/").status_code == 401
    assert not AuditEvent.objects.exists()
