"""Orienting a person: consent, shared fields, sheets, statuses, follow-up, and the inbox across structures."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.orientations.enums import ConsentMode, ReferralStatus, SharedField
from appui.orientations.models import Referral
from appui.orientations.selectors import referral_counts
from appui.orientations.services import referral_answer, referral_create, referral_update
from tests.conftest import logged_in_client
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.people.factories import PersonFactory
from tests.places.factories import OwnPlaceFactory, PlaceFactory
from tests.rights.factories import RightFollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure, phone="06 11 22 33 44", email="elise@example.org")


def orient(worker, person, place, shared=(SharedField.IDENTITY, SharedField.REASON), **kwargs):
    return referral_create(
        membership=worker,
        person=person,
        place=place,
        consent_mode=ConsentMode.ORAL,
        shared_fields=list(shared),
        fields={"reason": "Créer son espace CAF.", **kwargs.pop("fields", {})},
        **kwargs,
    )


def test_from_a_diagnostic_the_search_opens_with_its_workshops_then_the_referral_is_recorded(worker, person):
    diagnostic = DiagnosticFactory(person=person, answers=answers(skill="1"))
    place = PlaceFactory(services=["maitrise-outils-numeriques"], support_modes=["atelier-collectif"])
    client = logged_in_client(worker)
    response = client.get(f"/personnes/{person.pk}/orienter/", {"diagnostic": diagnostic.pk})
    assert response.status_code == 302
    target = urlparse(response["Location"])
    params = parse_qs(target.query)
    assert (
        target.path == "/annuaire/"
        and params["pour"] == [str(person.pk)]
        and params["diagnostic"] == [str(diagnostic.pk)]
    )
    assert "maitrise-outils-numeriques" in params["services"]
    page = client.get(response["Location"]).content.decode()
    assert "Orienter ici" in page and place.name in page
    form = client.get(f"/personnes/{person.pk}/orienter/", {"lieu": place.pk, "diagnostic": diagnostic.pk})
    assert "Ateliers conseillés après le diagnostic" in form.content.decode()
    created = client.post(
        f"/personnes/{person.pk}/orienter/",
        {
            "lieu": place.pk,
            "diagnostic": diagnostic.pk,
            "target_kind": "mediation_numerique",
            "reason": "Ateliers conseillés : e-mail.",
            "shared_fields": ["identite", "numerique", "motif"],
            "consent_mode": "oral",
            "follow_up_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    referral = Referral.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/orientations/{referral.pk}/"
    assert referral.origin == "diagnostic" and referral.diagnostic == diagnostic
    assert referral.shared_data["numerique"]["level"] == diagnostic.result.level_label
    assert set(referral.shared_data) == {"identite", "numerique", "motif"}
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_CREATE, person_id=person.pk).exists()


def test_no_referral_without_the_persons_consent(worker, person):
    place = PlaceFactory()
    client = logged_in_client(worker)
    response = client.post(
        f"/personnes/{person.pk}/orienter/", {"lieu": place.pk, "target_kind": "autre", "reason": "x"}
    )
    assert response.status_code == 200 and "accord de la personne est nécessaire" in response.content.decode()
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError):
        referral_create(membership=worker, person=person, place=place, consent_mode="", shared_fields=[], fields={})


def test_only_the_fields_the_person_agreed_to_share_are_copied(worker, person):
    referral = orient(worker, person, PlaceFactory(), shared=[SharedField.IDENTITY])
    assert referral.shared_data == {"identite": {"first_name": "Élise", "last_name": person.last_name}}
    person.first_name = "Éliane"
    person.save()
    referral.refresh_from_db()
    assert referral.shared_data["identite"]["first_name"] == "Élise"  # what was consented that day
    with pytest.raises(ValidationError):
        orient(worker, person, PlaceFactory(), shared=[SharedField.REASON], fields={"reason": ""})


def test_the_sheets_say_where_when_what_to_bring_and_the_prescription_only_the_shared_fields(worker, person):
    place = PlaceFactory(name="Médiathèque Jean Macé", opening_hours="Mo-Fr 09:00-12:00", phone="+33472000000")
    referral = orient(worker, person, place, fields={"documents_to_bring": "Carte Vitale", "contact_name": "Nadia"})
    client = logged_in_client(worker)
    sheet = client.get(f"/orientations/{referral.pk}/fiche-personne/").content.decode()
    for expected in (
        "Médiathèque Jean Macé",
        "1 rue de la République",
        "9 h – 12 h",
        "Carte Vitale",
        "Nadia",
        "04 72 00 00 00",
    ):
        assert expected in sheet
    prescription = client.get(f"/orientations/{referral.pk}/prescription/").content.decode()
    assert person.last_name.upper() in prescription and "Créer son espace CAF." in prescription
    assert "06 11 22 33 44" not in prescription and "elise@example.org" not in prescription


def test_cross_structure_inbox_shows_only_the_shared_fields_and_carries_the_answer_back(
    worker, person, other_structure, member_of
):
    place = OwnPlaceFactory(structure=other_structure, name="Espace B")
    referral = orient(worker, person, place, shared=[SharedField.IDENTITY, SharedField.PHONE, SharedField.REASON])
    assert referral.target_structure == other_structure
    receiver = member_of(other_structure, Role.MEDIATEUR)
    client_b = logged_in_client(receiver)
    inbox = client_b.get("/orientations/recues/").content.decode()
    assert person.last_name.upper() in inbox
    detail = client_b.get(f"/orientations/recues/{referral.pk}/").content.decode()
    assert "06 11 22 33 44" in detail and "Créer son espace CAF." in detail
    for private in ("elise@example.org", person.file_number, "Situation détaillée confidentielle", "17/05/1980"):
        assert private not in detail
    assert AuditEvent.objects.filter(
        action=AuditAction.REFERRAL_RECEIVED_VIEW, structure=other_structure, person_id=person.pk
    ).exists()
    # Nothing else of A's record is reachable from B.
    assert client_b.get(f"/orientations/{referral.pk}/").status_code == 404
    assert client_b.get(f"/personnes/{person.pk}/").status_code == 404
    refused = client_b.post(f"/orientations/recues/{referral.pk}/reponse/", {"status": "refusee"})
    assert refused.status_code == 400 and "Indiquez le motif du refus" in refused.content.decode()
    answer = client_b.post(
        f"/orientations/recues/{referral.pk}/reponse/",
        {"status": "refusee", "refusal_reason": "complet", "message": "Plus de place ce mois-ci."},
    )
    assert answer.status_code == 302
    sender_view = logged_in_client(worker).get(f"/orientations/{referral.pk}/").content.decode()
    assert "Refusée" in sender_view and "Plus de place ce mois-ci." in sender_view
    assert "Le service est complet" in sender_view


def test_the_sender_cannot_answer_for_a_structure_that_uses_appui_but_may_note_no_answer(
    worker, person, other_structure
):
    referral = orient(worker, person, OwnPlaceFactory(structure=other_structure))
    with pytest.raises(ValidationError):
        referral_update(membership=worker, referral=referral, fields={"status": ReferralStatus.ACCEPTED})
    referral_update(membership=worker, referral=referral, fields={"status": ReferralStatus.NO_ANSWER})
    assert referral.status == ReferralStatus.NO_ANSWER


def test_a_place_outside_appui_is_followed_by_the_sender_with_dora_statuses(worker, person):
    referral = orient(worker, person, PlaceFactory())
    referral_update(membership=worker, referral=referral, fields={"status": ReferralStatus.IN_PROGRESS})
    with pytest.raises(ValidationError):
        referral_update(membership=worker, referral=referral, fields={"status": ReferralStatus.REFUSED})
    referral_update(
        membership=worker,
        referral=referral,
        fields={
            "status": ReferralStatus.REFUSED,
            "refusal_reason": "non_eligible",
            "response_message": "Hors secteur.",
        },
    )
    referral.refresh_from_db()
    assert (referral.status, referral.refusal_reason) == ("refusee", "non_eligible")


def test_only_the_receiving_structure_answers(worker, person, other_structure, member_of, structure):
    referral = orient(worker, person, OwnPlaceFactory(structure=other_structure))
    with pytest.raises(PermissionDenied):
        referral_answer(membership=worker, referral=referral, status=ReferralStatus.ACCEPTED)
    dpo = member_of(other_structure, Role.DPO)
    with pytest.raises(PermissionDenied):
        referral_answer(membership=dpo, referral=referral, status=ReferralStatus.ACCEPTED)
    accepted = referral_answer(
        membership=member_of(other_structure, Role.ACCUEIL), referral=referral, status=ReferralStatus.ACCEPTED
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    with pytest.raises(ValidationError):
        referral_answer(
            membership=member_of(other_structure, Role.ACCUEIL),
            referral=referral,
            status=ReferralStatus.REFUSED,
            refusal_reason="complet",
        )


def test_orienting_from_a_found_right_needs_a_role_that_reads_the_situation(structure, member_of, person):
    right = RightFollowUpFactory(screening__person=person)
    place = PlaceFactory()
    accueil = logged_in_client(member_of(structure, Role.ACCUEIL))
    assert accueil.get(f"/personnes/{person.pk}/orienter/", {"droit": right.pk, "lieu": place.pk}).status_code == 403
    social = logged_in_client(member_of(structure, Role.TRAVAILLEUR_SOCIAL))
    page = social.get(f"/personnes/{person.pk}/orienter/", {"droit": right.pk, "lieu": place.pk}).content.decode()
    assert "Revenu de solidarité active" in page  # the benefit, and its documents pre-filled


def test_an_anonymous_record_shares_only_the_reason(worker, structure):
    anonymous = PersonFactory(structure=structure, is_anonymous=True, last_name="", first_name="")
    with pytest.raises(ValidationError):
        orient(worker, anonymous, PlaceFactory(), shared=[SharedField.IDENTITY, SharedField.REASON])
    assert orient(worker, anonymous, PlaceFactory(), shared=[SharedField.REASON]).shared_data == {
        "motif": "Créer son espace CAF."
    }


def test_follow_ups_due_appear_in_ma_journee_and_received_referrals_are_counted(
    worker, person, other_structure, member_of
):
    referral = orient(
        worker, person, PlaceFactory(name="Maison France Services"), fields={"follow_up_on": timezone.localdate()}
    )
    text = logged_in_client(worker).get("/").content.decode()
    assert "Orientations à suivre" in text and f"/orientations/{referral.pk}/" in text
    orient(worker, person, OwnPlaceFactory(structure=other_structure))
    inbox = logged_in_client(member_of(other_structure, Role.MEDIATEUR)).get("/").content.decode()
    assert "1 orientation reçue attend une réponse" in inbox


def test_archived_persons_referrals_are_hidden_and_the_dpo_does_not_read_referrals(
    worker, person, structure, member_of
):
    referral = orient(worker, person, PlaceFactory())
    dpo = logged_in_client(member_of(structure, Role.DPO))
    assert dpo.get(f"/orientations/{referral.pk}/").status_code == 403
    person.archived_at = timezone.now()
    person.save()
    assert logged_in_client(worker).get(f"/orientations/{referral.pk}/").status_code == 404


def test_statistics_count_referrals_by_status_and_kind_for_a_period(
    worker, person, structure, other_structure, member_of
):
    orient(worker, person, PlaceFactory(programmes=["france-services"]))
    accepted = orient(worker, person, PlaceFactory())
    referral_update(membership=worker, referral=accepted, fields={"status": ReferralStatus.ACCEPTED})
    orient(member_of(other_structure), PersonFactory(structure=other_structure), PlaceFactory())
    today = timezone.localdate()
    rows = referral_counts(structure_ids=[structure.pk], start=today, end=today)
    assert sorted((r["status"], r["target_kind"], r["count"]) for r in rows) == [
        ("acceptee", "mediation_numerique", 1),
        ("nouvelle", "aide_demarches", 1),
    ]
    assert (
        referral_counts(
            structure_ids=[structure.pk],
            start=today + datetime.timedelta(days=1),
            end=today + datetime.timedelta(days=2),
        )
        == []
    )


def test_the_right_of_access_exports_referrals_and_anonymisation_erases_what_was_shared(worker, person, member_of):
    from appui.people.enums import ExportPartKind
    from appui.people.export import PartKey, Theme, build_export
    from appui.people.export_readers import MemberReader
    from appui.people.retention import ANONYMISERS

    referral = orient(worker, person, PlaceFactory(name="Lieu X"))
    export = build_export(person=person, reader=MemberReader(worker, person))
    section = next(s for s in export.sections if s.theme == Theme.REFERRALS)
    entries = {entry.key: entry.value for entry in section.records[0].entries}
    assert entries["place"] == "Lieu X" and entries["reason"] == "Créer son espace CAF."
    # The DPO reads no referral in Appui: the export withholds them from the DPO as a part to hand over.
    dpo = member_of(person.structure, Role.DPO)
    withheld = build_export(person=person, reader=MemberReader(dpo, person))
    assert Theme.REFERRALS not in {s.theme for s in withheld.sections}
    assert PartKey(ExportPartKind.REFERRALS) in withheld.withheld
    ANONYMISERS["orientations.Referral"](person)
    referral.refresh_from_db()
    assert referral.shared_data == {} and referral.reason == "" and referral.status == ReferralStatus.NEW


def test_a_past_follow_up_date_does_not_block_recording_the_answer(worker, person):
    import datetime as dt

    referral = orient(worker, person, PlaceFactory(), fields={"follow_up_on": timezone.localdate()})
    Referral.objects.filter(pk=referral.pk).update(follow_up_on=timezone.localdate() - dt.timedelta(days=10))
    referral.refresh_from_db()
    response = logged_in_client(worker).post(
        f"/orientations/{referral.pk}/suivi/",
        {"status": "acceptee", "follow_up_on": referral.follow_up_on.isoformat(), "appointment_at": ""},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    with pytest.raises(ValidationError):
        referral_update(
            membership=worker, referral=referral, fields={"follow_up_on": timezone.localdate() - dt.timedelta(days=5)}
        )
