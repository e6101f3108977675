"""Household shortcuts: adding a spouse proposes the family situation; a member becomes a followed person."""

import datetime
import html

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from appui.people.models import Household, Person
from appui.people.services import household_member_add
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_adding_a_spouse_proposes_to_update_the_family_situation(structure, member_of, client_for):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure, family_situation="celibataire")
    client = client_for(worker)
    spouse = {"relationship": "conjoint", "first_name": "Karim", "last_name": "", "birth_date": "1980-02-03"}

    def version():
        household = Household.objects.filter(person=person).first()
        return household.version if household else 0

    added = client.post(reverse("web:household_member_add", args=[person.pk]), {**spouse, "version": version()})
    assert added["Location"] == reverse("web:household_situation", args=[person.pk])
    page = _text(client.get(added["Location"]))
    assert "Célibataire" in page and "Marié·e" in page and "Ne pas changer" in page
    client.post(added["Location"], {"family_situation": "marie"})
    person.refresh_from_db()
    assert person.family_situation == "marie"
    # A child does not ask; nor does a second spouse once the situation says couple.
    child = {**spouse, "relationship": "enfant", "first_name": "Nour", "birth_date": "2015-06-01"}
    child["version"] = version()
    assert client.post(reverse("web:household_member_add", args=[person.pk]), child)["Location"] == reverse(
        "web:person_detail", args=[person.pk]
    )
    spouse["version"] = version()
    assert client.post(reverse("web:household_member_add", args=[person.pk]), spouse)["Location"] == reverse(
        "web:person_detail", args=[person.pk]
    )


@pytest.mark.django_db
def test_a_household_member_becomes_a_followed_person_from_a_prefilled_form(structure, member_of, client_for):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    holder = PersonFactory(
        structure=structure, last_name="Benali", address="3 rue du Lac", postal_code="69100", commune_code="69266"
    )
    member = household_member_add(
        membership=worker,
        person=holder,
        relationship="conjoint",
        first_name="Yasmina",
        last_name="",
        birth_date=datetime.date(1982, 4, 9),
        is_dependent=False,
        expected_version=None,
    )
    client = client_for(worker)
    detail = _text(client.get(reverse("web:person_detail", args=[holder.pk])))
    link = f"{reverse('web:person_create')}?membre_du_foyer={member.pk}"
    assert link in detail
    form = _text(client.get(link))
    assert 'value="Yasmina"' in form and 'value="Benali"' in form and 'value="1982-04-09"' in form
    assert 'value="3 rue du Lac"' in form and "Villeurbanne" in form
    # Another structure's household member is not reachable this way.
    foreign = member_of(PersonFactory().structure, Role.TRAVAILLEUR_SOCIAL)
    assert client_for(foreign).get(link).status_code == 404
    assert not Person.objects.filter(first_name="Yasmina").exists()
