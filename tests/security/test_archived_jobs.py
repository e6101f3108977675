"""Background jobs obey the person's visibility: no e-mail tells a member about a record they cannot open."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from appui.accounts.enums import Role
from appui.mandates.services import mandate_create
from appui.people.models import Person
from tests.documents.factories import DocumentFactory
from tests.people.factories import PersonFactory


@pytest.mark.django_db
def test_no_reminder_about_a_mandate_or_document_of_an_archived_person(
    structure, member_of, django_capture_on_commit_callbacks
):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    archived, active = PersonFactory(structure=structure), PersonFactory(structure=structure)
    mandates = {
        person: mandate_create(
            membership=worker, person=person, categories=["papiers"], duration="1j", person_present=True
        )
        for person in (archived, active)
    }
    soon = timezone.localdate() + datetime.timedelta(days=5)
    for person in (archived, active):
        DocumentFactory(person=person, uploaded_by=worker.user, expires_on=soon)
    Person.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mandate_reminders", "--jours", "15")
        call_command("document_reminders", stdout=io.StringIO())
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == 2, bodies
    assert any(f"n° {mandates[active].pk} " in body for body in bodies)
    assert any(active.file_number in body for body in bodies)
    assert not any(f"n° {mandates[archived].pk} " in body or archived.file_number in body for body in bodies)
