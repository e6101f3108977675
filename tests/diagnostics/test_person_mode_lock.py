"""The person mode's locked session: the person holding the device reaches the questions and the lock page only."""

import time

import pytest
from django.test import override_settings
from django.urls import get_resolver, reverse

from appui.accounts.enums import Role
from appui.web.person_mode import SESSION_KEY
from tests.accounts.factories import PASSWORD
from tests.people.factories import PersonFactory
from tests.security.test_isolation_matrix import _url, _walk

LOCK = "/mode-personne/verrou/"


def _locked_client(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    person = PersonFactory(structure=structure)
    other = PersonFactory(structure=structure)
    client = client_for(member)
    assert client.get(reverse("web:diagnostic_person_mode", args=[person.pk])).status_code == 200
    return client, person, other


@pytest.mark.django_db
def test_from_the_person_mode_no_staff_url_answers_anything_but_the_lock_page(structure, member_of, client_for):
    client, person, other = _locked_client(structure, member_of, client_for)
    mode = reverse("web:diagnostic_person_mode", args=[person.pk])
    probed = 0
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        url = _url(route, {name: other.pk for name in pattern.pattern.converters})
        if url in {LOCK, mode}:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            probed += 1
            if url.startswith("/api/"):
                assert response.status_code == 423, (method, url, response.status_code)
            else:
                assert response.status_code == 302 and response["Location"] == LOCK, (method, url, response.status_code)
    assert probed > 150
    # The questions stay open; the page shows no menu, no structure, no way out but the worker's password.
    page = client.get(mode).content.decode()
    assert "Commencer" in page and 'id="menu-principal"' not in page and "Se déconnecter" not in page
    assert structure.name not in page


@pytest.mark.django_db
def test_the_worker_password_unlocks_and_five_wrong_ones_end_the_session(structure, member_of, client_for):
    client, person, _ = _locked_client(structure, member_of, client_for)
    wrong = client.post(LOCK, {"password": "au-hasard"})
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.content.decode()
    assert client.get("/").status_code == 302  # still locked
    assert client.post(LOCK, {"password": PASSWORD}).status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 200  # the worker's session is back

    client, person, _ = _locked_client(structure, member_of, client_for)
    for _ in range(5):
        client.post(LOCK, {"password": "au-hasard"})
    assert "_auth_user_id" not in client.session  # logged out
    assert client.get("/")["Location"].startswith("/connexion/")


@pytest.mark.django_db
@override_settings(APPUI_PERSON_MODE_IDLE_SECONDS=60)
def test_the_questions_lock_after_a_while_without_an_answer(structure, member_of, client_for):
    client, person, _ = _locked_client(structure, member_of, client_for)
    mode = reverse("web:diagnostic_person_mode", args=[person.pk])
    session = client.session
    state = session[SESSION_KEY]
    state["seen"] = time.time() - 61
    session[SESSION_KEY] = state
    session.save()
    assert client.get(mode)["Location"] == LOCK
    assert "Appareil verrouillé" in client.get(LOCK).content.decode()
    # Unlocked, the worker comes back to the questions where the person left them.
    assert client.post(LOCK, {"password": PASSWORD})["Location"] == mode
