"""The DPO's desk: « Données personnelles » and the structure's consultation journal with filters and CSV."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.people.models import Person
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_the_dpo_and_the_manager_reach_the_desk(role, structure, member_of, client_for):
    client = client_for(member_of(structure, role))
    allowed = role in {Role.DPO, Role.RESPONSABLE}
    for name in ("data_protection_desk", "consultation_journal", "consultation_journal_csv"):
        response = client.get(reverse(f"web:{name}"))
        assert response.status_code == (200 if allowed else 403), (name, response.status_code)
    menu = _text(client.get(reverse("web:dashboard")))
    assert ("Données personnelles" in menu) == allowed


@pytest.mark.django_db
def test_the_journal_filters_by_record_member_action_and_date_and_exports_the_selection(
    structure, other_structure, member_of, client_for
):
    dpo = member_of(structure, Role.DPO)
    alice = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    bruno = member_of(structure, Role.MEDIATEUR)
    outsider = member_of(other_structure, Role.TRAVAILLEUR_SOCIAL)
    first = PersonFactory(structure=structure)
    second = PersonFactory(structure=structure)
    foreign = PersonFactory(structure=other_structure)
    client_for(alice).get(reverse("web:person_detail", args=[first.pk]))
    client_for(bruno).get(reverse("web:person_detail", args=[second.pk]))
    client_for(outsider).get(reverse("web:person_detail", args=[foreign.pk]))
    client = client_for(dpo)
    url = reverse("web:consultation_journal")

    page = _text(client.get(url, {"actor": alice.user.pk, "action": "person.view"}))
    assert "1 événement" in page and first.file_number in page and second.file_number not in page
    assert foreign.file_number not in _text(client.get(url))  # another structure's journal never shows
    page = _text(client.get(url, {"person": second.file_number}))
    assert second.file_number in page and first.file_number not in page
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert "Aucun événement" in _text(client.get(url, {"until": yesterday.isoformat(), "action": "person.view"}))
    refused = _text(client.get(url, {"since": "2026-05-02", "until": "2026-05-01"}))
    assert "La date de fin précède la date de début" in refused

    export = client.get(reverse("web:consultation_journal_csv"), {"action": "person.view"})
    rows = _csv(export).splitlines()
    assert rows[0] == "date;action;membre;dossier;finalite"
    assert len(rows) == 3 and {r.split(";")[3] for r in rows[1:]} == {first.file_number, second.file_number}
    now = timezone.localtime()
    assert rows[1].startswith(f"{now:%d/%m/%Y}")  # Paris dates
    exported = AuditEvent.objects.get(action="export", actor=dpo.user)
    assert exported.detail["kind"] == "journal" and exported.detail["filters"] == {"action": "person.view"}


@pytest.mark.django_db
def test_an_archived_record_stays_unnamed_for_the_manager(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    client_for(worker).get(reverse("web:person_detail", args=[person.pk]))
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    page = _text(client_for(manager).get(reverse("web:consultation_journal"), {"action": "person.view"}))
    assert "fiche non consultable" in page and person.file_number not in page
    dpo_page = _text(client_for(member_of(structure, Role.DPO)).get(reverse("web:consultation_journal")))
    assert person.file_number in dpo_page  # the DPO reads the archive
