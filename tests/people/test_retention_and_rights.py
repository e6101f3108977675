"""Retention (archive, anonymise, elimination lists), the art. 15 export, the register of requests."""

import datetime
import html

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role, StructureType
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.people.export import EXPORTERS, MissingExporterError, build_export
from appui.people.export_readers import SealedReader
from appui.people.models import Person, PersonSearchToken
from appui.people.requests import RightsRequest
from appui.people.retention import ANONYMISERS, EliminationList, apply_retention, person_linked_models
from tests.accompaniments.factories import AccompanimentFactory
from tests.accounts.factories import StructureFactory
from tests.core.test_encryption import raw_dump
from tests.people.factories import HouseholdMemberFactory, PersonFactory

CANARY_NAME = "Canarinom"
CANARY_NOTE = "CANARI-note-retention-5d2c"


def _text(response):
    return html.unescape(response.content.decode())


def _old_person(structure, member_of, client_for, months_ago=25):
    """A person with an accompaniment, whose last activity was ``months_ago`` months ago."""
    worker = member_of(structure)
    person = PersonFactory(structure=structure, last_name=CANARY_NAME, phone="0611223344")
    HouseholdMemberFactory(household__person=person, first_name="Enfantcanari")
    AccompanimentFactory(person=person, author=worker.user, notes=CANARY_NOTE)
    client_for(worker).get(reverse("web:person_detail", args=[person.pk]))  # an audit event naming the person
    Person.objects.filter(pk=person.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=months_ago * 31)
    )
    return person


@pytest.mark.django_db
def test_dry_run_lists_without_changing(structure, member_of, client_for, capsys):
    person = _old_person(structure, member_of, client_for)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"Archiver : {person.file_number}" in out and "seraient archivée" in out
    person.refresh_from_db()
    assert person.archived_at is None


@pytest.mark.django_db
def test_inactive_persons_are_archived_then_readable_by_the_dpo_only(structure, member_of, client_for):
    person = _old_person(structure, member_of, client_for)
    recent = PersonFactory(structure=structure, last_activity_at=timezone.now())
    report = apply_retention()
    assert [p.pk for p in report.archived] == [person.pk]
    person.refresh_from_db()
    assert person.archived_at is not None
    social = client_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL))
    assert social.get(reverse("web:person_detail", args=[person.pk])).status_code == 404
    assert social.get(reverse("web:person_detail", args=[recent.pk])).status_code == 200
    assert (
        client_for(member_of(structure, Role.DPO)).get(reverse("web:person_detail", args=[person.pk])).status_code
        == 200
    )


@pytest.mark.django_db
def test_frozen_clock_archives_then_anonymises_and_canaries_are_gone_everywhere(member_of, client_for):
    association = StructureFactory(type=StructureType.ASSOCIATION)
    person = _old_person(association, member_of, client_for)
    assert CANARY_NAME.encode() in raw_dump()
    now = timezone.now()
    apply_retention(now=now)
    later = now + datetime.timedelta(days=37 * 31)  # past the 36 months of archive
    report = apply_retention(now=later)
    assert [p.pk for p in report.anonymised] == [person.pk]
    person.refresh_from_db()
    assert person.is_anonymous and person.anonymised_at is not None and person.last_name == ""
    assert person.age_band  # statistics keep an age band
    dump = raw_dump()
    for canary in (CANARY_NAME, "0611223344", "Enfantcanari"):
        assert canary.encode() not in dump, canary
    # The journal keeps who read the record for its own retention: its events still point at the now anonymous
    # record (no name in them: the dump above has none) until purge_audit erases their personal fields.
    assert AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.PERSON_VIEW).exists()
    assert person.accompaniments.get().notes == ""
    assert person.accompaniments.count() == 1  # the activity itself stays in the statistics


@pytest.mark.django_db
def test_public_bodies_get_an_elimination_list_to_approve_first(member_of, client_for):
    ccas = StructureFactory(type=StructureType.CCAS)
    person = _old_person(ccas, member_of, client_for)
    apply_retention()
    later = timezone.now() + datetime.timedelta(days=37 * 31)
    report = apply_retention(now=later)
    assert report.anonymised == [] and list(report.listed[ccas]) == [person]
    elimination = EliminationList.objects.get()
    assert apply_retention(now=later).listed == {}  # listed once, not again
    person.refresh_from_db()
    assert not person.is_anonymous
    dpo = client_for(member_of(ccas, Role.DPO))
    refused = dpo.post(reverse("web:elimination_approve", args=[elimination.pk]), {"reference": ""})
    assert refused.status_code == 302 and not EliminationList.objects.get().approved_at
    assert (
        client_for(member_of(ccas, Role.TRAVAILLEUR_SOCIAL))
        .post(reverse("web:elimination_approve", args=[elimination.pk]), {"reference": "AD69-2029-12"})
        .status_code
        == 403
    )
    dpo.post(reverse("web:elimination_approve", args=[elimination.pk]), {"reference": "AD69-2029-12"})
    person.refresh_from_db()
    assert person.is_anonymous and EliminationList.objects.get().approval_reference == "AD69-2029-12"


def test_every_model_linked_to_a_person_has_an_exporter_and_an_anonymiser():
    labels = {model._meta.label for model in person_linked_models()}
    assert {"accompaniments.Accompaniment", "people.HouseholdMember", "mandates.Mandate"} <= labels
    assert labels <= set(EXPORTERS), sorted(labels - set(EXPORTERS))
    assert labels <= set(ANONYMISERS), sorted(labels - set(ANONYMISERS))


