import datetime

import factory

from appui.accompaniments.models import Accompaniment
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory


class AccompanimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accompaniment

    person = factory.SubFactory(PersonFactory)
    structure = factory.LazyAttribute(lambda o: o.person.structure)
    author = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(datetime.date.today)
    duration_minutes = 30
    place = "sur_place"
    themes = factory.LazyFunction(lambda: ["papiers"])
    mode = "fait_avec"
    notes = "Note de suivi confidentielle"
    outcome = "Résultat confidentiel"
    private_note = "Note privée de l'auteur"
