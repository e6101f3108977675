"""« Créer le mandat » from the accompaniment form: what was typed comes back, with the new mandate chosen.

Without JavaScript: the accompaniment form posts to its own address with « creer_mandat », is kept in the session
(sealed), the mandate form proposes its procedure themes, and once the mandate is saved the worker lands on the
accompaniment form restored.
"""

import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.accounts.enums import Role
from appui.mandates.models import Mandate, MandateUse
from tests.accompaniments.factories import FIRST_PLACE
from tests.people.factories import PersonFactory

NOTE = "Dossier APL commencé, il manque l'avis d'imposition"


def _text(response):
    return html.unescape(response.content.decode())


def _checked(page, name, value):
    """Return whether the radio button or checkbox ``name=value`` is checked on the page."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"{name}={value} absent de la page")


def _selected(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


def _typed(**extra):
    data = {
        "date": timezone.localdate().isoformat(),
        "duration": "45",
        "where": FIRST_PLACE,
        "mode": "fait_a_la_place",
        "themes": ["logement", "email"],
        "equipment": ["ordinateur"],
        "notes": NOTE,
        "private_note": "Vu avec sa fille",
        "mandate": "",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_typed_accompaniment_comes_back_with_the_new_mandate_chosen(worker, person, client_for):
    client = client_for(worker)
    create = reverse("web:accompaniment_create", args=[person.pk])
    form_page = _text(client.get(create))
    assert 'name="creer_mandat"' in form_page

    # « Créer le mandat »: nothing is recorded, the worker goes to the mandate form of this person.
    response = client.post(create, {**_typed(), "creer_mandat": "1"})
    assert response.status_code == 302
    mandate_url = reverse("web:mandate_create", args=[person.pk])
    assert response["Location"].startswith(f"{mandate_url}?brouillon=")
    key = response["Location"].split("=", 1)[1]
    assert not Accompaniment.objects.exists()
    session = Session.objects.get(session_key=client.session.session_key)
    assert NOTE not in repr(session.get_decoded())  # sealed with the field keys, as the notes in the database

    # The mandate form proposes the procedure theme typed (housing), not the e-mail theme, and keeps the draft.
    page = _text(client.get(response["Location"]))
    assert _checked(page, "categories", "logement")
    assert not _checked(page, "categories", "papiers")
    assert f'name="brouillon" value="{key}"' in page
    assert "catégories suivantes : Logement" in page  # the consent text follows the proposal
    assert f'href="{create}?brouillon={key}"' in page  # going back without a mandate keeps the typing too

    response = client.post(
        mandate_url, {"brouillon": key, "categories": ["logement"], "duration": "6m", "person_present": "on"}
    )
    mandate = Mandate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{create}?brouillon={key}"

    # Back on the accompaniment form: everything typed is there, and the new mandate is selected.
    page = _text(client.get(response["Location"]))
    assert _selected(page, "mandate") == [str(mandate.pk)]
    assert _checked(page, "mode", "fait_a_la_place")
    assert _checked(page, "duration", "45")
    assert _checked(page, "themes", "logement") and _checked(page, "themes", "email")
    assert _checked(page, "equipment", "ordinateur")
    assert NOTE in page and "Vu avec sa fille" in page
    assert f"mandat n° {mandate.pk} choisi" in page
    assert f'name="brouillon" value="{key}"' in page

    # Saved as it is: recorded under the new mandate, and the draft is forgotten.
    response = client.post(create, {**_typed(mandate=str(mandate.pk)), "brouillon": key})
    assert response.status_code == 302
    accompaniment = Accompaniment.objects.get()
    assert accompaniment.notes == NOTE and accompaniment.duration_minutes == 45
    assert MandateUse.objects.get().mandate == mandate
    page = _text(client.get(f"{create}?brouillon={key}"))
    assert _selected(page, "mandate") == [""] and 'name="brouillon"' not in page
    assert NOTE not in page


@pytest.mark.django_db
def test_a_draft_restores_only_on_its_own_persons_form(worker, person, structure, client_for):
    client = client_for(worker)
    response = client.post(reverse("web:accompaniment_create", args=[person.pk]), {**_typed(), "creer_mandat": "1"})
    key = response["Location"].split("=", 1)[1]
    other = PersonFactory(structure=structure)
    page = _text(client.get(f"{reverse('web:accompaniment_create', args=[other.pk])}?brouillon={key}"))
    assert NOTE not in page
    page = _text(client.get(f"{reverse('web:mandate_create', args=[other.pk])}?brouillon={key}"))
    assert 'name="brouillon"' not in page and not _checked(page, "categories", "logement")
    # Another member's session does not hold it either.
    colleague = client_for(worker)
    page = _text(colleague.get(f"{reverse('web:accompaniment_create', args=[person.pk])}?brouillon={key}"))
    assert NOTE not in page


@pytest.mark.django_db
def test_a_member_who_cannot_act_under_mandate_gets_no_button(structure, member_of, person, client_for):
    reception = member_of(structure, Role.ACCUEIL)
    client = client_for(reception)
    create = reverse("web:accompaniment_create", args=[person.pk])
    assert 'name="creer_mandat"' not in _text(client.get(create))
    response = client.post(create, {**_typed(mode="fait_avec", notes="", private_note=""), "creer_mandat": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("web:person_detail", args=[person.pk])
    assert Accompaniment.objects.count() == 1  # the button is not there: the form is simply saved


@pytest.mark.django_db
def test_creating_the_mandate_again_from_a_restored_form_keeps_only_the_latest_typing(worker, person, client_for):
    client = client_for(worker)
    create = reverse("web:accompaniment_create", args=[person.pk])
    first = client.post(create, {**_typed(), "creer_mandat": "1"})["Location"].split("=", 1)[1]
    second = client.post(create, {**_typed(notes="Autre texte"), "brouillon": first, "creer_mandat": "1"})
    key = second["Location"].split("=", 1)[1]
    assert key != first
    assert NOTE not in _text(client.get(f"{create}?brouillon={first}"))
    assert "Autre texte" in _text(client.get(f"{create}?brouillon={key}"))
