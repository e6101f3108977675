"""Rights data and the person's rights: the art. 15 export shows it, anonymisation erases what identifies."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from appui.accounts.enums import Role
from appui.people.export import PartKey, build_export, export_json
from appui.people.export_readers import MemberReader
from appui.people.retention import person_anonymise
from tests.people.factories import HouseholdMemberFactory, PersonFactory

from .factories import CaseloadResultFactory, RightFollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_rights(structure):
    person = PersonFactory(structure=structure)
    HouseholdMemberFactory(household__person=person, first_name="Enfantcanari", birth_date=datetime.date(2015, 1, 1))
    follow_up = RightFollowUpFactory(screening__person=person)
    screening = follow_up.screening
    screening.answers["children"] = [{"label": "Enfantcanari", "birth_date": "2015-01-01", "schooling": None}]
    screening.save()
    CaseloadResultFactory(job__structure=structure, person=person, assumptions=["Scolarité de Enfantcanari…"])
    return person


def test_the_right_of_access_export_holds_screenings_follow_ups_and_caseload_results(
    person_with_rights, structure, member_of
):
    worker = member_of(structure, Role.MEDIATEUR)
    export = build_export(person=person_with_rights, reader=MemberReader(worker, person_with_rights))
    records = json.loads(json.dumps(export_json(export)))["sections"]["droits"]
    by_type = {record["type"]: record for record in records}
    assert by_type["screening"]["answers"]["children"][0]["label"] == "Enfantcanari"
    assert by_type["right_follow_up"]["benefit"]["label"] == "Revenu de solidarité active (RSA)"
    assert by_type["caseload_result"]["assumptions"] == ["Scolarité de Enfantcanari…"]


def test_the_rights_are_a_part_apart_for_the_dpo(person_with_rights, structure, member_of):
    dpo = member_of(structure, Role.DPO)
    export = build_export(person=person_with_rights, reader=MemberReader(dpo, person_with_rights))
    assert "droits" not in export_json(export)["sections"] and PartKey("droits") in export.withheld


def test_anonymisation_erases_answers_and_assumptions_and_keeps_amounts_for_statistics(person_with_rights):
    person_anonymise(person=person_with_rights, now=timezone.now())
    screening = person_with_rights.rights_screenings.get()
    assert screening.answers == {} and screening.situation == {}
    assert screening.results[0]["benefit"] == "rsa" and screening.unclaimed_monthly_total > 0
    assert person_with_rights.rights_follow_ups.get().monthly_amount > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT assumptions FROM rights_caseloadresult")
        (stored,) = cursor.fetchone()
    assert stored == "[]"  # an empty list is stored as such: emptiness is not secret
