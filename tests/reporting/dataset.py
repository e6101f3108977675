"""A small statistics fixture written through the services, with a ledger of what was recorded.

The ledger is plain Python data: the tests compute every expected figure from it with their own code (sums
and distinct counts over lists), never through the statistics queries, and compare.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from appui.accompaniments.services import AnonymousParticipants, accompaniment_create, workshop_create
from appui.accounts.enums import Role
from appui.diagnostics.services import diagnostic_create
from appui.mandates.services import mandate_create
from appui.people.services import person_anonymous_create
from appui.places.models import Place
from appui.reporting.models import StatisticsSharing
from appui.rights.enums import Frequency, RightStatus
from appui.service_alerts.services import service_alert_create
from tests.accounts.factories import MembershipFactory, StructureFactory
from tests.diagnostics.factories import answers
from tests.people.factories import PersonFactory
from tests.places.factories import OwnPlaceFactory
from tests.rights.factories import RightFollowUpFactory

TODAY = timezone.localdate()  # Paris: between 23:00 and midnight UTC the dates differ
START = TODAY - datetime.timedelta(days=20)


def day(offset: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=offset)


@dataclass
class Beneficiary:
    """A beneficiary as the ledger knows it: its key and the categories it was given on purpose."""

    key: str
    followed: bool
    gender: str
    status: str
    commune: str
    bands: dict[datetime.date, str] = field(default_factory=dict)  # age band on the days it came

    def band(self, on: datetime.date) -> str:
        return self.bands.get(on, self.bands.get(None, ""))  # type: ignore[call-overload]


@dataclass
class Entry:
    structure: str
    author: str
    date: datetime.date
    minutes: int
    kind: str
    place: str  # "own:<name>", "domicile", "a_distance", "autre"
    themes: list[str]
    equipment: list[str]
    mode: str
    beneficiaries: list[Beneficiary]
    autonomy: str = ""
    procedure_status: str = ""
    referred_to: str = ""


@dataclass
class Dataset:
    structures: dict[str, Any]
    members: dict[str, Any]
    persons: dict[str, Any]
    ledger: list[Entry]
    extras: dict[str, Any]


def _born(years: int, days_after: int = 0) -> datetime.date:
    """Return a birth date: ``years`` old ``days_after`` days ago... i.e. the birthday falls ``days_after`` days
    before today."""
    return datetime.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28)) - datetime.timedelta(days=days_after)


def build() -> Dataset:
    """Create two structures of the Rhône sharing their figures, one elsewhere, one not sharing."""
    structures = {
        "A": StructureFactory(name="CCAS Villeurbanne", commune_code="69266"),
        "B": StructureFactory(name="Centre social Lyon", commune_code="69123"),
        "C": StructureFactory(name="Association Lille", commune_code="59350"),
        "D": StructureFactory(name="Mairie Vénissieux", commune_code="69259"),
    }
    StatisticsSharing.objects.create(structure=structures["A"], with_departement=True, with_epci=True)
    StatisticsSharing.objects.create(structure=structures["B"], with_departement=True, with_epci=False)
    StatisticsSharing.objects.create(structure=structures["C"], with_departement=True, with_epci=True)
    branch = OwnPlaceFactory(structure=structures["A"], name="Antenne des Buers", commune_code="69266")
    main = Place.objects.of_structure(structures["A"].pk).order_by("id").first()
    members = {
        "mA": MembershipFactory(structure=structures["A"], role=Role.RESPONSABLE),
        "mA2": MembershipFactory(structure=structures["A"], role=Role.MEDIATEUR),
        "mB": MembershipFactory(structure=structures["B"], role=Role.MEDIATEUR),
        "mC": MembershipFactory(structure=structures["C"], role=Role.MEDIATEUR),
        "mD": MembershipFactory(structure=structures["D"], role=Role.MEDIATEUR),
    }
    # p3 turns 25 five days ago: 18-24 at day 10, 25-39 at day 2.
    persons = {
        "p1": PersonFactory(structure=structures["A"], gender="feminin", birth_date=_born(30, 60), birth_year=None,
                            employment_status="salarie", commune_code="69266"),
        "p2": PersonFactory(structure=structures["A"], gender="masculin", birth_date=_born(65, 60), birth_year=None,
                            employment_status="retraite", commune_code="69123"),
        "p3": PersonFactory(structure=structures["A"], gender="", birth_date=TODAY.replace(year=TODAY.year - 25) - datetime.timedelta(days=5),
                            birth_year=None, employment_status="", commune_code=""),
        "q1": PersonFactory(structure=structures["B"], gender="feminin", birth_date=_born(40, 60), birth_year=None,
                            employment_status="demandeur_emploi", commune_code="69123"),
        "c1": PersonFactory(structure=structures["C"], gender="masculin", commune_code="59350"),
        "d1": PersonFactory(structure=structures["D"], gender="masculin", commune_code="69259"),
    }  # fmt: skip
    persons["p4"] = person_anonymous_create(
        membership=members["mA"], age_band="70+", gender="feminin", social_status="retraite", commune_code="69266"
    )
    for key, person in persons.items():
        person.refresh_from_db()
        persons[key] = person
    b = {
        "p1": Beneficiary("p1", True, "feminin", "en_emploi", "69266", {None: "25-39"}),  # type: ignore[dict-item]
        "p2": Beneficiary("p2", True, "masculin", "retraite", "69123", {None: "60-69"}),  # type: ignore[dict-item]
        "p3": Beneficiary("p3", True, "", "", "", {day(10): "18-24", day(2): "25-39"}),
        "p4": Beneficiary("p4", False, "feminin", "retraite", "69266", {None: "70+"}),  # type: ignore[dict-item]
        "q1": Beneficiary("q1", True, "feminin", "sans_emploi", "69123", {None: "40-59"}),  # type: ignore[dict-item]
        "c1": Beneficiary("c1", True, "masculin", "sans_emploi", "59350", {None: "40-59"}),  # type: ignore[dict-item]
        "d1": Beneficiary("d1", True, "masculin", "sans_emploi", "69259", {None: "40-59"}),  # type: ignore[dict-item]
    }
    ledger: list[Entry] = []

    def individual(member: str, person: str, offset: int, minutes: int, where: dict[str, Any], place: str,
                   themes: list[str], equipment: list[str], mode: str = "fait_avec", mandate: Any = None,
                   **cra: str) -> None:  # fmt: skip
        accompaniment_create(
            membership=members[member],
            person=persons[person],
            fields={
                "date": day(offset),
                "duration_minutes": minutes,
                **where,
                "themes": themes,
                "equipment": equipment,
                "mode": mode,
                **cra,
            },  # fmt: skip
            mandate=mandate,
        )
        ledger.append(Entry(_structure_key(structures, members[member]),
                            member, day(offset), minutes, "individuel", place, themes, equipment, mode, [b[person]],
                            **cra))  # fmt: skip

    def workshop(member: str, offset: int, minutes: int, where: dict[str, Any], place: str, themes: list[str],
                 equipment: list[str], followed: list[str], anonymous: AnonymousParticipants) -> None:  # fmt: skip
        workshop_create(
            membership=members[member],
            fields={
                "date": day(offset),
                "duration_minutes": minutes,
                **where,
                "themes": themes,
                "equipment": equipment,
                "mode": "fait_avec",
                "workshop_title": "Atelier",
            },  # fmt: skip
            persons=[persons[p] for p in followed],
            anonymous=anonymous,
        )
        rows = anonymous.rows()
        anonymous_b = [
            Beneficiary(f"anon-{len(ledger)}-{i}", False, g, s, "", {None: a})  # type: ignore[dict-item]
            for i, (g, a, s) in enumerate(rows)
        ]
        ledger.append(Entry(_structure_key(structures, members[member]), member, day(offset), minutes, "collectif",
                            place, themes, equipment, "fait_avec", [b[p] for p in followed] + anonymous_b))  # fmt: skip

    own_main = {"place_kind": "lieu_activite", "place": main}
    individual("mA2", "p2", 40, 30, own_main, "own:main", ["papiers"], [])  # before the period: p2 comes back
    individual("mA2", "p1", 15, 30, own_main, "own:main", ["papiers", "email"], ["ordinateur"],
               autonomy="partiellement_autonome", procedure_status="finalisee")  # fmt: skip
    individual("mA2", "p1", 3, 45, {"place_kind": "domicile"}, "domicile", ["logement"], ["telephone"],
               mode="information")  # fmt: skip
    individual("mA", "p2", 10, 90, {"place_kind": "a_distance", "remote_channel": "visio"}, "a_distance",
               ["navigation"], ["aucun"], mode="orientation", referred_to="aide_aux_demarches_administratives")  # fmt: skip
    individual("mA", "p3", 10, 120, {"place_kind": "autre", "place_commune_code": "69259"}, "autre", ["securite"],
               ["ordinateur", "tablette"], autonomy="autonome")  # fmt: skip
    individual("mA", "p3", 2, 15, {"place_kind": "lieu_activite", "place": branch}, "own:branch", ["argent"], [],
               procedure_status="a_poursuivre")  # fmt: skip
    individual("mA2", "p4", 5, 20, own_main, "own:main", ["ia"], [])
    workshop("mA2", 7, 60, own_main, "own:main", ["securite", "email"], ["ordinateur"], ["p1", "p2"],
             AnonymousParticipants(count=3, genders={"feminin": 2}, age_bands={"70+": 1},
                                   social_statuses={"retraite": 1}))  # fmt: skip
    workshop("mA", 1, 90, {"place_kind": "autre", "place_commune_code": "69266"}, "autre", ["materiel"], [], [],
             AnonymousParticipants(count=2))  # fmt: skip
    mandate = mandate_create(
        membership=members["mA"], person=persons["p1"], categories=["logement", "argent"], duration="6m",
        person_present=True,
    )  # fmt: skip
    individual("mA", "p1", 0, 30, own_main, "own:main", ["logement"], ["ordinateur"], mode="fait_a_la_place",
               mandate=mandate)  # fmt: skip
    own_b = {"place_kind": "lieu_activite"}
    individual("mB", "q1", 6, 30, own_b, "own:B", ["travail"], ["ordinateur"])
    workshop("mB", 4, 60, own_b, "own:B", ["email"], [], [], AnonymousParticipants(count=4))
    individual("mC", "c1", 6, 30, {"place_kind": "lieu_activite"}, "own:C", ["email"], [])
    individual("mD", "d1", 6, 30, {"place_kind": "lieu_activite"}, "own:D", ["email"], [])

    # Appui's own records: diagnostics (p1 assessed twice: overall 1 then 3), rights, signalements.
    diagnostic_create(membership=members["mA2"], person=persons["p1"], mode="accompagnant", answers=answers("1"))
    diagnostic_create(membership=members["mA2"], person=persons["p1"], mode="accompagnant", answers=answers("3"))
    diagnostic_create(membership=members["mA"], person=persons["p2"], mode="accompagnant", answers=answers("2"))
    granted = RightFollowUpFactory(
        screening__person=persons["p1"], status=RightStatus.GRANTED, claimed_on=day(8), decided_on=day(3),
        granted_amount=Decimal("100.00"), updated_by=members["mA2"].user,
    )  # fmt: skip
    yearly = RightFollowUpFactory(
        screening__person=persons["p2"], benefit="ars", frequency=Frequency.YEARLY, status=RightStatus.GRANTED,
        claimed_on=day(9), decided_on=day(2), granted_amount=Decimal("1200.00"), updated_by=members["mA"].user,
    )  # fmt: skip
    claimed = RightFollowUpFactory(
        screening__person=persons["p3"], benefit="aah", status=RightStatus.CLAIMED, claimed_on=day(4),
        updated_by=members["mA"].user,
    )  # fmt: skip
    service_alert_create(
        membership=members["mA2"], fields={"service": "caf", "step": "connexion", "occurred_on": day(2)}
    )
    service_alert_create(
        membership=members["mA"], fields={"service": "ameli", "step": "paiement", "occurred_on": day(1)}
    )
    return Dataset(
        structures=structures,
        members=members,
        persons=persons,
        ledger=ledger,
        extras={"rights": [granted, yearly, claimed], "mandate": mandate, "now": timezone.now()},
    )


def _structure_key(structures: dict[str, Any], membership: Any) -> str:
    return next(key for key, s in structures.items() if s.pk == membership.structure_id)
