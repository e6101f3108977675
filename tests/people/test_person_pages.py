import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.people.models import Household, Person
from tests.people.factories import PersonFactory

VALID = {
    "last_name": "N'Diaye",
    "first_name": "Élodie",
    "birth_date": "1985-07-14",
    "commune_code": "69266",
    "postal_code": "69100",
    "informed_at": "2026-01-10",
    "housing_status": "locataire_prive",
    "obstacles": ["pas_email", "lecture_ecriture"],
    "languages": ["fr", "wo"],
}


def _text(response):
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_create_person_then_land_on_the_record(structure, member_of, client_for):
    client = client_for(member_of(structure))
    response = client.post(reverse("web:person_create"), VALID)
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:person_detail", args=[person.pk])
    assert person.structure == structure
    assert person.birth_year == 1985
    assert person.obstacles == ["pas_email", "lecture_ecriture"]
    assert person.search_text == "n diaye elodie"
    assert person.file_number == f"{timezone.localdate().year}-00001"
    page = _text(client.get(response["Location"]))
    assert "Élodie N'DIAYE" in page and "Pas d'adresse e-mail" in page and "Wolof" in page


@pytest.mark.django_db
def test_file_numbers_follow_each_other_within_a_structure(structure, member_of, client_for):
    client = client_for(member_of(structure))
    client.post(reverse("web:person_create"), VALID)
    client.post(reverse("web:person_create"), {**VALID, "first_name": "Awa"})
    numbers = sorted(Person.objects.values_list("file_number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"{year}-00001", f"{year}-00002"]


@pytest.mark.django_db
def test_the_information_date_is_required_and_nothing_is_saved_without_it(structure, member_of, client_for):
    client = client_for(member_of(structure))
    response = client.post(reverse("web:person_create"), {**VALID, "informed_at": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in _text(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_unknown_commune_code_is_refused_with_a_french_message(structure, member_of, client_for):
    response = client_for(member_of(structure)).post(reverse("web:person_create"), {**VALID, "commune_code": "99999"})
    assert "Commune inconnue : tapez son nom ou son code postal" in _text(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_commune_is_found_by_name_or_postal_code_and_stored_as_its_insee_code(structure, member_of, client_for):
    client = client_for(member_of(structure))
    url = reverse("web:person_create")
    by_name = {**VALID, "last_name": "Nom", "commune_code": "Villeurbanne", "postal_code": ""}
    assert client.post(url, by_name).status_code == 302
    person = Person.objects.get(last_name="Nom")
    assert (person.commune_code, person.postal_code) == ("69266", "69100")  # the postal code follows
    # A postal code alone fills the commune when it serves only one.
    alone = {**VALID, "last_name": "Code", "commune_code": "", "postal_code": "69100"}
    assert client.post(url, alone).status_code == 302
    assert Person.objects.get(last_name="Code").commune_code == "69266"
    # A postal code that serves several communes: the worker is asked which one, nothing is lost or saved.
    several = {**VALID, "last_name": "Plusieurs", "commune_code": "", "postal_code": "69720"}
    page = _text(client.post(url, several))
    assert "dessert plusieurs communes" in page and "Saint-Bonnet-de-Mure (69)" in page
    assert "Saint-Laurent-de-Mure (69)" in page and 'value="Plusieurs"' in page
    assert not Person.objects.filter(last_name="Plusieurs").exists()
    # The suggestion picked (its code in the hidden input) wins over the typed label.
    picked = {**several, "commune_code": "Saint-Laurent-de-Mure (69) · 69720", "commune_code_code": "69288"}
    assert client.post(url, picked).status_code == 302
    assert Person.objects.get(last_name="Plusieurs").commune_code == "69288"


@pytest.mark.django_db
def test_a_birth_year_alone_is_accepted_when_the_person_prefers(structure, member_of, client_for):
    client = client_for(member_of(structure))
    client.post(reverse("web:person_create"), {**VALID, "birth_date": "", "birth_year": "1962"})
    person = Person.objects.get()
    assert person.birth_date is None and person.birth_year == 1962


@pytest.mark.django_db
def test_neither_birth_date_nor_year_is_refused(structure, member_of, client_for):
    response = client_for(member_of(structure)).post(reverse("web:person_create"), {**VALID, "birth_date": ""})
    assert "au moins l'année de naissance" in _text(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_duplicate_is_detected_ignoring_accents_and_case_then_can_be_confirmed(structure, member_of, client_for):
    existing = PersonFactory(
        structure=structure, last_name="N'Diaye", first_name="Elodie", birth_date=datetime.date(1985, 7, 14)
    )
    client = client_for(member_of(structure))
    response = client.post(reverse("web:person_create"), {**VALID, "last_name": "n'diaye", "first_name": "ÉLODIE"})
    page = _text(response)
    assert "Cette personne a peut-être déjà une fiche" in page
    assert reverse("web:person_detail", args=[existing.pk]) in page
    assert Person.objects.count() == 1
    assert f'name="confirmed_duplicates" value="{existing.pk}"' in page
    confirmed = client.post(reverse("web:person_create"), {**VALID, "confirmed_duplicates": str(existing.pk)})
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_same_names_in_another_structure_is_not_a_duplicate(structure, other_structure, member_of, client_for):
    PersonFactory(
        structure=other_structure, last_name="N'Diaye", first_name="Élodie", birth_date=datetime.date(1985, 7, 14)
    )
    response = client_for(member_of(structure)).post(reverse("web:person_create"), VALID)
    assert response.status_code == 302


@pytest.mark.django_db
def test_accueil_creates_identity_only_form_without_situation(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.ACCUEIL))
    form_page = _text(client.get(reverse("web:person_create")))
    assert "Situation familiale" not in form_page and "Freins observés" not in form_page
    response = client.post(reverse("web:person_create"), VALID)  # situation fields are ignored, not saved
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.housing_status == "" and person.obstacles == []


@pytest.mark.django_db
def test_edit_person_keeps_what_was_not_changed_and_audits_changed_fields(structure, member_of, client_for):
    from appui.audit.models import AuditEvent

    person = PersonFactory(structure=structure, phone="0102030405")
    client = client_for(member_of(structure))
    data = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": "1980-05-17",
        "commune_code": "69266",
        "informed_at": "2026-01-05",
        "phone": "0611111111",
        "family_situation": person.family_situation,
        "housing_status": person.housing_status,
        "employment_status": person.employment_status,
        "obstacles": person.obstacles,
        "situation_details": person.situation_details,
        "version": person.version,
    }
    assert client.post(reverse("web:person_edit", args=[person.pk]), data).status_code == 302
    person.refresh_from_db()
    assert person.phone == "0611111111" and person.housing_status == "locataire_hlm"
    assert AuditEvent.objects.get(action="person.update").detail == {"fields": ["phone"]}


@pytest.mark.django_db
def test_household_members_are_added_and_removed(structure, member_of, client_for):
    person = PersonFactory(structure=structure)
    client = client_for(member_of(structure))
    url = reverse("web:household_member_add", args=[person.pk])
    response = client.post(
        url,
        {
            "relationship": "enfant",
            "first_name": "Lina",
            "birth_date": "2015-03-02",
            "is_dependent": "on",
            "version": 0,
        },
    )
    assert response.status_code == 302
    member = Household.objects.get(person=person).members.get()
    assert member.is_dependent and member.birth_date == datetime.date(2015, 3, 2)
    assert "Lina" in _text(client.get(reverse("web:person_detail", args=[person.pk])))
    remove = reverse("web:household_member_remove", args=[member.pk])
    assert client.post(remove, {"version": member.household.version}).status_code == 302
    assert not Household.objects.get(person=person).members.exists()


@pytest.mark.django_db
def test_household_member_born_in_the_future_is_refused(structure, member_of, client_for):
    person = PersonFactory(structure=structure)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client_for(member_of(structure)).post(
        reverse("web:household_member_add", args=[person.pk]),
        {"relationship": "enfant", "first_name": "X", "birth_date": future, "version": 0},
    )
    assert response.status_code == 200
    assert "futur" in _text(response)


@pytest.mark.django_db
def test_anonymous_quick_record_keeps_only_age_band_commune_and_obstacles(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.ACCUEIL))
    response = client.post(
        reverse("web:anonymous_create"), {"age_band": "60-69", "commune_code": "69266", "obstacles": ["pas_equipement"]}
    )
    person = Person.objects.get()
    assert response["Location"] == reverse("web:accompaniment_create", args=[person.pk])
    assert person.is_anonymous and person.last_name == "" and person.informed_at is None
    assert person.age_band == "60-69" and person.obstacles == ["pas_equipement"]
    # Anonymous records never show up in the name search.
    assert "Personne anonyme" not in _text(client.get(reverse("web:person_list")))


@pytest.mark.django_db
def test_information_notice_names_the_structure_and_prints(structure, member_of, client_for):
    page = _text(client_for(member_of(structure)).get(reverse("web:information_notice")))
    assert structure.name in page and "data-appui-print" in page and "CNIL" in page


@pytest.mark.django_db
def test_referents_default_to_the_creator_and_must_be_members_of_the_structure(
    structure, other_structure, member_of, client_for
):
    member = member_of(structure)
    colleague = member_of(structure, Role.MEDIATEUR)
    outsider = member_of(other_structure)
    client = client_for(member)
    form_page = _text(client.get(reverse("web:person_create")))
    assert re.search(rf'<input type="checkbox" name="referents" value="{member.user.pk}"[^>]* checked>', form_page)
    client.post(reverse("web:person_create"), {**VALID, "referents": [member.user.pk, colleague.user.pk]})
    person = Person.objects.get()
    assert set(person.referents.all()) == {member.user, colleague.user}
    data = {**VALID, "first_name": "Autre", "referents": [outsider.user.pk]}
    response = client.post(reverse("web:person_create"), data)
    assert response.status_code == 200 and Person.objects.count() == 1
