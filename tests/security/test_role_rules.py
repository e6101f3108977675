"""What each role may read: the same rules in the web pages and in the API."""

import html

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from tests.accompaniments.factories import AccompanimentFactory
from tests.people.factories import PersonFactory

SITUATION_SECRET = "Situation détaillée confidentielle"
NOTE_SECRET = "Note de suivi confidentielle"
OUTCOME_SECRET = "Résultat confidentiel"
PRIVATE_SECRET = "Note privée de l'auteur"


@pytest.fixture
def record(structure, member_of):
    author = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure, phone="06 11 22 33 44")
    accompaniment = AccompanimentFactory(person=person, author=author.user, notes_under_secrecy=True)
    return author, person, accompaniment


def _page(client, person):
    response = client.get(reverse("web:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _api(client, person):
    detail = client.get(f"/api/v1/persons/{person.pk}/").json()
    timeline = client.get(f"/api/v1/persons/{person.pk}/accompaniments/").json()["results"]
    return detail, timeline[0]


@pytest.mark.django_db
def test_accueil_sees_identity_and_contact_but_no_situation_nor_notes(record, structure, member_of, client_for):
    _, person, _ = record
    client = client_for(member_of(structure, Role.ACCUEIL))
    page = _page(client, person)
    assert person.last_name.upper() in page and "06 11 22 33 44" in page
    for secret in (
        SITUATION_SECRET,
        NOTE_SECRET,
        OUTCOME_SECRET,
        PRIVATE_SECRET,
        "Logement social",
        "Pas de connexion internet",
    ):
        assert secret not in page, secret
    detail, accompaniment = _api(client, person)
    assert detail["phone"] == "06 11 22 33 44"
    for field in ("family_situation", "housing_status", "employment_status", "obstacles", "situation_details"):
        assert detail[field] is None, field
    assert accompaniment["notes"] is None and accompaniment["outcome"] is None and accompaniment["private_note"] is None
    assert accompaniment["themes"] == ["papiers"]  # the accompaniment itself is visible


@pytest.mark.django_db
def test_accueil_cannot_write_situation_through_the_api(record, structure, member_of, client_for):
    _, person, _ = record
    client = client_for(member_of(structure, Role.ACCUEIL))
    response = client.patch(
        f"/api/v1/persons/{person.pk}/",
        {"housing_status": "sans_domicile"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{person.version}"',
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.housing_status == "locataire_hlm"


@pytest.mark.django_db
def test_accueil_cannot_write_notes(record, structure, member_of, client_for):
    _, person, _ = record
    client = client_for(member_of(structure, Role.ACCUEIL))
    response = client.post(
        f"/api/v1/persons/{person.pk}/accompaniments/",
        {
            "date": "2026-01-10",
            "duration_minutes": 10,
            "place_kind": "lieu_activite",
            "themes": ["papiers"],
            "mode": "information",
            "notes": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_private_note_is_visible_to_its_author_only(record, structure, member_of, client_for):
    author, person, _ = record
    assert PRIVATE_SECRET in _page(client_for(author), person)
    assert _api(client_for(author), person)[1]["private_note"] == PRIVATE_SECRET
    colleague = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    manager = member_of(structure, Role.RESPONSABLE)
    for other in (colleague, manager):
        client = client_for(other)
        page = _page(client, person)
        assert NOTE_SECRET in page  # notes are shared with colleagues bound by secrecy
        assert PRIVATE_SECRET not in page
        assert _api(client, person)[1]["private_note"] is None


@pytest.mark.django_db
def test_notes_written_under_secrecy_stay_among_members_bound_by_secrecy(record, structure, member_of, client_for):
    _, person, _ = record
    mediator = member_of(structure, Role.MEDIATEUR, bound_by_secrecy=False)
    client = client_for(mediator)
    page = _page(client, person)
    assert SITUATION_SECRET in page  # the mediator sees the situation…
    assert NOTE_SECRET not in page and OUTCOME_SECRET not in page  # …but not notes covered by secrecy
    assert _api(client, person)[1]["notes"] is None


@pytest.mark.django_db
def test_notes_not_under_secrecy_are_shared_with_the_team(structure, member_of, client_for):
    mediator = member_of(structure, Role.MEDIATEUR, bound_by_secrecy=False)
    person = PersonFactory(structure=structure)
    AccompanimentFactory(person=person, author=member_of(structure, Role.MEDIATEUR, bound_by_secrecy=False).user)
    assert NOTE_SECRET in _page(client_for(mediator), person)


@pytest.mark.django_db
def test_dpo_reads_identity_and_history_but_no_social_content_and_writes_nothing(
    record, structure, member_of, client_for
):
    _, person, _ = record
    client = client_for(member_of(structure, Role.DPO))
    page = _page(client, person)
    assert SITUATION_SECRET not in page and NOTE_SECRET not in page
    assert client.get(reverse("web:person_history", args=[person.pk])).status_code == 200
    assert client.get(reverse("web:person_create")).status_code == 403
    assert client.get(reverse("web:accompaniment_create", args=[person.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.RESPONSABLE, True),
        (Role.DPO, True),
        (Role.TRAVAILLEUR_SOCIAL, False),
        (Role.MEDIATEUR, False),
        (Role.ACCUEIL, False),
    ],
)
def test_consultation_history_is_for_the_manager_and_the_dpo(role, allowed, record, structure, member_of, client_for):
    _, person, _ = record
    reader = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    client_for(reader).get(reverse("web:person_detail", args=[person.pk]))
    response = client_for(member_of(structure, role)).get(reverse("web:person_history", args=[person.pk]))
    if allowed:
        assert response.status_code == 200
        assert str(reader.user) in response.content.decode()
        assert "Consultation d'une fiche" in html.unescape(response.content.decode())
    else:
        assert response.status_code == 403


@pytest.mark.django_db
def test_only_the_author_corrects_an_accompaniment(record, structure, member_of, client_for):
    author, _, accompaniment = record
    url = reverse("web:accompaniment_edit", args=[accompaniment.pk])
    assert client_for(author).get(url).status_code == 200
    assert client_for(member_of(structure, Role.RESPONSABLE)).get(url).status_code == 403
    api = client_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL)).patch(
        f"/api/v1/accompaniments/{accompaniment.pk}/", {"duration_minutes": 5}, content_type="application/json"
    )
    assert api.status_code == 403
