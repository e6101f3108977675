"""Rights data and the person's rights: the art. 15 export shows it, anonymisation erases what identifies."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from appui.people.export import person_access_data
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


def test_the_right_of_access_export_holds_screenings_follow_ups_and_caseload_results(person_with_rights):
    data = json.loads(json.dumps(person_access_data(person_with_rights)["enregistrements"], default=str))
    assert data["rights.Screening"][0]["réponses"]["children"][0]["label"] == "Enfantcanari"
    assert data["rights.RightFollowUp"][0]["droit"]["libellé"] == "Revenu de solidarité active (RSA)"
    assert data["rights.CaseloadResult"][0]["hypothèses"] == ["Scolarité de Enfantcanari…"]


def test_anonymisation_erases_answers_and_assumptions_and_keeps_amounts_for_statistics(person_with_rights):
    person_anonymise(person=person_with_rights, now=timezone.now())
    screening = person_with_rights.rights_screenings.get()
    assert screening.answers == {} and screening.situation == {}
    assert screening.results[0]["benefit"] == "rsa" and screening.unclaimed_monthly_total > 0
    assert person_with_rights.rights_follow_ups.get().monthly_amount > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT assumptions FROM rights_caseloadresult")
        (stored,) = cursor.fetchone()
    from appui.core.crypto import decrypt

    assert decrypt(stored, context="rights.CaseloadResult.assumptions") == "[]"
