"""Two members editing the same person or household: the second write made from a stale form writes nothing."""

import datetime
import html
import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.core.versions import StaleVersionError
from appui.people.models import HouseholdMember, Person
from appui.people.retention import apply_retention, person_anonymise
from appui.people.services import SITUATION_FIELDS, household_member_add, person_update
from tests.audit.support import requires_postgres
from tests.people.factories import HouseholdMemberFactory, PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


def _version(response) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the form carries the version it was opened on"
    return match.group(1)


def _person_data(person, **changes):
    data = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "commune_code": person.commune_code,
        "informed_at": person.informed_at.isoformat(),
        "phone": person.phone,
        "address": person.address,
        "family_situation": person.family_situation,
        "housing_status": person.housing_status,
        "employment_status": person.employment_status,
        "obstacles": person.obstacles,
        "situation_details": person.situation_details,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_two_updates_from_the_same_version_the_second_raises_and_writes_nothing(structure, member_of):
    member = member_of(structure)
    person = PersonFactory(structure=structure, phone="0102030405")
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    person_update(membership=member, person=first, fields={"phone": "0611111111"}, expected_version=1)
    with pytest.raises(StaleVersionError) as stale:
        person_update(membership=member, person=second, fields={"phone": "0722222222"}, expected_version=1)
    assert stale.value.current.phone == "0611111111"
    person.refresh_from_db()
    assert (person.phone, person.version) == ("0611111111", 2)


@pytest.mark.django_db
def test_the_claim_is_checked_in_the_database_not_on_the_loaded_copy(structure, member_of):
    """A copy loaded before another write still says version 1: the conditional UPDATE refuses it anyway."""
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    loaded_before = Person.objects.get(pk=person.pk)
    person_update(membership=member, person=person, fields={"phone": "0611111111"}, expected_version=1)
    assert loaded_before.version == 1
    with pytest.raises(StaleVersionError):
        person_update(membership=member, person=loaded_before, fields={"phone": "0722222222"}, expected_version=1)
    assert Person.objects.get(pk=person.pk).phone == "0611111111"


@pytest.mark.django_db
def test_archiving_and_anonymising_make_an_open_form_stale(structure, member_of):
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=3650))
    apply_retention(now=timezone.now())
    archived = Person.objects.get(pk=person.pk)
    assert archived.archived_at is not None and archived.version == 2
    with pytest.raises(StaleVersionError):
        person_update(membership=member, person=archived, fields={"phone": "0611111111"}, expected_version=1)
    anonymised = person_anonymise(person=archived, now=timezone.now())
    assert Person.objects.get(pk=person.pk).version == anonymised.version == 3


@pytest.mark.django_db
def test_second_worker_gets_409_with_the_differences_then_can_overwrite_knowingly(structure, member_of, client_for):
    person = PersonFactory(structure=structure, phone="0102030405", address="1 rue Haute")
    alice, bruno = client_for(member_of(structure)), client_for(member_of(structure))
    url = reverse("web:person_edit", args=[person.pk])
    version_alice, version_bruno = _version(alice.get(url)), _version(bruno.get(url))

    assert alice.post(url, _person_data(person, phone="0611111111", version=version_alice)).status_code == 302
    response = bruno.post(url, _person_data(person, address="2 rue Basse", version=version_bruno))

    assert response.status_code == 409
    page = _text(response)
    assert "Cette fiche a été modifiée entre-temps" in page
    assert "Téléphone</strong> : maintenant « 0611111111 », votre saisie « 0102030405 »" in page
    assert "Adresse</strong> : maintenant « 1 rue Haute », votre saisie « 2 rue Basse »" in page
    assert 'value="2 rue Basse"' in page  # what Bruno typed is kept in the form
    person.refresh_from_db()
    assert (person.phone, person.address, person.version) == ("0611111111", "1 rue Haute", 2)

    # Bruno re-applies his change on the current version: it is saved, Alice's phone stays.
    retry = bruno.post(url, _person_data(person, address="2 rue Basse", version=_version(response)))
    assert retry.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.address, person.version) == ("0611111111", "2 rue Basse", 3)


@pytest.mark.django_db
def test_the_differences_never_show_a_situation_the_member_may_not_read(structure, member_of, client_for):
    person = PersonFactory(structure=structure, phone="0102030405")
    worker, counter = client_for(member_of(structure)), client_for(member_of(structure, Role.ACCUEIL))
    url = reverse("web:person_edit", args=[person.pk])
    version_counter = _version(counter.get(url))
    worker.post(url, _person_data(person, situation_details="Nouvelle précision confidentielle", version=1))

    identity_only = {k: v for k, v in _person_data(person, phone="0799999999").items() if k not in SITUATION_FIELDS}
    response = counter.post(url, {**identity_only, "version": version_counter})

    assert response.status_code == 409
    assert "confidentielle" not in _text(response)
    retry = counter.post(url, {**identity_only, "version": _version(response)})
    assert retry.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0799999999" and person.situation_details == "Nouvelle précision confidentielle"


