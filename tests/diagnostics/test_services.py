import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appui.accompaniments.enums import Autonomy
from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.diagnostics.enums import DiagnosticMode, Recommendation
from appui.diagnostics.models import Diagnostic
from appui.diagnostics.services import diagnostic_create
from tests.diagnostics.factories import answers
from tests.people.factories import PersonFactory


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


@pytest.mark.django_db
def test_create_keeps_raw_answers_summary_and_audit_event(person, structure, member_of):
    member = member_of(structure, Role.MEDIATEUR)
    diagnostic = diagnostic_create(
        membership=member, person=person, mode=DiagnosticMode.WORKER, answers=answers("1", obs_lecture="non")
    )
    diagnostic.refresh_from_db()
    assert diagnostic.answers == answers("1", obs_lecture="non")
    assert diagnostic.bank_version == "v1"
    assert diagnostic.level == Autonomy.PARTIALLY
    assert diagnostic.recommendation == Recommendation.DO_WITH
    assert diagnostic.result.obstacles == ("lecture_ecriture",)
    event = AuditEvent.objects.get(action="diagnostics.create")
    assert event.person_id == person.pk and event.object_id == str(diagnostic.pk)
    assert event.detail == {"mode": "accompagnant", "bank_version": "v1"}
    assert event.purpose == "accompagnement"
    person.refresh_from_db()
    assert person.last_activity_at is not None


@pytest.mark.django_db
def test_every_skill_question_needs_an_answer(person, structure, member_of):
    incomplete = answers("2")
    del incomplete["sec_fraude"]
    with pytest.raises(ValidationError) as error:
        diagnostic_create(
            membership=member_of(structure), person=person, mode=DiagnosticMode.WORKER, answers=incomplete
        )
    assert "sec_fraude" in error.value.message_dict
    assert not Diagnostic.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [{"info_recherche": "4"}, {"obs_equipement": "peut-etre"}, {"question_inventee": "2"}],
)
def test_unknown_answers_are_refused(person, structure, member_of, bad):
    with pytest.raises(ValidationError):
        diagnostic_create(
            membership=member_of(structure), person=person, mode=DiagnosticMode.WORKER, answers=answers("2", **bad)
        )


@pytest.mark.django_db
def test_unknown_mode_is_refused(person, structure, member_of):
    with pytest.raises(ValidationError):
        diagnostic_create(membership=member_of(structure), person=person, mode="robot", answers=answers())


@pytest.mark.django_db
def test_the_dpo_cannot_create_a_diagnostic(person, structure, member_of):
    with pytest.raises(PermissionDenied):
        diagnostic_create(
            membership=member_of(structure, Role.DPO), person=person, mode=DiagnosticMode.WORKER, answers=answers()
        )


@pytest.mark.django_db
def test_nobody_creates_a_diagnostic_for_another_structures_person(structure, other_structure, member_of):
    foreign = PersonFactory(structure=other_structure)
    with pytest.raises(PermissionDenied):
        diagnostic_create(
            membership=member_of(structure), person=foreign, mode=DiagnosticMode.WORKER, answers=answers()
        )


@pytest.mark.django_db
def test_accueil_runs_diagnostics_but_records_obstacles_only_when_the_person_answers_alone(
    person, structure, member_of
):
    accueil = member_of(structure, Role.ACCUEIL)
    created = diagnostic_create(
        membership=accueil, person=person, mode=DiagnosticMode.WORKER, answers=answers("2", obstacle=None)
    )
    assert created.pk
    with pytest.raises(PermissionDenied):
        diagnostic_create(membership=accueil, person=person, mode=DiagnosticMode.WORKER, answers=answers("2"))
    alone = diagnostic_create(membership=accueil, person=person, mode=DiagnosticMode.PERSON, answers=answers("2"))
    assert alone.answers["obs_equipement"] == "oui"
