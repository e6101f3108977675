"""The author correcting an activity in two tabs: the correction made from a stale form writes nothing."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.accompaniments.services import AnonymousParticipants, accompaniment_update, workshop_update
from appui.accounts.enums import Role
from appui.core.fields import sealed_for
from appui.core.versions import StaleVersionError
from tests.accompaniments.factories import FIRST_PLACE, AccompanimentFactory
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


def _version(response) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the form carries the version it was opened on"
    return match.group(1)


def _form(accompaniment, **changes):
    data = {
        "date": accompaniment.date.isoformat(),
        "duration": str(accompaniment.duration_minutes),
        "where": str(FIRST_PLACE),
        "mode": accompaniment.mode,
        "themes": accompaniment.themes,
        "notes": accompaniment.notes,
        "outcome": accompaniment.outcome,
        "private_note": accompaniment.private_note,
    }
    return {**data, **changes}


@pytest.fixture
def authored(structure, member_of):
    author = member_of(structure)
    accompaniment = AccompanimentFactory(person=PersonFactory(structure=structure), author=author.user)
    return author, accompaniment


@pytest.mark.django_db
def test_two_corrections_from_the_same_version_the_second_raises_and_writes_nothing(authored):
    author, accompaniment = authored
    first, second = (Accompaniment.objects.get(pk=accompaniment.pk) for _ in range(2))
    accompaniment_update(membership=author, accompaniment=first, fields={"duration_minutes": 45}, expected_version=1)
    with pytest.raises(StaleVersionError) as stale:
        accompaniment_update(
            membership=author, accompaniment=second, fields={"duration_minutes": 60}, expected_version=1
        )
    assert stale.value.current.duration_minutes == 45
    accompaniment.refresh_from_db()
    assert (accompaniment.duration_minutes, accompaniment.version) == (45, 2)


@pytest.mark.django_db
def test_a_workshop_corrected_from_a_stale_version_keeps_its_participants(structure, member_of):
    author = member_of(structure, Role.MEDIATEUR)
    workshop = AccompanimentFactory(
        person=None, structure=structure, author=author.user, kind="collectif", participants=3, workshop_title="A"
    )
    workshop_update(
        membership=author,
        accompaniment=Accompaniment.objects.get(pk=workshop.pk),
        fields={"workshop_title": "B"},
        persons=[],
        anonymous=AnonymousParticipants(count=5),
        expected_version=1,
    )
    with pytest.raises(StaleVersionError):
        workshop_update(
            membership=author,
            accompaniment=Accompaniment.objects.get(pk=workshop.pk),
            fields={"workshop_title": "C"},
            persons=[],
            anonymous=AnonymousParticipants(count=9),
            expected_version=1,
        )
    workshop.refresh_from_db()
    assert (workshop.workshop_title, workshop.participants, workshop.participations.count()) == ("B", 5, 5)


@pytest.mark.django_db
def test_the_second_tab_gets_409_with_the_differences_then_can_overwrite_knowingly(authored, client_for):
    author, accompaniment = authored
    tab1, tab2 = client_for(author), client_for(author)
    url = reverse("web:accompaniment_edit", args=[accompaniment.pk])
    version1, version2 = _version(tab1.get(url)), _version(tab2.get(url))

    assert (
        tab1.post(url, _form(accompaniment, duration="45", private_note="Rappeler lundi", version=version1)).status_code
        == 302
    )
    response = tab2.post(url, _form(accompaniment, notes="Dossier CAF complet", version=version2))

    assert response.status_code == 409
    page = _text(response)
    assert "Cette activité a été modifiée entre-temps" in page
    assert "Durée</strong> : maintenant « 45 min », votre saisie « 30 min »" in page
    # The author reads their own private note: its value is shown.
    assert "Note privée</strong> : maintenant « Rappeler lundi », votre saisie « Note privée de l'auteur »" in page
    assert "Dossier CAF complet" in page  # what the second tab typed is kept
    accompaniment.refresh_from_db()
    assert (accompaniment.duration_minutes, accompaniment.notes) == (45, "Note de suivi confidentielle")

    retry = tab2.post(url, _form(accompaniment, notes="Dossier CAF complet", version=_version(response)))
    assert retry.status_code == 302
    accompaniment.refresh_from_db()
    assert (accompaniment.duration_minutes, accompaniment.notes, accompaniment.version) == (
        45,
        "Dossier CAF complet",
        3,
    )


@pytest.mark.django_db
def test_notes_the_author_may_no_longer_read_are_neither_shown_nor_overwritten(structure, member_of, client_for):
    """Notes under professional secrecy, and an author no longer bound by it: the form does not show them."""
    author = member_of(structure, Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=False)
    accompaniment = AccompanimentFactory(
        person=PersonFactory(structure=structure), author=author.user, notes_under_secrecy=True
    )
    tab1, tab2 = client_for(author), client_for(author)
    url = reverse("web:accompaniment_edit", args=[accompaniment.pk])
    version1, version2 = _version(tab1.get(url)), _version(tab2.get(url))
    visible = {k: v for k, v in _form(accompaniment).items() if k not in {"notes", "outcome"}}
    tab1.post(url, {**visible, "duration": "45", "version": version1})
    Accompaniment.objects.filter(pk=accompaniment.pk).update(
        notes=sealed_for(accompaniment, "notes", "Nouvelle note sous secret")
    )

    response = tab2.post(url, {**visible, "duration": "60", "version": version2})

    assert response.status_code == 409
    page = _text(response)
    assert "sous secret" not in page and "Note de suivi confidentielle" not in page
    retry = tab2.post(url, {**visible, "duration": "60", "version": _version(response)})
    assert retry.status_code == 302
    accompaniment.refresh_from_db()
    assert (accompaniment.duration_minutes, accompaniment.notes, accompaniment.outcome) == (
        60,
        "Nouvelle note sous secret",
        "Résultat confidentiel",
    )


@pytest.mark.django_db
def test_marking_a_follow_up_done_makes_an_open_form_stale_and_keeps_the_rest(authored, client_for):
    author, accompaniment = authored
    Accompaniment.objects.filter(pk=accompaniment.pk).update(follow_up_date=timezone.localdate())
    client = client_for(author)
    url = reverse("web:accompaniment_edit", args=[accompaniment.pk])
    version = _version(client.get(url))
    assert client.post(reverse("web:follow_up_done", args=[accompaniment.pk])).status_code == 302
    assert client.post(url, _form(accompaniment, duration="45", version=version)).status_code == 409
    accompaniment.refresh_from_db()
    assert accompaniment.follow_up_done and accompaniment.duration_minutes == 30 and accompaniment.version == 2
