"""The main pages make as many database queries for 2 rows as for 12: an N+1 cannot come back unnoticed.

Each page is rendered twice, once with a few rows of what it lists and once with many more (persons,
accompaniments by different authors, household members, mandates, documents, follow-ups, caseload results…); the
number of queries must not change. A generous ceiling catches a page that becomes heavy for another reason.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.mandates.services import mandate_create
from appui.runtime import services as runtime_services
from appui.runtime.schedule import SCHEDULE
from tests.accompaniments.factories import AccompanimentFactory
from tests.accounts.factories import MembershipFactory
from tests.documents.factories import DocumentFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory
from tests.rights.factories import CaseloadResultFactory, CaseloadScreeningFactory, RightFollowUpFactory

pytestmark = pytest.mark.django_db

CEILING = 40


def _author(structure):
    return MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL).user


def _person_with(member, person, n):
    """Give a person n accompaniments by n authors, household members, mandates, documents and follow-ups."""
    structure = member.structure
    for i in range(n):
        AccompanimentFactory(person=person, author=_author(structure), date=timezone.localdate())
        HouseholdMemberFactory(household__person=person) if i == 0 else HouseholdMemberFactory(
            household=person.household
        )
        DocumentFactory(person=person, uploaded_by=_author(structure))
        mandate_create(
            membership=MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL),
            person=person,
            categories=["papiers"],
            duration="6m",
            person_present=True,
        )
    person.referents.add(*[_author(structure) for _ in range(n)])


def dashboard(member, n):
    structure = member.structure
    for i in range(n):
        person = PersonFactory(structure=structure)
        AccompanimentFactory(person=person, author=member.user, date=timezone.localdate())
        AccompanimentFactory(
            person=person,
            author=member.user,
            date=timezone.localdate() - datetime.timedelta(days=5),
            follow_up_date=timezone.localdate() - datetime.timedelta(days=i % 3),
        )
        DocumentFactory(person=person, uploaded_by=member.user, expires_on=timezone.localdate())
    return reverse("web:dashboard")


def person_list(member, n):
    for _ in range(n):
        AccompanimentFactory(person=PersonFactory(structure=member.structure), author=_author(member.structure))
    return reverse("web:person_list")


def person_search(member, n):
    for _ in range(n):
        PersonFactory(structure=member.structure, last_name="Martin")
    return reverse("web:person_list") + "?q=martin"


def person_detail(member, n):
    person = PersonFactory(structure=member.structure)
    _person_with(member, person, n)
    return reverse("web:person_detail", args=[person.pk])


def accompaniment_form(member, n):
    person = PersonFactory(structure=member.structure)
    _person_with(member, person, n)
    return reverse("web:accompaniment_create", args=[person.pk])


def rights_page(member, n):
    person = PersonFactory(structure=member.structure)
    benefits = [
        "rsa",
        "prime_activite",
        "aide_logement",
        "aah",
        "asi",
        "aspa",
        "ass",
        "css_gratuite",
        "ars",
        "allocations_familiales",
        "complement_familial",
        "paje_base",
    ]
    for benefit in benefits[:n]:
        RightFollowUpFactory(screening__person=person, person=person, structure=member.structure, benefit=benefit)
    return reverse("web:rights_screening", args=[person.pk])


def caseload_detail(member, n):
    job = CaseloadScreeningFactory(structure=member.structure, status="terminee", total=n, processed=n)
    for _ in range(n):
        CaseloadResultFactory(job=job, person=PersonFactory(structure=member.structure))
    return reverse("web:rights_caseload_detail", args=[job.pk])


def caseload_list(member, n):
    for _ in range(n):
        CaseloadScreeningFactory(structure=member.structure, created_by=_author(member.structure))
    return reverse("web:rights_caseload")


def scheduled_jobs(member, n):
    now = timezone.now()
    for i in range(n):
        runtime_services.heartbeat_record(
            worker_id=f"w{i}", hostname="m", pid=i, started_at=now, state="disponible", tasks_done=i
        )
    from appui.runtime.models import ScheduledRun

    for job in SCHEDULE:
        for day in range(n):
            ScheduledRun.objects.create(job=job.name, slot=now - datetime.timedelta(days=day), status="reussie")
    return reverse("web:scheduled_jobs")


def api_persons(member, n):
    for _ in range(n):
        PersonFactory(structure=member.structure)
    return "/api/v1/persons/"


PAGES = [
    (dashboard, Role.TRAVAILLEUR_SOCIAL),
    (dashboard, Role.RESPONSABLE),
    (person_list, Role.TRAVAILLEUR_SOCIAL),
    (person_search, Role.ACCUEIL),
    (person_detail, Role.TRAVAILLEUR_SOCIAL),
    (person_detail, Role.ACCUEIL),
    (accompaniment_form, Role.MEDIATEUR),
    (rights_page, Role.TRAVAILLEUR_SOCIAL),
    (caseload_detail, Role.TRAVAILLEUR_SOCIAL),
    (caseload_list, Role.RESPONSABLE),
    (scheduled_jobs, Role.DPO),
    (api_persons, Role.TRAVAILLEUR_SOCIAL),
]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(("build", "role"), PAGES, ids=[f"{build.__name__}-{role}" for build, role in PAGES])
def test_a_page_makes_as_many_queries_for_many_rows_as_for_few(build, role, structure, member_of, client_for):
    few_member = member_of(structure, role)
    client = client_for(few_member)
    few_url = build(few_member, 2)
    _count(client, few_url)  # the first request of a session loads what every later one reuses
    few, _ = _count(client, few_url)
    many_url = build(few_member, 12)
    many, sql = _count(client, many_url)
    assert many == few, "\n".join(sql)
    assert many <= CEILING, "\n".join(sql)
