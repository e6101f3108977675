import datetime

import factory

from appui.core.text import normalize, normalize_email, normalize_phone
from appui.people.models import Household, HouseholdMember, Person
from appui.people.search_index import index_person
from tests.accounts.factories import StructureFactory


class PersonFactory(factory.django.DjangoModelFactory):
    """A person as the services would have written it (file number, search text, information date)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    file_number = factory.Sequence(lambda n: f"T-{n:06d}")  # never collides with service numbers
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    first_name = "Élise"
    birth_name = ""
    phone = ""
    email = ""
    birth_date = datetime.date(1980, 5, 17)
    birth_year = 1980
    commune_code = "69266"
    informed_at = datetime.date(2026, 1, 5)
    family_situation = "celibataire"
    housing_status = "locataire_hlm"
    employment_status = "demandeur_emploi"
    obstacles = factory.LazyFunction(lambda: ["pas_internet"])
    situation_details = "Situation détaillée confidentielle"
    search_text = factory.LazyAttribute(lambda o: normalize(f"{o.last_name} {o.first_name} {o.birth_name}"))
    search_phone = factory.LazyAttribute(lambda o: normalize_phone(o.phone))
    search_email = factory.LazyAttribute(lambda o: normalize_email(o.email))

    @factory.post_generation
    def search_index(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            index_person(obj)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    person = factory.SubFactory(PersonFactory)


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    relationship = "enfant"
    first_name = "Lina"
    birth_date = datetime.date(2015, 3, 2)
