"""« Ma journée »: reminders at the top, follow-ups by urgency with their subject, my accompaniments of the day by
default, and for the DPO the DPO's work."""

import datetime
import html

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.people.models import Person
from appui.people.requests import rights_request_create
from tests.accompaniments.factories import AccompanimentFactory
from tests.documents.factories import DocumentFactory
from tests.people.factories import PersonFactory


def _page(client, url=None):
    return html.unescape(client.get(url or reverse("web:dashboard")).content.decode())


@pytest.mark.django_db
def test_follow_ups_are_grouped_by_urgency_with_their_subject_and_reminders_come_first(
    structure, member_of, client_for
):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    colleague = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    today = timezone.localdate()
    past = today - datetime.timedelta(days=20)

    def follow_up(name, days, author=worker, **extra):
        person = PersonFactory(structure=structure, last_name=name)
        AccompanimentFactory(
            person=person, author=author.user, date=past, follow_up_date=today + datetime.timedelta(days=days), **extra
        )
        return person

    follow_up("Enretard", -3, themes=["logement"], next_step="Rappeler la CAF pour le dossier APL")
    follow_up("Dujour", 0)
    follow_up("Delasemaine", 4)
    follow_up("Troptard", 10)  # beyond the week: not today's business
    follow_up("Collegue", -1, author=colleague)  # someone else's follow-up
    DocumentFactory(person=Person.objects.get(last_name="Dujour"), uploaded_by=worker.user, expires_on=today)
    page = _page(client_for(worker))
    assert "En retard (1)" in page and "Aujourd'hui (1)" in page and "Cette semaine (1)" in page
    assert "En retard de 3 jours" in page
    assert "Rappeler la CAF pour le dossier APL" in page and "Démarche : logement" in page
    for name in ("ENRETARD", "DUJOUR", "DELASEMAINE"):
        assert name in page.upper()
    assert "TROPTARD" not in page.upper() and "COLLEGUE" not in page.upper()
    assert page.index("En retard (1)") < page.index("Aujourd'hui (1)") < page.index("Cette semaine (1)")
    # Reminders (documents, mandates, referrals) come before the follow-ups; the search box comes first of all.
    assert page.index('id="recherche-personne"') < page.index("Documents à renouveler") < page.index("Mes suivis")


@pytest.mark.django_db
def test_my_accompaniments_of_the_day_by_default_the_structure_on_request(structure, member_of, client_for):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    colleague = member_of(structure, Role.MEDIATEUR)
    AccompanimentFactory(
        person=PersonFactory(structure=structure, last_name="Moimeme"), author=worker.user, themes=["parentalite"]
    )
    AccompanimentFactory(person=PersonFactory(structure=structure, last_name="Autrui"), author=colleague.user)
    client = client_for(worker)
    mine = _page(client)
    assert "Mes accompagnements du jour" in mine and "MOIMEME" in mine.upper() and "AUTRUI" not in mine.upper()
    assert "Parentalité" in mine  # the theme of each accompaniment, and its time
    whole = _page(client, reverse("web:dashboard") + "?accompagnements=structure")
    assert "dans la structure" in whole and "MOIMEME" in whole.upper() and "AUTRUI" in whole.upper()


@pytest.mark.django_db
def test_the_dpo_home_shows_the_dpo_work_and_no_accompaniments(structure, member_of, client_for):
    dpo = member_of(structure, Role.DPO)
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    AccompanimentFactory(person=PersonFactory(structure=structure, last_name="Accompagnee"), author=worker.user)
    asking = PersonFactory(structure=structure, last_name="Demandeuse")
    rights_request_create(
        membership=dpo, person=asking, kind="acces", received_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    now = timezone.now()
    soon = PersonFactory(structure=structure, last_name="Bientotarchivee")
    Person.objects.filter(pk=soon.pk).update(
        last_activity_at=now - relativedelta(months=structure.retention_months) + datetime.timedelta(days=10)
    )
    later = PersonFactory(structure=structure, last_name="Pasencore")
    Person.objects.filter(pk=later.pk).update(last_activity_at=now)
    page = _page(client_for(dpo))
    assert "Demandes des personnes à traiter (1)" in page and "1 demande en retard" in page
    assert "DEMANDEUSE" in page.upper()
    assert "Fiches archivées dans les 30 prochains jours (1)" in page and "BIENTOTARCHIVEE" in page.upper()
    planned = timezone.localtime(now + datetime.timedelta(days=10)).date()
    assert f"archivage prévu le {planned:%d/%m/%Y}" in page
    assert "PASENCORE" not in page.upper()
    assert "Journal des accès" in page and "pas encore eu lieu" in page
    assert "ACCOMPAGNEE" not in page.upper() and "accompagnements du jour" not in page.lower()


@pytest.mark.django_db
def test_the_person_page_shows_its_planned_archiving_date(structure, member_of, client_for):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    last = timezone.now() - datetime.timedelta(days=30)
    Person.objects.filter(pk=person.pk).update(last_activity_at=last)
    page = _page(client_for(worker), reverse("web:person_detail", args=[person.pk]))
    planned = timezone.localtime(last + relativedelta(months=structure.retention_months)).date()
    assert f"Archivage prévu le</dt><dd>{planned:%d/%m/%Y}" in page
