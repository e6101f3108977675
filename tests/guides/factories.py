import factory

from appui.guides.models import GuideOverride
from tests.accounts.factories import StructureFactory, UserFactory


class GuideOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideOverride

    structure = factory.SubFactory(StructureFactory)
    slug = "demande-aide-logement"
    body = "## Chez nous\n\nVenez le mardi matin : un ordinateur est prêté à l'accueil.\n"
    updated_by = factory.SubFactory(UserFactory)
