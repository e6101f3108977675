import factory
from django.utils import timezone

from appui.orientations.enums import ConsentMode, ReferralStatus, SharedField, TargetKind
from appui.orientations.models import Referral
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory
from tests.places.factories import OwnPlaceFactory, PlaceFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral as the service would have written it: consent, shared fields copied at creation."""

    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    structure = factory.LazyAttribute(lambda o: o.person.structure)
    created_by = factory.SubFactory(UserFactory)
    place = factory.SubFactory(PlaceFactory)
    target_kind = TargetKind.DIGITAL_MEDIATION
    reason = "Apprendre à utiliser la messagerie de la CAF."
    consent_mode = ConsentMode.ORAL
    consented_at = factory.LazyFunction(timezone.now)
    shared_fields = factory.LazyFunction(lambda: [SharedField.IDENTITY, SharedField.REASON])
    shared_data = factory.LazyAttribute(
        lambda o: {
            SharedField.IDENTITY: {"first_name": o.person.first_name, "last_name": o.person.last_name},
            SharedField.REASON: o.reason,
        }
    )
    status = ReferralStatus.NEW
    status_changed_at = factory.LazyFunction(timezone.now)


def received_referral(structure):
    """Return a referral that a third structure sent to one of ``structure``'s places."""
    place = OwnPlaceFactory(structure=structure)
    return ReferralFactory(place=place, target_structure=structure)
