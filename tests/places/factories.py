"""Places as the import and the services would have written them (derived search fields included)."""

import datetime

import factory

from appui.places.enums import OWN_PLACES_SOURCE
from appui.places.indexing import derived_fields
from appui.places.models import Place, PlaceService


class PlaceFactory(factory.django.DjangoModelFactory):
    """A place of the directory (imported from open data): no structure."""

    class Meta:
        model = Place

    source = "tests"
    source_id = factory.Sequence(lambda n: f"lieu-{n}")
    name = factory.Sequence(lambda n: f"Espace numérique {n}")
    address = "1 rue de la République"
    postal_code = "69100"
    commune_code = "69266"
    commune_name = "Villeurbanne"
    pivot = "00000000000000"
    updated_on = datetime.date(2026, 1, 15)
    services = factory.LazyFunction(lambda: ["aide-demarches-administratives"])
    fees = factory.LazyFunction(lambda: ["gratuit"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        place = model_class(*args, **kwargs)
        for name, value in derived_fields(
            {f.name: getattr(place, f.attname) for f in place._meta.concrete_fields}
        ).items():
            setattr(place, name, value)
        place.save()
        return place


class OwnPlaceFactory(PlaceFactory):
    """One of a structure's own places, published unless told otherwise."""

    structure = factory.SubFactory("tests.accounts.factories.StructureFactory")
    source = OWN_PLACES_SOURCE
    source_id = factory.Sequence(lambda n: f"own-{n:08d}")
    is_published = True


class PlaceServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceService

    place = factory.SubFactory(OwnPlaceFactory)
    source_id = factory.Sequence(lambda n: f"service-{n}")
    name = "Atelier « Premiers pas sur internet »"
    description = "Six séances en petit groupe pour apprendre à utiliser une tablette et envoyer un e-mail."
    type = "atelier"
    thematiques = factory.LazyFunction(lambda: ["numerique--maitriser-les-fondamentaux-du-numerique"])
    fees = "gratuit"
    updated_on = datetime.date(2026, 1, 15)
