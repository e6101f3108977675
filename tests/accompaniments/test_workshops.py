"""Collective workshops, the CRA fields of quick entry, the anonymous record's categories, the structure's places."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment, Participation
from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.people.models import Person
from appui.places.models import Place
from appui.places.services import place_create, place_set_closed
from tests.accompaniments.factories import FIRST_PLACE
from tests.people.factories import PersonFactory


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _workshop(**extra):
    data = {
        "workshop_title": "Déjouer les arnaques",
        "date": timezone.localdate().isoformat(),
        "duration": "90",
        "where": FIRST_PLACE,
        "mode": "fait_avec",
        "themes": ["securite"],
        "equipment": ["ordinateur"],
        "anonymous_count": "4",
        "gender_feminin": "3",
        "age_70+": "2",
        "status_retraite": "2",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_a_workshop_is_one_activity_in_each_followed_participants_timeline(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    client = client_for(member)
    alice, bob = PersonFactory(structure=structure), PersonFactory(structure=structure)
    response = client.post(
        reverse("web:workshop_create"), _workshop(file_numbers=f"{alice.file_number}, {bob.file_number}")
    )
    assert response.status_code == 302
    workshop = Accompaniment.objects.get()
    assert workshop.kind == "collectif" and workshop.person is None and workshop.participants == 6
    assert Participation.objects.filter(accompaniment=workshop).count() == 6
    anonymous = Participation.objects.filter(accompaniment=workshop, person__isnull=True)
    assert sorted(p.gender for p in anonymous) == ["", "feminin", "feminin", "feminin"]
    assert sorted(p.age_band for p in anonymous) == ["", "", "70+", "70+"]
    for person in (alice, bob):
        timeline = _text(client.get(reverse("web:person_detail", args=[person.pk])))
        assert "Atelier « Déjouer les arnaques »" in timeline and "atelier de 6 personnes" in timeline
    event = AuditEvent.objects.get(action="accompaniment.create")
    assert event.person_id is None and event.detail == {"workshop": True, "followed": 2, "anonymous": 4}


@pytest.mark.django_db
def test_workshop_counts_by_category_cannot_exceed_the_group(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    page = _text(client.post(reverse("web:workshop_create"), _workshop(gender_feminin="5")))
    assert "dépassent le nombre de participants sans fiche (4)" in page
    page = _text(client.post(reverse("web:workshop_create"), _workshop(file_numbers="2099-99999")))
    assert "Numéro de dossier introuvable : 2099-99999." in page
    empty = {"anonymous_count": "0", "gender_feminin": "", "age_70+": "", "status_retraite": ""}
    page = _text(client.post(reverse("web:workshop_create"), _workshop(**empty)))
    assert "Un atelier compte au moins un participant." in page
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_another_structures_person_cannot_join_a_workshop(structure, other_structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    stranger = PersonFactory(structure=other_structure)
    page = _text(client.post(reverse("web:workshop_create"), _workshop(file_numbers=stranger.file_number)))
    assert "Numéro de dossier introuvable" in page and not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_the_author_corrects_a_workshop_and_its_participants(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    client = client_for(member)
    alice = PersonFactory(structure=structure)
    client.post(reverse("web:workshop_create"), _workshop(file_numbers=alice.file_number))
    workshop = Accompaniment.objects.get()
    page = _text(client.get(reverse("web:accompaniment_edit", args=[workshop.pk])))
    assert 'value="4"' in page and str(alice) in page  # the recorded counts and participant are shown
    client.post(
        reverse("web:accompaniment_edit", args=[workshop.pk]),
        _workshop(anonymous_count="6", followed=[alice.pk], version=workshop.version),
    )
    workshop.refresh_from_db()
    assert workshop.participants == 7 and Participation.objects.filter(accompaniment=workshop).count() == 7


@pytest.mark.django_db
def test_correcting_a_workshop_keeps_the_participants_the_author_can_no_longer_see(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    client = client_for(member)
    alice, bruno = PersonFactory(structure=structure), PersonFactory(structure=structure)
    client.post(reverse("web:workshop_create"), _workshop(file_numbers=f"{alice.file_number} {bruno.file_number}"))
    workshop = Accompaniment.objects.get()
    assert workshop.participants == 6
    Person.objects.filter(pk=bruno.pk).update(archived_at=timezone.now())  # readable by the DPO only from now on
    page = _text(client.get(reverse("web:accompaniment_edit", args=[workshop.pk])))
    assert str(alice) in page and str(bruno) not in page
    response = client.post(
        reverse("web:accompaniment_edit", args=[workshop.pk]),
        _workshop(workshop_title="Arnaques en ligne", followed=[alice.pk], version=workshop.version),
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.workshop_title == "Arnaques en ligne" and workshop.participants == 6
    kept = Participation.objects.filter(accompaniment=workshop, person__isnull=False)
    assert set(kept.values_list("person_id", flat=True)) == {alice.pk, bruno.pk}


@pytest.mark.django_db
def test_quick_entry_records_the_cra_fields(structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    person = PersonFactory(structure=structure, commune_code="69123")
    client.post(
        reverse("web:accompaniment_create", args=[person.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "duration": "autre",
            "duration_custom": "25",
            "where": "domicile",
            "mode": "orientation",
            "themes": ["logement"],
            "equipment": ["telephone", "tablette"],
            "autonomy": "entierement_accompagne",
            "procedure_status": "a_poursuivre",
            "referred_to": "aide_sociale",
        },
    )
    accompaniment = Accompaniment.objects.get()
    assert accompaniment.duration_minutes == 25
    assert (accompaniment.place_kind, accompaniment.place_commune_code) == ("domicile", "69123")
    assert accompaniment.equipment == ["telephone", "tablette"]
    assert (accompaniment.procedure_status, accompaniment.referred_to) == ("a_poursuivre", "aide_sociale")
    participation = Participation.objects.get(accompaniment=accompaniment)
    assert (participation.person, participation.followed, participation.is_first) == (person, True, True)
    timeline = _text(client.get(reverse("web:person_detail", args=[person.pk])))
    assert "Démarche\xa0: à poursuivre" in timeline and "Orientée vers" in timeline
    assert "Téléphone, Tablette" in timeline


@pytest.mark.django_db
def test_an_earlier_activity_becomes_the_persons_first(structure, member_of, client_for):
    client = client_for(member_of(structure))
    person = PersonFactory(structure=structure)
    url = reverse("web:accompaniment_create", args=[person.pk])
    base = {"duration": "30", "where": FIRST_PLACE, "mode": "fait_avec", "themes": ["email"]}
    client.post(url, {**base, "date": timezone.localdate().isoformat()})
    client.post(url, {**base, "date": (timezone.localdate() - datetime.timedelta(days=9)).isoformat()})
    first = Participation.objects.get(person=person, is_first=True)
    assert first.accompaniment.date == timezone.localdate() - datetime.timedelta(days=9)


@pytest.mark.django_db
def test_the_anonymous_record_asks_the_cra_categories(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.ACCUEIL))
    client.post(
        reverse("web:anonymous_create"),
        {"age_band": "12-17", "gender": "feminin", "social_status": "scolarise", "commune_code": "69266"},
    )
    person = Person.objects.get(is_anonymous=True)
    assert (person.age_band, person.gender, person.social_status) == ("12-17", "feminin", "scolarise")
    page = _text(client.get(reverse("web:anonymous_create")))
    assert "Moins de 12 ans" in page and "ancienne tranche" not in page


@pytest.mark.django_db
def test_the_places_offered_at_entry_are_the_structures_open_places(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    place = place_create(
        membership=manager,
        fields={"name": "Antenne Nord", "address": "3 rue de la Paix", "postal_code": "69100", "commune_code": "69266"},
    )
    worker = client_for(member_of(structure, Role.MEDIATEUR))
    person = PersonFactory(structure=structure)
    assert "Antenne Nord" in _text(worker.get(reverse("web:accompaniment_create", args=[person.pk])))
    place_set_closed(membership=manager, place=place, closed=True)
    assert "Antenne Nord" not in _text(worker.get(reverse("web:accompaniment_create", args=[person.pk])))
    # The last open place cannot be closed: entries are recorded in a place.
    last = Place.objects.of_structure(structure.pk).open().get()
    with pytest.raises(ValidationError, match="au moins un lieu ouvert"):
        place_set_closed(membership=manager, place=last, closed=True)
    last.refresh_from_db()
    assert last.closed_at is None


@pytest.mark.django_db
def test_closing_the_last_open_place_from_its_page_says_why_it_is_refused(structure, member_of, client_for):
    manager = client_for(member_of(structure, Role.RESPONSABLE))
    last = Place.objects.of_structure(structure.pk).open().get()
    response = manager.post(reverse("web:own_place_close", args=[last.pk]), follow=True)
    assert response.status_code == 200 and "au moins un lieu ouvert" in _text(response)
    last.refresh_from_db()
    assert last.closed_at is None