@pytest.mark.django_db
def test_a_stale_household_form_adds_nobody_and_shows_the_household_now(structure, member_of, client_for):
    person = PersonFactory(structure=structure)
    alice, bruno = client_for(member_of(structure)), client_for(member_of(structure))
    url = reverse("web:household_member_add", args=[person.pk])
    version_alice, version_bruno = _version(alice.get(url)), _version(bruno.get(url))
    lina = {"relationship": "enfant", "first_name": "Lina", "birth_date": "2015-03-02"}

    assert alice.post(url, {**lina, "version": version_alice}).status_code == 302
    response = bruno.post(url, {**lina, "first_name": "Lina", "version": version_bruno})

    assert response.status_code == 409
    page = _text(response)
    assert "Le foyer a été modifié entre-temps" in page and "Le foyer aujourd'hui" in page and "Lina" in page
    assert HouseholdMember.objects.filter(household__person=person).count() == 1
    assert bruno.post(url, {**lina, "first_name": "Noé", "version": _version(response)}).status_code == 302
    assert HouseholdMember.objects.filter(household__person=person).count() == 2


@pytest.mark.django_db
def test_a_member_removed_from_a_stale_page_is_not_removed(structure, member_of, client_for):
    member = HouseholdMemberFactory(household__person=PersonFactory(structure=structure))
    person = member.household.person
    alice, bruno = client_for(member_of(structure)), client_for(member_of(structure))
    detail = reverse("web:person_detail", args=[person.pk])
    version_bruno = _version(bruno.get(detail))
    alice.post(
        reverse("web:household_member_add", args=[person.pk]),
        {
            "relationship": "enfant",
            "first_name": "Noé",
            "birth_date": "2019-01-01",
            "version": _version(alice.get(detail)),
        },
    )

    response = bruno.post(reverse("web:household_member_remove", args=[member.pk]), {"version": version_bruno})

    assert response.status_code == 409
    assert "Rien n'a été retiré" in _text(response) and "Noé" in _text(response)
    assert HouseholdMember.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_two_first_members_added_from_an_empty_household_the_second_is_refused(structure, member_of):
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    child = {"relationship": "enfant", "first_name": "Lina", "birth_date": datetime.date(2015, 3, 2)}
    household_member_add(membership=member, person=person, expected_version=0, **child)
    with pytest.raises(StaleVersionError):
        household_member_add(membership=member, person=person, expected_version=0, **child)
    assert HouseholdMember.objects.filter(household__person=person).count() == 1


# Not a timing: a write blocked on a lock waits for as long as the lock is held, here until released.
WAIT = 30


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_waiting_on_the_first_ones_lock_finds_the_version_moved_and_writes_nothing(structure, member_of):
    """PostgreSQL: the second UPDATE waits for the first transaction, then re-reads the row and matches nothing."""
    member = member_of(structure)
    person = PersonFactory(structure=structure, phone="0102030405")
    claimed, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                person_update(
                    membership=member,
                    person=Person.objects.get(pk=person.pk),
                    fields={"phone": "0611111111"},
                    expected_version=1,
                )
                claimed.set()
                release.wait(WAIT)
            outcomes["first"] = "written"
        except BaseException as exc:  # reported by the main thread
            outcomes["first"] = exc
        finally:
            claimed.set()
            connection.close()

    def second() -> None:
        try:
            loaded = Person.objects.get(pk=person.pk)  # version 1: the first write is not committed yet
            person_update(membership=member, person=loaded, fields={"phone": "0722222222"}, expected_version=1)
            outcomes["second"] = "written"
        except BaseException as exc:
            outcomes["second"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert claimed.wait(WAIT)
    two = threading.Thread(target=second)
    two.start()
    waiting = False
    for _ in range(WAIT * 10):  # until the second write is seen waiting for the row lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            waiting = cursor.fetchone()[0] > 0
        if waiting or not two.is_alive():
            break
        time.sleep(0.1)
    release.set()
    one.join(WAIT)
    two.join(WAIT)

    assert waiting, "the second write did not wait for the first one's lock"
    assert outcomes["first"] == "written"
    assert isinstance(outcomes["second"], StaleVersionError)
    person.refresh_from_db()
    assert (person.phone, person.version) == ("0611111111", 2)
