"""Follow-up of claims: a reminder date on each right follow-up, due claims in « Ma journée », claims without news
flagged on the person's page, closed follow-ups without reminder."""

import datetime
import html
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.rights.enums import RightStatus
from appui.rights.models import RightFollowUp
from tests.people.factories import PersonFactory

from .factories import RightFollowUpFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def today():
    return timezone.localdate()


def _claim(person, *, by, reminder_on, claimed_on=None, status=RightStatus.CLAIMED, benefit="rsa", changed=None):
    changed = changed or timezone.now() - datetime.timedelta(days=40)
    return RightFollowUpFactory(
        screening=ScreeningFactory(person=person),
        benefit=benefit,
        status=status,
        claimed_on=claimed_on,
        reminder_on=reminder_on,
        updated_by=by.user,
        status_changed_at=changed,
    )


def _post(client, follow_up, **fields):
    data = {f"{follow_up.benefit}-{name}": value for name, value in fields.items()}
    data["screening"] = follow_up.screening_id
    return client.post(reverse("web:rights_follow_up_update", args=[follow_up.pk]), data)


def test_a_claim_gets_a_reminder_thirty_days_after_it_unless_the_worker_chooses_one(worker, client_for, today):
    follow_up = RightFollowUpFactory(screening__person__structure=worker.structure)
    assert follow_up.reminder_on is None
    client = client_for(worker)
    claimed = today - 2 * DAY
    response = _post(client, follow_up, status="demande_en_cours", claimed_on=claimed.isoformat(), reminder_on="")
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == RightStatus.CLAIMED and follow_up.reminder_on == claimed + 30 * DAY
    event = AuditEvent.objects.get(action=AuditAction.RIGHT_STATUS_UPDATE)
    assert event.detail["reminder_on"] == (claimed + 30 * DAY).isoformat()
    # The worker chooses another date in the form: it is kept.
    chosen = today + 10 * DAY
    _post(client, follow_up, status="demande_en_cours", claimed_on=claimed.isoformat(), reminder_on=chosen.isoformat())
    follow_up.refresh_from_db()
    assert follow_up.reminder_on == chosen
    # The form shows the recorded date, to be changed.
    page = text(client.get(reverse("web:rights_screening_detail", args=[follow_up.screening_id])))
    assert f'name="rsa-reminder_on" value="{chosen.isoformat()}"' in page
    assert f"Relance prévue le {chosen:%d/%m/%Y}" in page


def test_a_claim_recorded_long_after_it_was_made_is_reminded_today_not_in_the_past(worker, client_for, today):
    follow_up = RightFollowUpFactory(screening__person__structure=worker.structure)
    claimed = today - 45 * DAY
    _post(client_for(worker), follow_up, status="demande_en_cours", claimed_on=claimed.isoformat())
    follow_up.refresh_from_db()
    assert follow_up.reminder_on == today


def test_a_reminder_in_the_past_is_refused_and_what_was_typed_is_kept(worker, client_for, today):
    follow_up = RightFollowUpFactory(screening__person__structure=worker.structure)
    past = today - 3 * DAY
    response = _post(
        client_for(worker),
        follow_up,
        status="demande_en_cours",
        claimed_on=today.isoformat(),
        reminder_on=past.isoformat(),
    )
    assert response.status_code == 200  # the form again, not a redirection
    page = text(response)
    assert "La date de relance ne peut pas être passée." in page and "Rien n'a été enregistré" in page
    assert f'name="rsa-reminder_on" value="{past.isoformat()}"' in page
    assert 'name="rsa-status"' in page and '<option value="demande_en_cours" selected>' in page
    follow_up.refresh_from_db()
    assert follow_up.status == RightStatus.TO_CLAIM and follow_up.reminder_on is None


def test_a_right_still_to_claim_keeps_its_reminder_and_gets_the_claim_default_when_claimed(worker, client_for, today):
    follow_up = RightFollowUpFactory(screening__person__structure=worker.structure)
    client = client_for(worker)
    before = today + 5 * DAY
    _post(client, follow_up, status="a_demander", reminder_on=before.isoformat())
    follow_up.refresh_from_db()
    assert follow_up.status == RightStatus.TO_CLAIM and follow_up.reminder_on == before
    # Claimed with the form's unchanged date: that date was the "to claim" reminder, the claim gets its own.
    _post(client, follow_up, status="demande_en_cours", claimed_on=today.isoformat(), reminder_on=before.isoformat())
    follow_up.refresh_from_db()
    assert follow_up.reminder_on == today + 30 * DAY


@pytest.mark.parametrize("status", ["obtenu", "refuse", "non_souhaite"])
def test_a_closed_follow_up_has_no_reminder(status, worker, client_for, today):
    follow_up = _claim(
        PersonFactory(structure=worker.structure), by=worker, claimed_on=today - 5 * DAY, reminder_on=today + 25 * DAY
    )
    _post(
        client_for(worker),
        follow_up,
        status=status,
        granted_amount="560",
        reminder_on=(today + 25 * DAY).isoformat(),
    )
    follow_up.refresh_from_db()
    assert follow_up.status == status and follow_up.reminder_on is None


