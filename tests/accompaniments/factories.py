import factory
from django.utils import timezone

from appui.accompaniments.models import Accompaniment, Participation
from appui.accompaniments.services import participation_categories
from appui.places.models import Place
from appui.reporting.rollups import refresh_day
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory


class AccompanimentFactory(factory.django.DjangoModelFactory):
    """An individual accompaniment as the service writes it: in the structure's first place, with its participation."""

    class Meta:
        model = Accompaniment
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    structure = factory.LazyAttribute(lambda o: o.person.structure)
    author = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 30
    place_kind = "lieu_activite"
    place = factory.LazyAttribute(lambda o: Place.objects.of_structure(o.structure.pk).order_by("id").first())
    themes = factory.LazyFunction(lambda: ["papiers"])
    mode = "fait_avec"
    notes = "Note de suivi confidentielle"
    outcome = "Résultat confidentiel"
    private_note = "Note privée de l'auteur"

    @factory.post_generation
    def participation(obj, create, extracted, **kwargs):  # noqa: N805
        if create and obj.person_id:
            Participation.objects.create(
                accompaniment=obj,
                structure=obj.structure,
                date=obj.date,
                person=obj.person,
                **participation_categories(obj.person, obj.date),
            )
            refresh_day(structure_id=obj.structure_id, day=obj.date)


class _FirstPlace:
    """The "where" choice of the first place in the database, read when a test request is encoded (test
    parameters are built before the database exists)."""

    def __str__(self) -> str:
        return f"lieu-{Place.objects.order_by('id').values_list('pk', flat=True).first()}"


FIRST_PLACE = _FirstPlace()
