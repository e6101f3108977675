"""Expiry dates: the dashboard selector and the daily e-mail reminder (once per document)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.documents.models import Document
from appui.documents.selectors import documents_expiring
from tests.people.factories import PersonFactory

from .factories import DocumentFactory


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def documents(worker, person, other_structure):
    return {
        "soon": DocumentFactory(person=person, uploaded_by=worker.user, expires_on=_in(10)),
        "ended": DocumentFactory(person=person, uploaded_by=worker.user, kind="rib", expires_on=_in(-3)),
        "later": DocumentFactory(person=person, uploaded_by=worker.user, expires_on=_in(90)),
        "never": DocumentFactory(person=person, uploaded_by=worker.user, expires_on=None),
        "elsewhere": DocumentFactory(person=PersonFactory(structure=other_structure), expires_on=_in(5)),
    }


@pytest.mark.django_db
def test_documents_expiring_lists_the_structures_documents_soonest_first(worker, documents, structure, member_of):
    assert list(documents_expiring(worker)) == [documents["ended"], documents["soon"]]
    assert list(documents_expiring(worker, within_days=120))[-1] == documents["later"]
    assert not documents_expiring(member_of(structure, Role.ACCUEIL)).exists()
    assert not documents_expiring(member_of(structure, Role.DPO)).exists()


@pytest.mark.django_db
def test_reminders_are_sent_once_per_document_to_its_uploader(
    worker, person, documents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("document_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {worker.user.email}
    bodies = " ".join(m.body for m in mail.outbox)
    assert f"dossier n° {person.file_number}" in bodies
    assert f"est valable jusqu'au {_in(10):%d/%m/%Y}" in bodies and f"depuis le {_in(-3):%d/%m/%Y}" in bodies
    assert person.last_name not in bodies and person.first_name not in bodies  # e-mail is not a safe channel
    with django_capture_on_commit_callbacks(execute=True):
        call_command("document_reminders", "--jours", "120", stdout=io.StringIO())
    assert len(mail.outbox) == 3  # only "later" is new; the others were reminded already
    # "elsewhere" was uploaded by someone with no active membership: handled, but no e-mail.
    assert list(Document.objects.filter(reminder_sent_at__isnull=True)) == [documents["never"]]


@pytest.mark.django_db
def test_an_uploader_who_left_the_structure_gets_no_reminder(worker, person, django_capture_on_commit_callbacks):
    DocumentFactory(person=person, uploaded_by=worker.user, expires_on=_in(1))
    worker.is_active = False
    worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("document_reminders", stdout=io.StringIO())
    assert mail.outbox == []
    assert not Document.objects.filter(reminder_sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_list_flags_documents_to_renew(worker, person, documents, client_for):
    page = client_for(worker).get(reverse("web:document_list", args=[person.pk])).content.decode()
    assert "Plus valable" in page and "Bientôt à renouveler" in page


@pytest.mark.django_db
def test_the_dashboard_section_links_to_the_documents_to_renew(worker, person, documents):
    from django.template.loader import render_to_string

    html = render_to_string(
        "web/documents/_dashboard_section.html", {"expiring_documents": list(documents_expiring(worker))}
    )
    assert reverse("web:document_list", args=[person.pk]) in html
    assert f"plus valable depuis le {_in(-3):%d/%m/%Y}" in html and f"valable jusqu'au {_in(10):%d/%m/%Y}" in html
    assert render_to_string("web/documents/_dashboard_section.html", {"expiring_documents": []}).strip() == ""
