import datetime
import hashlib
import html

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appui.accompaniments.models import Accompaniment
from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.mandates.models import Mandate, MandateUse
from appui.mandates.services import mandate_create
from tests.accompaniments.factories import FIRST_PLACE
from tests.core.pdf import pdf_text
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


def _on_behalf(**extra):
    data = {
        "date": timezone.localdate().isoformat(),
        "duration": "15",
        "where": FIRST_PLACE,
        "mode": "fait_a_la_place",
        "themes": ["logement"],
    }
    data.update(extra)
    return data


def _mandate(worker, person, categories=("logement", "argent"), duration="6m"):
    return mandate_create(
        membership=worker, person=person, categories=list(categories), duration=duration, person_present=True
    )


@pytest.mark.django_db
def test_create_a_mandate_in_person_through_the_page(worker, person, client_for):
    client = client_for(worker)
    page = _text(client.get(reverse("web:mandate_create", args=[person.pk])))
    assert "n'enregistre jamais les mots de passe" in page
    refused = client.post(
        reverse("web:mandate_create", args=[person.pk]), {"categories": ["logement"], "duration": "1m"}
    )
    assert refused.status_code == 200 and not Mandate.objects.exists()  # the person must be present and agree
    response = client.post(
        reverse("web:mandate_create", args=[person.pk]),
        {"categories": ["logement", "papiers"], "duration": "1m", "person_present": "on"},
    )
    mandate = Mandate.objects.get()
    assert response["Location"] == reverse("web:mandate_detail", args=[mandate.pk])
    assert mandate.categories == ["logement", "papiers"]
    assert 28 <= (mandate.expires_at - mandate.starts_at).days <= 31
    assert f"Mandat n° {mandate.pk}" in _text(client.get(reverse("web:person_detail", args=[person.pk])))


@pytest.mark.django_db
def test_attestation_pdf_hash_matches_the_journal(worker, person, client_for):
    mandate = _mandate(worker, person)
    response = client_for(worker).get(reverse("web:mandate_attestation", args=[mandate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="mandates.create", person_id=person.pk)
    assert hashlib.sha256(pdf).hexdigest() == event.detail["pdf_sha256"] == mandate.attestation_sha256
    assert event.detail["content_hash"] == mandate.content_hash
    text = pdf_text(pdf)
    assert mandate.content_hash in text  # the hash is printed on the attestation
    assert f"version {mandate.consent_version}" in text


@pytest.mark.django_db
def test_on_behalf_without_a_mandate_is_refused(worker, person, client_for):
    response = client_for(worker).post(reverse("web:accompaniment_create", args=[person.pk]), _on_behalf())
    assert response.status_code == 200
    assert "exige un mandat valide" in _text(response)
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_on_behalf_with_a_covering_mandate_is_recorded_and_journaled(worker, person, client_for):
    mandate = _mandate(worker, person)
    response = client_for(worker).post(
        reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk)
    )
    assert response.status_code == 302
    use = MandateUse.objects.get()
    assert (
        use.mandate == mandate and use.accompaniment == Accompaniment.objects.get() and use.categories == ["logement"]
    )
    assert AuditEvent.objects.filter(action="mandates.use", person_id=person.pk).count() == 1
    assert "Aucune démarche faite" not in _text(
        client_for(worker).get(reverse("web:mandate_detail", args=[mandate.pk]))
    )


@pytest.mark.django_db
def test_a_mandate_that_does_not_cover_the_category_is_refused(worker, person, client_for):
    mandate = _mandate(worker, person, categories=("papiers",))
    response = client_for(worker).post(
        reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk)
    )
    assert "ne couvre pas" in _text(response)
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_on_behalf_needs_a_procedure_category(worker, person, client_for):
    mandate = _mandate(worker, person)
    response = client_for(worker).post(
        reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk, themes=["email"])
    )
    assert "catégorie de démarche" in _text(response)
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_a_revoked_category_no_longer_covers_and_revocation_has_its_attestation(worker, person, client_for):
    mandate = _mandate(worker, person)
    client = client_for(worker)
    client.post(
        reverse("web:mandate_revoke", args=[mandate.pk]), {"categories": ["logement"], "reason": "à sa demande"}
    )
    mandate.refresh_from_db()
    assert mandate.active_categories() == ["argent"] and mandate.revoked_at is None
    refused = client.post(reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk))
    assert "ne couvre pas" in _text(refused)
    allowed = client.post(
        reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk, themes=["argent"])
    )
    assert allowed.status_code == 302
    revocation = mandate.revocations.get()
    pdf = client.get(reverse("web:revocation_attestation", args=[revocation.pk])).content
    event = AuditEvent.objects.get(action="mandates.revoke")
    assert hashlib.sha256(pdf).hexdigest() == event.detail["pdf_sha256"] == revocation.attestation_sha256


