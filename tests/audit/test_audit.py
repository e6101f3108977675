import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent, ImmutableAuditError
from tests.people.factories import PersonFactory


@pytest.mark.django_db
def test_each_person_page_read_writes_one_complete_audit_event(structure, member_of, client_for):
    member = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    client = client_for(member)

    for expected in (1, 2):
        assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 200
        events = AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW, person_id=person.pk)
        assert events.count() == expected

    event = events.first()
    assert event.actor == member.user
    assert event.structure == structure
    assert event.object_type == "people.person"
    assert event.object_id == str(person.pk)
    assert event.purpose == AuditPurpose.ACCOMPANIMENT
    assert event.created_at is not None
    assert event.created_at.utcoffset().total_seconds() == 0  # stored and returned in UTC


@pytest.mark.django_db
def test_api_person_read_is_audited_too(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    person = PersonFactory(structure=structure)
    assert client_for(member).get(f"/api/v1/persons/{person.pk}/").status_code == 200
    assert (
        AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW, person_id=person.pk, actor=member.user).count() == 1
    )


@pytest.mark.django_db
def test_dpo_reads_are_recorded_with_the_data_protection_purpose(structure, member_of, client_for):
    dpo = member_of(structure, Role.DPO)
    person = PersonFactory(structure=structure)
    client_for(dpo).get(reverse("web:person_detail", args=[person.pk]))
    assert (
        AuditEvent.objects.get(action=AuditAction.PERSON_VIEW, person_id=person.pk).purpose
        == AuditPurpose.DATA_PROTECTION
    )


@pytest.mark.django_db
def test_a_refused_read_of_another_structure_records_the_refusal_not_a_read(
    structure, other_structure, member_of, client_for
):
    member = member_of(structure)
    foreign = PersonFactory(structure=other_structure)
    assert client_for(member).get(reverse("web:person_detail", args=[foreign.pk])).status_code == 404
    assert not AuditEvent.objects.filter(person_id=foreign.pk).exists()
    refusal = AuditEvent.objects.get()
    assert refusal.action == AuditAction.ACCESS_REFUSED and refusal.structure == structure


@pytest.mark.django_db
def test_writes_are_audited_in_the_same_transaction(structure, member_of, client_for):
    member = member_of(structure)
    response = client_for(member).post(
        reverse("web:person_create"),
        {"last_name": "Moreau", "first_name": "Inès", "birth_date": "1990-02-03", "informed_at": "2026-01-02"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.PERSON_CREATE)
    assert event.actor == member.user and event.person_id is not None


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_audit_events(structure, member_of, client_for):
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    client_for(member).get(reverse("web:person_detail", args=[person.pk]))
    event = AuditEvent.objects.get(person_id=person.pk)
    event.purpose = AuditPurpose.STATISTICS
    with pytest.raises(ImmutableAuditError):
        event.save()
    with pytest.raises(ImmutableAuditError):
        event.delete()
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose=AuditPurpose.STATISTICS)
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).purpose == AuditPurpose.ACCOMPANIMENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET purpose = 'statistiques'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_raw_sql_cannot_change_or_delete_audit_events(statement, structure, member_of, client_for):
    """On PostgreSQL (and SQLite) a trigger refuses raw UPDATE and DELETE from the application's connection."""
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    client_for(member).get(reverse("web:person_detail", args=[person.pk]))
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(purpose=AuditPurpose.STATISTICS).exists()


PROTECTIVE_TRIGGERS = {
    "audit_auditevent_no_update",
    "audit_auditevent_no_delete",
    "audit_auditchainhead_forward_only",
    "audit_auditretention_grow_only",
}


@pytest.mark.django_db
def test_the_protective_triggers_survive_every_migration():
    """SQLite drops a table's triggers when a migration rebuilds it: a later migration must create them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert PROTECTIVE_TRIGGERS <= names, sorted(PROTECTIVE_TRIGGERS - names)