def test_my_day_lists_the_due_claims_of_the_persons_the_member_may_see_only(
    structure, other_structure, member_of, client_for, today
):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    colleague = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    stranger = member_of(other_structure, Role.TRAVAILLEUR_SOCIAL)

    def claim(name, reminder, by=worker, structure=structure, **extra):
        return _claim(PersonFactory(structure=structure, last_name=name, **extra), by=by, reminder_on=reminder)

    claim("Enretardclaim", today - 3 * DAY)
    claim("Dujourclaim", today)
    claim("Plustardclaim", today + DAY)  # not due yet
    claim("Collegueclaim", today, by=colleague)  # a colleague follows it
    claim("Etrangereclaim", today, structure=other_structure)  # another structure's person
    claim("Archiveeclaim", today, archived_at=timezone.now())  # an archived record is the DPO's only
    _claim(PersonFactory(structure=other_structure, last_name="Autrestructureclaim"), by=stranger, reminder_on=today)
    page = text(client_for(worker).get(reverse("web:dashboard"))).upper()
    assert "DROITS À RELANCER (2)" in page
    assert "ENRETARDCLAIM" in page and "DUJOURCLAIM" in page
    for hidden in ("PLUSTARDCLAIM", "COLLEGUECLAIM", "ETRANGERECLAIM", "ARCHIVEECLAIM", "AUTRESTRUCTURECLAIM"):
        assert hidden not in page
    # Reminders come before the follow-ups of accompaniments, the overdue claim first.
    assert page.index("DROITS À RELANCER") < page.index("MES SUIVIS")
    assert page.index("ENRETARDCLAIM") < page.index("DUJOURCLAIM")


def test_my_day_shows_no_claim_to_roles_that_may_not_read_the_situation(structure, member_of, client_for, today):
    # Situation data: the accueil role never sees right follow-ups, even one it once updated.
    reception = member_of(structure, Role.ACCUEIL)
    _claim(PersonFactory(structure=structure, last_name="Situationclaim"), by=reception, reminder_on=today)
    page = text(client_for(reception).get(reverse("web:dashboard"))).upper()
    assert "SITUATIONCLAIM" not in page and "DROITS À RELANCER" not in page


def test_a_claim_in_progress_past_its_reminder_is_flagged_without_news(worker, client_for, today):
    person = PersonFactory(structure=worker.structure)
    news = timezone.now() - datetime.timedelta(days=40)
    _claim(person, by=worker, claimed_on=today - 40 * DAY, reminder_on=today - DAY, changed=news)
    _claim(person, by=worker, claimed_on=today - 30 * DAY, reminder_on=today, benefit="prime_activite")
    client = client_for(worker)
    flag = f"Sans nouvelles depuis le {timezone.localdate(news):%d/%m/%Y}"
    person_page = text(client.get(reverse("web:person_detail", args=[person.pk])))
    assert person_page.count("Sans nouvelles depuis le") == 1 and flag in person_page
    assert f"Relance prévue le {today - DAY:%d/%m/%Y}" in person_page
    assert f"Relance prévue le {today:%d/%m/%Y}" in person_page  # due today: not yet without news
    assert flag in text(client.get(reverse("web:dashboard")))
    assert flag in text(client.get(reverse("web:rights_screening", args=[person.pk])))


def test_the_person_page_lists_each_right_followed_with_its_reminder_for_the_roles_that_may_read_it(
    structure, member_of, client_for, today
):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    claim = _claim(person, by=worker, claimed_on=today - 2 * DAY, reminder_on=today + 28 * DAY)
    granted = RightFollowUpFactory(
        screening=claim.screening,
        benefit="aide_logement",
        status=RightStatus.GRANTED,
        granted_amount=Decimal("240"),
    )
    page = text(client_for(worker).get(reverse("web:person_detail", args=[person.pk])))
    assert "Suivi des droits" in page
    assert "Revenu de solidarité active (RSA)</a>\n          — Demande en cours" in page
    assert f"Relance prévue le {today + 28 * DAY:%d/%m/%Y}" in page
    assert "Obtenu, 240,00\xa0€ par mois" in page
    assert reverse("web:rights_screening_detail", args=[granted.screening_id]) + "#droit-aide_logement" in page
    reception = member_of(structure, Role.ACCUEIL)
    page = text(client_for(reception).get(reverse("web:person_detail", args=[person.pk])))
    assert "Suivi des droits" not in page and "Relance prévue" not in page


def test_claims_already_in_progress_get_their_reminder_when_migrating(worker, today):
    migration = importlib.import_module("appui.rights.migrations.0006_claims_reminder")
    person = PersonFactory(structure=worker.structure)
    claim = _claim(person, by=worker, claimed_on=today - 10 * DAY, reminder_on=None)
    to_claim = _claim(person, by=worker, reminder_on=None, status=RightStatus.TO_CLAIM, benefit="prime_activite")
    migration.remind_claims_in_progress(apps, None)
    claim.refresh_from_db()
    to_claim.refresh_from_db()
    assert claim.reminder_on == today + 20 * DAY and to_claim.reminder_on is None


def test_the_euros_secured_by_a_claim_followed_to_its_end_are_in_the_statistics(worker, client_for, today):
    follow_up = _claim(
        PersonFactory(structure=worker.structure), by=worker, claimed_on=today - 5 * DAY, reminder_on=today
    )
    client = client_for(worker)
    _post(client, follow_up, status="obtenu", claimed_on=(today - 5 * DAY).isoformat(), granted_amount="560")
    follow_up.refresh_from_db()
    assert follow_up.reminder_on is None
    period = {"periode": "personnalisee", "du": today.isoformat(), "au": today.isoformat()}
    page = text(client.get(reverse("web:statistics"), period))
    assert "Euros par mois obtenus" in page and "560,00" in page
    assert RightFollowUp.objects.reminders_due(today).count() == 0
