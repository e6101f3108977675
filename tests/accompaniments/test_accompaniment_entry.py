import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.places.models import Place
from tests.accompaniments.factories import FIRST_PLACE
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


def _minimal(**extra):
    """What a worker sends from the quick-entry screen: defaults are already filled in, one theme ticked."""
    data = {
        "date": timezone.localdate().isoformat(),
        "duration": "30",
        "where": FIRST_PLACE,
        "mode": "fait_avec",
        "themes": ["papiers"],
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_quick_entry_form_is_prefilled_with_sensible_defaults(person, structure, member_of, client_for):
    page = _text(client_for(member_of(structure)).get(reverse("web:accompaniment_create", args=[person.pk])))
    assert f'value="{timezone.localdate().isoformat()}"' in page
    place = Place.objects.of_structure(structure.pk).get()
    assert re.search(r'value="30"[^>]*checked', page)
    assert re.search(rf'value="lieu-{place.pk}"[^>]*checked', page)
    assert re.search(r'value="fait_avec"[^>]*checked', page)


@pytest.mark.django_db
def test_record_an_accompaniment_and_see_it_on_the_timeline(person, structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    response = client.post(
        reverse("web:accompaniment_create", args=[person.pk]),
        _minimal(
            themes=["papiers", "email"],
            online_services=["ants"],
            autonomy="partiellement_autonome",
            outcome="Pré-demande faite",
            follow_up_date=(timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        ),
    )
    assert response.status_code == 302
    accompaniment = Accompaniment.objects.get()
    assert accompaniment.author == member.user and accompaniment.structure == structure
    assert accompaniment.themes == ["papiers", "email"] and accompaniment.online_services == ["ants"]
    assert accompaniment.notes_under_secrecy is True  # the author is bound by professional secrecy
    assert AuditEvent.objects.filter(action="accompaniment.create", person_id=person.pk).count() == 1
    person.refresh_from_db()
    assert person.last_activity_at is not None
    timeline = _text(client.get(reverse("web:person_detail", args=[person.pk])))
    assert "Démarche : papiers, élections, citoyenneté, E-mail" in timeline
    assert "Pré-demande faite" in timeline and "ANTS" in timeline


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_minimal(themes=[]), "Ce champ est obligatoire"),
        (
            _minimal(date=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
            "ne peut pas être dans le futur",
        ),
        (_minimal(duration="autre"), "Indiquez la durée en minutes"),
        (_minimal(duration="autre", duration_custom="0"), "supérieure ou égale à 1"),
        (_minimal(follow_up_date="2000-01-01"), "La date de suivi doit suivre"),
    ],
)
def test_invalid_entries_are_refused_whole_with_a_french_message(
    data, message, person, structure, member_of, client_for
):
    response = client_for(member_of(structure)).post(reverse("web:accompaniment_create", args=[person.pk]), data)
    assert response.status_code == 200
    assert message in _text(response)
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_accueil_records_an_accompaniment_without_note_fields(person, structure, member_of, client_for):
    client = client_for(member_of(structure, Role.ACCUEIL))
    page = _text(client.get(reverse("web:accompaniment_create", args=[person.pk])))
    assert 'name="notes"' not in page and 'name="outcome"' not in page
    response = client.post(reverse("web:accompaniment_create", args=[person.pk]), _minimal(notes="ignoré"))
    assert response.status_code == 302
    assert Accompaniment.objects.get().notes == ""


@pytest.mark.django_db
def test_dashboard_shows_today_recent_persons_and_my_follow_ups(person, structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    today = timezone.localdate()
    client.post(reverse("web:accompaniment_create", args=[person.pk]), _minimal(follow_up_date=today.isoformat()))
    client.get(reverse("web:person_detail", args=[person.pk]))
    page = _text(client.get(reverse("web:dashboard")))
    assert page.count(str(person)) >= 3  # recent persons, follow-ups, today's accompaniments
    accompaniment = Accompaniment.objects.get()
    assert client.post(reverse("web:follow_up_done", args=[accompaniment.pk])).status_code == 302
    accompaniment.refresh_from_db()
    assert accompaniment.follow_up_done
    assert "Aucun suivi à faire d'ici une semaine" in _text(client.get(reverse("web:dashboard")))


@pytest.mark.django_db
def test_author_corrects_an_accompaniment(person, structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    client.post(reverse("web:accompaniment_create", args=[person.pk]), _minimal())
    accompaniment = Accompaniment.objects.get()
    response = client.post(
        reverse("web:accompaniment_edit", args=[accompaniment.pk]), _minimal(duration="45", version="1")
    )
    assert response.status_code == 302
    accompaniment.refresh_from_db()
    assert accompaniment.duration_minutes == 45
    assert AuditEvent.objects.get(action="accompaniment.update").detail == {"fields": ["duration_minutes"]}