@pytest.mark.django_db
def test_a_wholly_revoked_mandate_covers_nothing(worker, person, client_for):
    mandate = _mandate(worker, person)
    client = client_for(worker)
    unconfirmed = client.post(reverse("web:mandate_revoke", args=[mandate.pk]), {"reason": ""}, follow=True)
    # A whole revocation asks for confirmation and names what it withdraws; nothing is revoked before.
    assert "cochez la case de confirmation" in _text(unconfirmed)
    assert "Logement" in _text(unconfirmed) and "Argent" in _text(unconfirmed)
    mandate.refresh_from_db()
    assert mandate.revoked_at is None and not mandate.revocations.exists()
    client.post(reverse("web:mandate_revoke", args=[mandate.pk]), {"reason": "", "confirm_whole": "on"})
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.active_categories() == []
    response = client.post(reverse("web:accompaniment_create", args=[person.pk]), _on_behalf(mandate=mandate.pk))
    assert response.status_code == 200 and not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_an_expired_mandate_no_longer_covers(worker, person):
    from django.core.exceptions import ValidationError

    from appui.accompaniments.services import accompaniment_create

    mandate = _mandate(worker, person, duration="1j")
    # Simulate the passing of time: the mandate ended an hour ago.
    Mandate.objects.filter(pk=mandate.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=1, hours=1),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    mandate.refresh_from_db()
    fields = {
        "date": timezone.localdate(),
        "duration_minutes": 10,
        "place_kind": "lieu_activite",
        "themes": ["logement"],
        "mode": "fait_a_la_place",
    }
    with pytest.raises(ValidationError, match="plus valide"):
        accompaniment_create(membership=worker, person=person, fields=fields, mandate=mandate)
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_another_persons_mandate_is_refused(worker, structure, person):
    from django.core.exceptions import ValidationError

    from appui.accompaniments.services import accompaniment_create

    other = _mandate(worker, PersonFactory(structure=structure))
    fields = {
        "date": timezone.localdate(),
        "duration_minutes": 10,
        "place_kind": "lieu_activite",
        "themes": ["logement"],
        "mode": "fait_a_la_place",
    }
    with pytest.raises(ValidationError, match="ne concerne pas"):
        accompaniment_create(membership=worker, person=person, fields=fields, mandate=other)


@pytest.mark.django_db
def test_api_refuses_on_behalf_without_mandate_and_accepts_with_one(worker, person, client_for):
    client = client_for(worker)
    body = {
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 15,
        "place_kind": "lieu_activite",
        "themes": ["logement"],
        "mode": "fait_a_la_place",
    }
    url = f"/api/v1/persons/{person.pk}/accompaniments/"
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "mandat" in refused.json()["mandate"][0]
    mandate = _mandate(worker, person)
    created = client.post(url, {**body, "mandate_id": mandate.pk}, content_type="application/json")
    assert created.status_code == 201 and created.json()["mandate_id"] == mandate.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.DPO])
def test_roles_without_social_mission_cannot_create_mandates(role, structure, member_of, person, client_for):
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:mandate_create", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_reminders_before_expiry_are_sent_once(worker, person, django_capture_on_commit_callbacks):
    _mandate(worker, person, duration="1m")
    soon = _mandate(worker, PersonFactory(structure=person.structure), duration="1j")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mandate_reminders", "--jours", "15")
    assert len(mail.outbox) == 1 and f"n° {soon.pk}" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mandate_reminders")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_dashboard_lists_mandates_expiring_soon(worker, person, client_for):
    soon = _mandate(worker, person, duration="1j")
    later = _mandate(worker, PersonFactory(structure=person.structure), duration="12m")
    page = _text(client_for(worker).get(reverse("web:dashboard")))
    assert reverse("web:mandate_detail", args=[soon.pk]) in page
    assert reverse("web:mandate_detail", args=[later.pk]) not in page


def test_a_mandate_ends_at_the_same_paris_time_across_a_change_of_summer_time():
    from zoneinfo import ZoneInfo

    from appui.mandates.services import mandate_end

    paris = ZoneInfo("Europe/Paris")
    signed = datetime.datetime(2026, 1, 15, 18, 40, tzinfo=paris).astimezone(datetime.UTC)  # winter, UTC+1
    for duration, expected in [
        ("6m", datetime.datetime(2026, 7, 15, 18, 40)),  # summer, UTC+2
        ("12m", datetime.datetime(2027, 1, 15, 18, 40)),
        ("1m", datetime.datetime(2026, 2, 15, 18, 40)),
    ]:
        end = mandate_end(signed, duration).astimezone(paris)
        assert end.replace(tzinfo=None) == expected, duration
    # The night the clocks go forward, "one day" is the same time the next evening, not 24 hours later.
    evening = datetime.datetime(2026, 3, 28, 18, 40, tzinfo=paris)
    assert mandate_end(evening, "1j").astimezone(paris).replace(tzinfo=None) == datetime.datetime(2026, 3, 29, 18, 40)


@pytest.mark.django_db
def test_the_consent_text_follows_the_choices_before_saving(worker, person, client_for):
    client = client_for(worker)
    url = reverse("web:mandate_create", args=[person.pk])
    blank = _text(client.get(url))
    assert "catégories suivantes : ." not in blank and "aucune catégorie choisie" in blank
    assert "(durée à choisir)" in blank
    choices = {"categories": ["logement", "argent"], "duration": "6m"}
    # As the worker ticks (htmx posts the form on each change), only the text comes back.
    live = client.post(url, choices, headers={"HX-Request": "true"})
    text = _text(live)
    assert "<form" not in text and "Logement, Argent" in text
    now = timezone.localtime()
    end = (now + relativedelta(months=6)).date()
    assert f"au {end:%d/%m/%Y} à" in text
    # Without JavaScript, "Mettre à jour le texte" shows the same text and saves nothing.
    preview = _text(client.post(url, {**choices, "apercu": "1"}))
    assert "Logement, Argent" in preview and f"au {end:%d/%m/%Y} à" in preview and "<form" in preview
    assert not Mandate.objects.exists()
