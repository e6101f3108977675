import factory

from appui.accounts.enums import Role, StructureType
from appui.accounts.models import Membership, Structure, User
from appui.places.services import place_create_first

PASSWORD = "correct-horse-battery-staple"


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure {n}")
    type = StructureType.CCAS
    commune_code = "69266"

    @factory.post_generation
    def default_place(obj, create, extracted, **kwargs):  # noqa: N805
        """Every structure has a place of its own, as ``structure_create`` gives it."""
        if create:
            place_create_first(structure=obj)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.TRAVAILLEUR_SOCIAL
    bound_by_secrecy = True
