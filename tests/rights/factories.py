"""Rights objects as the services would have written them, without running the engine (fast, for matrices)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from appui.rights.enums import CaseloadSource, CaseloadStatus, Frequency, RightStatus
from appui.rights.models import CaseloadResult, CaseloadScreening, RightFollowUp, Screening
from appui.rights.situation import HouseholdAnswers, resolve
from tests.people.factories import PersonFactory

RSA_RESULT = {
    "benefit": "rsa",
    "amount": "573.49",
    "frequency": "mensuel",
    "monthly_amount": "573.49",
    "received": False,
}


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening

    person = factory.SubFactory(PersonFactory)
    structure = factory.LazyAttribute(lambda o: o.person.structure)
    period = "2026-11"
    legislation_date = datetime.date(2026, 11, 1)
    engine = "openfisca-france"
    engine_versions = factory.LazyFunction(lambda: {"openfisca-core": "44.7.1", "openfisca-france": "176.1.8"})
    answers = factory.LazyFunction(
        lambda: {
            "adults": [
                {
                    "label": "la personne",
                    "birth_date": "1985-01-01",
                    "birth_year": 1985,
                    "activity": "inactif",
                    "resources": {},
                    "disability": "aucun",
                    "ass_condition": None,
                }
            ],
            "children": [],
            "housing_status": "locataire_prive",
            "rent": 500.0,
            "commune_code": "69266",
            "rfr": 0.0,
            "benefits_received": {},
            "others_not_counted": [],
        }
    )
    situation = factory.LazyAttribute(
        lambda o: resolve(HouseholdAnswers.from_json(o.answers), period=o.period).to_json()
    )
    results = factory.LazyFunction(lambda: [dict(RSA_RESULT)])
    unclaimed_monthly_total = Decimal("573.49")


class RightFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RightFollowUp

    screening = factory.SubFactory(ScreeningFactory)
    person = factory.LazyAttribute(lambda o: o.screening.person)
    structure = factory.LazyAttribute(lambda o: o.screening.structure)
    benefit = "rsa"
    estimated_amount = Decimal("573.49")
    frequency = Frequency.MONTHLY
    monthly_amount = Decimal("573.49")
    status = RightStatus.TO_CLAIM
    status_changed_at = factory.LazyFunction(timezone.now)


class CaseloadScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseloadScreening

    structure = factory.SubFactory("tests.accounts.factories.StructureFactory")
    source = CaseloadSource.CSV
    filename = "foyers.csv"
    status = CaseloadStatus.DONE
    total = 1
    processed = 1
    with_rights = 1
    period = "2026-11"
    unclaimed_monthly_total = Decimal("573.49")


class CaseloadResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseloadResult

    job = factory.SubFactory(CaseloadScreeningFactory)
    position = factory.Sequence(lambda n: n)
    reference = factory.Sequence(lambda n: f"F-{n:04d}")
    line = 2
    unclaimed_monthly_total = Decimal("573.49")
    rights = factory.LazyFunction(lambda: {"rsa": 573.49})
    assumptions = factory.LazyFunction(list)