def _one_of_everything(structure, member_of):
    """Create one instance of every model linked to a person; a model without a recipe here fails the test."""
    from appui.mandates.services import mandate_create, mandate_revoke
    from appui.people.requests import rights_request_create
    from appui.service_alerts.services import service_alert_create

    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    dpo = member_of(structure, Role.DPO)
    person = PersonFactory(structure=structure)
    # PersonFactory indexes the names as person_create() does: prefix rows on SQLite, none on PostgreSQL.
    PersonSearchToken.objects.get_or_create(person=person, structure=structure, prefix="d")
    HouseholdMemberFactory(household__person=person)
    mandate = mandate_create(
        membership=worker, person=person, categories=["logement", "papiers"], duration="6m", person_present=True
    )
    from appui.accompaniments.services import accompaniment_create

    accompaniment = accompaniment_create(
        membership=worker,
        person=person,
        fields={
            "date": timezone.localdate(),
            "duration_minutes": 10,
            "place_kind": "lieu_activite",
            "themes": ["logement"],
            "mode": "fait_a_la_place",
        },
        mandate=mandate,
    )
    mandate_revoke(membership=worker, mandate=mandate, categories=["papiers"])
    service_alert_create(
        membership=worker,
        fields={"service": "caf", "step": "x", "occurred_on": timezone.localdate()},
        accompaniment=accompaniment,
    )
    rights_request_create(membership=dpo, person=person, kind="acces", received_on=timezone.localdate())
    from appui.people.export_parts import AccessExportPart

    earlier = RightsRequest.objects.create(  # an access request answered last year, and a part of its export
        structure=structure,
        person=person,
        kind="acces",
        received_on=timezone.localdate() - datetime.timedelta(days=400),
        due_on=timezone.localdate() - datetime.timedelta(days=370),
        status="repondue",
        created_by=dpo.user,
    )
    AccessExportPart.objects.create(
        request=earlier, kind="notes", status="remise", completed_at=timezone.now(), delivery="en_main_propre"
    )
    from tests.diagnostics.factories import DiagnosticFactory

    DiagnosticFactory(person=person)
    from tests.documents.factories import DocumentFactory

    DocumentFactory(person=person, uploaded_by=worker.user)
    from tests.rights.factories import CaseloadResultFactory, RightFollowUpFactory, ScreeningFactory

    screening = ScreeningFactory(person=person)
    RightFollowUpFactory(screening=screening)
    CaseloadResultFactory(job__structure=structure, person=person)
    from tests.orientations.factories import ReferralFactory

    ReferralFactory(person=person, created_by=worker.user)
    recipes = {
        "orientations.Referral",
        "rights.Screening",
        "rights.RightFollowUp",
        "rights.CaseloadResult",
        "people.PersonSearchToken",
        "documents.Document",
        "diagnostics.Diagnostic",
        "people.Household",
        "people.HouseholdMember",
        "accompaniments.Accompaniment",
        "accompaniments.Participation",  # written by accompaniment_create with the accompaniment
        "mandates.Mandate",
        "mandates.MandateRevocation",
        "mandates.MandateUse",
        "service_alerts.ServiceAlert",
        "people.RightsRequest",
        "people.AccessExportPart",
    }
    extra = getattr(_one_of_everything, "extra_recipes", {})
    for label, recipe in extra.items():
        recipe(person, worker)
        recipes.add(label)
    return person, dpo, recipes


@pytest.mark.django_db
def test_register_of_requests_with_the_one_month_deadline(structure, member_of, client_for):
    dpo = client_for(member_of(structure, Role.DPO))
    person = PersonFactory(structure=structure)
    received = timezone.localdate() - datetime.timedelta(days=40)
    dpo.post(
        reverse("web:rights_request_create", args=[person.pk]),
        {"kind": "rectification", "received_on": received.isoformat(), "details": "Adresse erronée"},
    )
    request = RightsRequest.objects.get()
    assert (request.due_on - received).days in range(28, 32)
    page = _text(dpo.get(reverse("web:rights_requests")))
    assert "Rectification (art. 16)" in page and "En retard" in page
    refused = dpo.post(reverse("web:rights_request_answer", args=[request.pk]), {"status": "refusee", "answer": ""})
    assert refused.status_code == 302 and RightsRequest.objects.get().status == "ouverte"
    dpo.post(
        reverse("web:rights_request_answer", args=[request.pk]), {"status": "repondue", "answer": "Adresse corrigée"}
    )
    request.refresh_from_db()
    assert request.status == "repondue" and request.answered_on == timezone.localdate()
    assert b"Adresse corrig" not in raw_dump()  # the answer is encrypted at rest


@pytest.mark.django_db
def test_the_information_notice_has_a_full_and_an_easy_version(structure, member_of, client_for):
    structure.dpo_contact = "dpo@ccas.example.fr"
    structure.save()
    client = client_for(member_of(structure))
    full = _text(client.get(reverse("web:information_notice")))
    easy = _text(client.get(reverse("web:information_notice") + "?version=facile"))
    assert "Article 13" in full and "dpo@ccas.example.fr" in full and "CNIL" in full
    assert "Vous pouvez demander à voir ce que nous avons écrit sur vous." in easy
    assert "appui-easy" in easy and "data-appui-print" in easy


def test_export_refuses_to_run_with_a_missing_exporter(monkeypatch):
    from appui.people import export

    monkeypatch.delitem(export.EXPORTERS, "accompaniments.Accompaniment")
    with pytest.raises(MissingExporterError):
        build_export(person=Person(pk=1), reader=SealedReader(Person(pk=1)))
