"""Retention of the journal's personal fields: only events older than the retention may be blanked.

The attack: the application's own database role erased who read whom one second after the read, and
verify_audit still said the journal was intact.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from appui.audit.models import AuditEvent, AuditRetention
from appui.audit.services import audit_purge_personal_fields, audit_retention_days, audit_retention_sync
from tests.people.factories import PersonFactory

from .support import TriggersOff, linked, verify_exit, write_event

BLANK = "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = '{}' WHERE id = %s"


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


@pytest.mark.django_db
def test_the_database_refuses_to_blank_a_recent_event(person):
    (event,) = linked(write_event(person=person, days_ago=1 / 86400))  # one second old
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BLANK, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).person_id == person.pk


@pytest.mark.django_db
def test_verify_audit_reports_a_recent_event_blanked_by_the_database_owner(person, capsys):
    (event,) = linked(write_event(person=person, days_ago=1 / 86400))
    with TriggersOff() as cursor:
        cursor.execute(BLANK, [event.pk])
    code, _, err = verify_exit(capsys)
    assert code == 1 and f"événement n° {event.seq}" in err
    assert "effacées avant la fin de la durée de conservation" in err


@pytest.mark.django_db
def test_purge_blanks_only_the_events_older_than_the_retention_and_the_journal_stays_intact(person, capsys):
    old, recent = linked(write_event(person=person, days_ago=400), write_event(person=person, days_ago=300))
    assert audit_purge_personal_fields() == 1
    old, recent = AuditEvent.objects.get(pk=old.pk), AuditEvent.objects.get(pk=recent.pk)
    assert (old.person_id, old.object_id, old.detail) == (None, "", {})
    assert old.action == "person.view" and old.actor_id == recent.actor_id  # the facts are kept
    assert recent.person_id == person.pk
    code, out, _ = verify_exit(capsys)
    assert code == 0 and "intact (2 événements" in out


@pytest.mark.django_db
def test_an_old_event_may_lose_its_personal_fields_and_nothing_else(person):
    (event,) = linked(write_event(person=person, days_ago=400))
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = '{}', action = 'export' "
            "WHERE id = %s",
            [event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).action == "person.view"


@pytest.mark.django_db
def test_an_unlinked_event_cannot_be_blanked_even_when_old(person):
    event = write_event(person=person, days_ago=400)
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BLANK, [event.pk])


@pytest.mark.django_db
def test_the_application_may_lengthen_the_retention_but_never_shorten_it(person):
    assert AuditRetention.objects.get(pk=1).personal_days == 365
    with override_settings(APPUI_AUDIT_PERSONAL_RETENTION_DAYS=500):
        assert audit_retention_sync() == 500
    assert AuditRetention.objects.get(pk=1).personal_days == 500
    for statement in (
        "UPDATE audit_auditretention SET personal_days = 1",
        "DELETE FROM audit_auditretention",
    ):
        with pytest.raises(DatabaseError, match="ne se raccourcit pas"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditRetention.objects.get(pk=1).personal_days == 500
    # Setting a shorter retention in the environment changes nothing: the database's longer one applies.
    (event,) = linked(write_event(person=person, days_ago=400))
    with override_settings(APPUI_AUDIT_PERSONAL_RETENTION_DAYS=30):
        assert audit_retention_days() == 500
        assert audit_purge_personal_fields() == 0
    assert AuditEvent.objects.get(pk=event.pk).person_id == person.pk


@pytest.mark.django_db
def test_a_retention_shortened_by_the_database_owner_is_still_checked_against_the_setting(person, capsys):
    """A database owner who shortens the retention and blanks an event is caught by the setting's retention."""
    (event,) = linked(write_event(person=person, days_ago=100))
    with TriggersOff() as cursor:
        cursor.execute("UPDATE audit_auditretention SET personal_days = 30")
        cursor.execute(BLANK, [event.pk])
    code, _, err = verify_exit(capsys)
    assert code == 1 and "avant la fin de la durée de conservation" in err


@pytest.mark.django_db
def test_anonymising_a_person_erases_their_old_events_and_leaves_the_recent_ones_to_the_journals_retention(person):
    from django.utils import timezone

    from appui.people.retention import person_anonymise

    old, recent = linked(write_event(person=person, days_ago=400), write_event(person=person, days_ago=30))
    person_anonymise(person=person, now=timezone.now())
    assert AuditEvent.objects.get(pk=old.pk).person_id is None
    assert AuditEvent.objects.get(pk=recent.pk).person_id == person.pk
