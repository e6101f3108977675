"""Reading a caseload screening's results is journaled like reading each person they name.

The attack: a member could read the screening results (resources, probable rights) of every person of the
structure page after page, through the API or in a spreadsheet, and no person's history showed it.
"""

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent
from appui.reporting.selectors import person_audit_trail
from appui.rights.enums import CaseloadSource
from tests.people.factories import PersonFactory

from .factories import CaseloadResultFactory, CaseloadScreeningFactory


@pytest.fixture
def job(structure):
    job = CaseloadScreeningFactory(structure=structure, source=CaseloadSource.STRUCTURE, total=3, with_rights=3)
    for position in (0, 1):
        CaseloadResultFactory(job=job, position=position, person=PersonFactory(structure=structure), line=None)
    CaseloadResultFactory(job=job, position=2, person=None)  # a row of a file: it names nobody
    return job


def _reads(action):
    return AuditEvent.objects.filter(action=action).order_by("person_id")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "action"),
    [
        ("web:rights_caseload_detail", AuditAction.CASELOAD_RESULT_VIEW),
        ("web:rights_caseload_export_csv", AuditAction.CASELOAD_RESULT_EXPORT),
        ("web:rights_caseload_export_xlsx", AuditAction.CASELOAD_RESULT_EXPORT),
    ],
)
def test_each_person_whose_result_is_read_on_a_page_or_in_a_file_sees_it_in_their_history(
    url_name, action, job, structure, member_of, client_for
):
    member = member_of(structure, Role.MEDIATEUR)
    assert client_for(member).get(reverse(url_name, args=[job.pk])).status_code == 200
    named = sorted(r.person_id for r in job.results.exclude(person=None))
    reads = list(_reads(action))
    assert [e.person_id for e in reads] == named
    assert {(e.actor_id, e.structure_id, e.purpose) for e in reads} == {
        (member.user_id, structure.pk, AuditPurpose.ACCOMPANIMENT)
    }
    for result in job.results.exclude(person=None):
        assert person_audit_trail(result.person).filter(action=action).count() == 1


@pytest.mark.django_db
def test_the_api_journals_the_persons_of_the_page_it_returns(
    job, structure, member_of, client_for, django_capture_on_commit_callbacks
):
    member = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    client = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("api:rights_caseload_results", kwargs={"job_pk": job.pk}))
    assert response.status_code == 200
    reads = _reads(AuditAction.CASELOAD_RESULT_VIEW)
    assert sorted(reads.values_list("person_id", flat=True)) == sorted(
        job.results.exclude(person=None).values_list("person_id", flat=True)
    )
    assert not reads.filter(seq=None).exists()  # written together, linked into the chain on commit
