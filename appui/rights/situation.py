"""From a person's record and the screening answers to a complete situation, listing what had to be assumed.

Pure functions, no database access: ``answers_from_record`` reads a Person and its household members,
``resolve`` turns answers (where ``None`` means "not known") into a ``Situation`` where every input has a value,
and names every value it had to assume. OpenFisca never complains about a missing input: it silently uses 0,
"inactif" or "non renseigné". This module is where Appui refuses to be silent.

The engine builds the OpenFisca situation from a ``Situation`` (``engine/inputs.py``).
"""

import datetime
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .catalogue import catalogue
from .certainty import of
from .enums import Activity, Disability, ResourceKind, Schooling

if TYPE_CHECKING:
    from appui.people.models import HouseholdMember, Person

# The person's record (appui.people.enums) in OpenFisca's words.
HOUSING_TO_OPENFISCA = {
    "locataire_prive": "locataire_vide",
    "locataire_hlm": "locataire_hlm",
    "locataire_meuble": "locataire_meuble",
    "foyer": "locataire_foyer",
    "proprietaire": "proprietaire",
    "heberge": "loge_gratuitement",
    # An emergency shelter pays no rent and gets no housing aid: OpenFisca's "sans_domicile" (no forfait logement).
    "hebergement_urgence": "sans_domicile",
    "sans_domicile": "sans_domicile",
}
TENANT_STATUSES = frozenset({"locataire_prive", "locataire_hlm", "locataire_meuble", "foyer"})
EMPLOYMENT_TO_ACTIVITY = {
    "salarie": Activity.WORKING.value,
    "independant": Activity.WORKING.value,
    "demandeur_emploi": Activity.JOBSEEKER.value,
    "etudiant": Activity.STUDENT.value,
    "retraite": Activity.RETIRED.value,
    "sans_activite": Activity.INACTIVE.value,
    "invalidite": Activity.INACTIVE.value,
}
COUPLE_SITUATIONS = frozenset({"en_couple", "marie", "pacse"})
DISABILITY_RATE = {Disability.NONE.value: 0.0, Disability.FROM_50.value: 0.5, Disability.FROM_80.value: 0.8}
# Plain values for the hot path of caseload screenings (a Choices' ``values`` is rebuilt on every access).
ACTIVITIES = frozenset(Activity.values)
RESOURCE_KINDS = frozenset(ResourceKind.values)
SCHOOLING_LABELS = dict(Schooling.choices)
JOBSEEKER = Activity.JOBSEEKER.value
INACTIVE = Activity.INACTIVE.value
STUDENT = Activity.STUDENT.value
NOT_IN_SCHOOL = Schooling.NONE.value
ALIMONY = ResourceKind.ALIMONY.value
INVALIDITY = ResourceKind.INVALIDITY.value
# Share of taxable resources kept in the "revenu fiscal de référence" after the 10 % deduction (CGI art. 83).
TAXABLE_SHARE = 0.9
TAXABLE_KINDS = ("salaire", "chomage", "retraite", "pension_invalidite")
DEFAULT_ADULT_AGE = 40


@dataclass(frozen=True)
class Assumption:
    """A value Appui had to assume because the input was missing: always shown with the results."""

    code: str
    message: str
    # Who the missing input is about ("la personne", a first name…), empty for the whole household.
    subject: str = ""


@dataclass
class AdultAnswers:
    """What is known of an adult of the household; ``None`` means "not known"."""

    label: str
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    activity: str | None = None
    # Monthly net amounts by ResourceKind, average of the last 3 months; {} means "no resources".
    resources: dict[str, float] | None = None
    disability: str | None = None
    # ASS: 5 years of work in the 10 years before the end of the job contract (Code du travail L5423-1).
    ass_condition: bool | None = None


@dataclass
class ChildAnswers:
    label: str
    birth_date: datetime.date
    schooling: str | None = None


@dataclass
class HouseholdAnswers:
    """The household as known from the record, the form, a CSV row or the API, before any assumption."""

    adults: list[AdultAnswers]
    children: list[ChildAnswers] = field(default_factory=list)
    housing_status: str | None = None
    rent: float | None = None
    commune_code: str | None = None
    rfr: float | None = None
    # Benefits already received, by Benefit code, with their monthly amount (0 when unknown or not monthly);
    # {} means "receives none of them", None "not known".
    benefits_received: dict[str, float] | None = None
    others_not_counted: list[str] = field(default_factory=list)
    # False when the record does not say whether the person lives in a couple (family situation not given).
    household_known: bool = True

    def to_json(self) -> dict[str, Any]:
        """Return the answers as JSON-serialisable data (dates as ISO strings)."""
        data = asdict(self)
        for person in data["adults"] + data["children"]:
            if person.get("birth_date"):
                person["birth_date"] = person["birth_date"].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "HouseholdAnswers":
        def date(value: str | None) -> datetime.date | None:
            return datetime.date.fromisoformat(value) if value else None

        adults = [AdultAnswers(**{**a, "birth_date": date(a.get("birth_date"))}) for a in data["adults"]]
        children = [ChildAnswers(**{**c, "birth_date": date(c["birth_date"])}) for c in data.get("children", [])]
        return cls(
            **{k: v for k, v in data.items() if k not in {"adults", "children"}}, adults=adults, children=children
        )


@dataclass(frozen=True)
class PersonInput:
    """One person of the situation, every input known or assumed."""

    key: str
    role: str  # "demandeur", "conjoint" or "enfant"
    label: str
    birth_date: datetime.date
    activity: str
    resources: dict[str, float]
    disability_rate: float
    ass_condition: bool
    schooling: str
    # Monthly amounts received in the past, by OpenFisca variable of this person (AAH, ASI, ASS).
    received: dict[str, float]

    def resource(self, kind: str) -> float:
        return self.resources.get(kind, 0.0)


@dataclass(frozen=True)
class Situation:
    """A complete household situation for one period ("YYYY-MM"), with the list of what was assumed."""

    period: str
    persons: tuple[PersonInput, ...]
    housing: str  # OpenFisca statut_occupation_logement
    rent: float
    depcom: str
    rfr: float
    # Monthly amounts received in the past, by OpenFisca variable of the family (RSA, aides au logement…).
    received: dict[str, float]
    received_benefits: frozenset[str]
    assumptions: tuple[Assumption, ...]

    @property
    def adults(self) -> tuple[PersonInput, ...]:
        return tuple(p for p in self.persons if p.role != "enfant")

    @property
    def children(self) -> tuple[PersonInput, ...]:
        return tuple(p for p in self.persons if p.role == "enfant")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for person in data["persons"]:
            person["birth_date"] = person["birth_date"].isoformat()
        data["received_benefits"] = sorted(self.received_benefits)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Situation":
        persons = tuple(
            PersonInput(**{**p, "birth_date": datetime.date.fromisoformat(p["birth_date"])}) for p in data["persons"]
        )
        return cls(
            **{
                **data,
                "persons": persons,
                "received_benefits": frozenset(data["received_benefits"]),
                "assumptions": tuple(Assumption(**a) for a in data["assumptions"]),
            }
        )


def period_start(period: str) -> datetime.date:
    """Return the first day of a "YYYY-MM" period."""
    year, month = period.split("-")
    return datetime.date(int(year), int(month), 1)


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@lru_cache(maxsize=64)
def _period_days(period: str) -> tuple[datetime.date, datetime.date]:
    """Return the first day of a "YYYY-MM" period and the first day of the next month."""
    day = period_start(period)
    return day, _next_month(day)


# Assumptions are immutable and a caseload repeats the same few thousands of times ("Activité de la personne non
# renseignée…"): each one is made once.
_assumption = lru_cache(maxsize=8192)(Assumption)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def schooling_for_age(birth_date: datetime.date, day: datetime.date) -> str:
    """Return the usual school level of a child born on ``birth_date``, during the school year of ``day``.

    A child enters the école élémentaire (CP) in September of the year of its 6th birthday, the collège at 11,
    the lycée at 15 (Code de l'éducation L131-1 and the usual course).
    """
    school_year = day.year if day.month >= 9 else day.year - 1
    grade_age = school_year - birth_date.year
    if grade_age < 3:
        return NOT_IN_SCHOOL
    if grade_age < 6:
        return "maternelle"
    if grade_age < 11:
        return "primaire"
    if grade_age < 15:
        return "college"
    if grade_age < 18:
        return "lycee"
    return "enseignement_superieur"


def _euros(value: float) -> str:
    return f"{value:,.0f} €".replace(",", "\u202f")


def answers_from_record(
    person: "Person", members: list["HouseholdMember"], *, today: datetime.date
) -> HouseholdAnswers:
    """Return what the person's record says of the household; everything else stays unknown (``None``).

    The screening counts the person, a spouse and the children in their care, as the CAF does for one
    "foyer". The other adults of the home (parents, adult children who are not dependent, others) form their
    own "foyer" for the CAF: they are left out, and the results say so.
    """
    first = AdultAnswers(
        label="la personne",
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        activity=EMPLOYMENT_TO_ACTIVITY.get(person.employment_status),
    )
    adults = [first]
    children: list[ChildAnswers] = []
    others: list[str] = []
    for member in members:
        age = age_on(member.birth_date, today)
        if member.relationship == "conjoint" and len(adults) == 1:
            adults.append(AdultAnswers(label=member.first_name, birth_date=member.birth_date))
        elif age < 18 and (member.relationship == "enfant" or member.is_dependent):
            children.append(ChildAnswers(label=member.first_name, birth_date=member.birth_date))
        elif member.relationship == "enfant" and member.is_dependent and age < 25:
            children.append(ChildAnswers(label=member.first_name, birth_date=member.birth_date))
        else:
            others.append(member.first_name)
    if len(adults) == 1 and person.family_situation in COUPLE_SITUATIONS:
        adults.append(AdultAnswers(label="le conjoint ou la conjointe"))
    return HouseholdAnswers(
        household_known=bool(person.family_situation) or len(adults) == 2,
        adults=adults,
        children=children,
        housing_status=person.housing_status or None,
        commune_code=person.commune_code or None,
        others_not_counted=others,
    )


def resolve(answers: HouseholdAnswers, *, period: str) -> Situation:
    """Return the complete situation of ``answers`` for ``period`` ("YYYY-MM"), every assumption named.

    Raise ValueError for answers no situation can be built from (no adult, more than two, negative amounts).
    """
    if not 1 <= len(answers.adults) <= 2:
        raise ValueError("Un foyer compte une ou deux personnes adultes.")
    day, after = _period_days(period)
    births = [a.birth_date for a in answers.adults if a.birth_date is not None]
    births += [c.birth_date for c in answers.children]
    for born in births:
        if born.year < 1900 or born >= after:
            raise ValueError("Une date de naissance doit être comprise entre 1900 et le mois simulé.")
    assumptions: list[Assumption] = []

    def assume(code: str, message: str, subject: str = "") -> None:
        assumptions.append(_assumption(code, message, subject))

    received_codes = answers.benefits_received
    if received_codes is None:
        assume(
            "benefits_received",
            "Prestations déjà perçues non renseignées : on suppose qu'aucune n'est perçue (hypothèse du non-recours).",
        )
        received_codes = {}
    for code, amount in received_codes.items():
        if code not in catalogue():
            raise ValueError(f"Prestation inconnue : {code}.")
        if amount < 0:
            raise ValueError("Un montant ne peut pas être négatif.")

    persons: list[PersonInput] = []
    adult_inputs = [_resolve_adult(adult, index, day, assume) for index, adult in enumerate(answers.adults)]
    for index, child in enumerate(answers.children, start=1):
        schooling = child.schooling
        if schooling is None:
            schooling = schooling_for_age(child.birth_date, day)
            assume(
                "schooling",
                f"Scolarité {of(child.label)} non renseignée : « {SCHOOLING_LABELS[schooling]} » supposée "
                "d'après son âge.",
            )
        persons.append(
            PersonInput(
                key=f"enfant{index}",
                role="enfant",
                label=child.label,
                birth_date=child.birth_date,
                activity=STUDENT if schooling != NOT_IN_SCHOOL else INACTIVE,
                resources={},
                disability_rate=0.0,
                ass_condition=False,
                schooling=schooling,
                received={},
            )
        )

    # Individual benefits received go to the adult they are most likely paid to (catalogue received_variables).
    individual_received: dict[int, dict[str, float]] = {0: {}, 1: {}}
    family_received: dict[str, float] = {}
    for code, amount in received_codes.items():
        for variable in catalogue()[code].received_variables:
            if variable in INDIVIDUAL_RECEIVED:
                index = _receiver(variable, adult_inputs)
                individual_received[index][variable] = float(amount)
            else:
                family_received[variable] = float(amount)
    adults = [
        replace(adult, received=individual_received[i]) if individual_received[i] else adult
        for i, adult in enumerate(adult_inputs)
    ]

    status = answers.housing_status or ""
    housing = HOUSING_TO_OPENFISCA.get(status, "non_renseigne")
    if status and status not in HOUSING_TO_OPENFISCA:
        raise ValueError(f"Situation de logement inconnue : {status}.")
    if not status:
        assume("housing_status", "Logement non renseigné : aucune aide au logement n'est calculée.")
    rent = answers.rent
    if rent is None:
        rent = 0.0
        if status in TENANT_STATUSES:
            assume("rent", "Loyer non renseigné : aucune aide au logement n'est calculée.")
    elif rent < 0:
        raise ValueError("Le loyer ne peut pas être négatif.")
    depcom = (answers.commune_code or "").strip().upper()
    if not depcom:
        assume(
            "commune",
            "Commune non renseignée : la zone 2 des aides au logement (grandes villes hors Île-de-France) "
            "est supposée.",
        )

    rfr = answers.rfr
    if rfr is None:
        rfr = round(
            12 * TAXABLE_SHARE * sum(a.resource(kind) for a in adults for kind in TAXABLE_KINDS)
            + 12 * sum(a.resource(ALIMONY) for a in adults)
        )
        assume(
            "rfr",
            f"Revenu fiscal de référence de l'avis d'imposition non renseigné : estimé à {_euros(rfr)} "
            "d'après les ressources actuelles.",
        )
    elif rfr < 0:
        raise ValueError("Le revenu fiscal de référence ne peut pas être négatif.")

    if not answers.household_known:
        assume(
            "household",
            "Situation familiale non renseignée sur la fiche : le foyer est supposé être celui de la fiche "
            "(sans conjoint ou conjointe s'il n'y est pas).",
        )
    if answers.others_not_counted:
        assume(
            "others",
            "Autres personnes du logement non prises en compte (elles forment un autre foyer pour la CAF) : "
            f"{', '.join(answers.others_not_counted)}.",
        )
    return Situation(
        period=period,
        persons=tuple(adults + persons),
        housing=housing,
        rent=float(rent),
        depcom=depcom,
        rfr=float(rfr),
        received=family_received,
        received_benefits=frozenset(received_codes),
        assumptions=tuple(assumptions),
    )


# OpenFisca variables of benefits paid to one person rather than to the family (entity "individu").
INDIVIDUAL_RECEIVED = frozenset({"aah", "asi", "ass"})


def _receiver(variable: str, adults: list[PersonInput]) -> int:
    """Return the index of the adult a received individual benefit is paid to (the first who qualifies)."""
    for index, adult in enumerate(adults):
        if variable == "aah" and adult.disability_rate >= 0.5:
            return index
        if variable == "asi" and adult.resource(INVALIDITY) > 0:
            return index
        if variable == "ass" and adult.activity == JOBSEEKER:
            return index
    return 0


def _resolve_adult(adult: AdultAnswers, index: int, day: datetime.date, assume: Any) -> PersonInput:
    label = adult.label
    birth_date = adult.birth_date
    if birth_date is None and adult.birth_year:
        birth_date = datetime.date(adult.birth_year, 7, 1)
        assume(
            "birth_year",
            f"Date de naissance {of(label)} incomplète : le 1er juillet {adult.birth_year} est supposé.",
            label,
        )
    elif birth_date is None:
        birth_date = datetime.date(day.year - DEFAULT_ADULT_AGE, day.month, 1)
        assume("birth_date", f"Âge {of(label)} non renseigné : {DEFAULT_ADULT_AGE} ans supposés.", label)
    activity = adult.activity
    if activity is None:
        activity = INACTIVE
        assume("activity", f"Activité {of(label)} non renseignée : « sans activité » supposée.", label)
    elif activity not in ACTIVITIES:
        raise ValueError(f"Activité inconnue : {activity}.")
    resources = adult.resources
    if resources is None:
        resources = {}
        assume("resources", f"Ressources {of(label)} non renseignées : supposées nulles.", label)
    for kind, amount in resources.items():
        if kind not in RESOURCE_KINDS:
            raise ValueError(f"Ressource inconnue : {kind}.")
        if amount < 0:
            raise ValueError("Un montant ne peut pas être négatif.")
    disability = adult.disability
    if disability is None:
        disability = "aucun"
        assume("disability", f"Taux d'incapacité {of(label)} non renseigné : aucun taux reconnu supposé.", label)
    elif disability not in DISABILITY_RATE:
        raise ValueError(f"Taux d'incapacité inconnu : {disability}.")
    if disability == "50_79":
        # CSS L821-2: below 80 %, the AAH also needs a "restriction substantielle et durable d'accès à l'emploi".
        assume(
            "disability_restriction",
            f"Taux d'incapacité {of(label)} entre 50 et 79 % : la restriction substantielle et durable d'accès à "
            "l'emploi (condition de l'AAH, reconnue par la CDAPH) est supposée reconnue.",
            label,
        )
    ass_condition = adult.ass_condition
    if ass_condition is None:
        ass_condition = False
        if activity == JOBSEEKER:
            assume(
                "ass_condition",
                f"Durée de travail passée {of(label)} non renseignée : la condition de l'ASS (5 ans de travail "
                "dans les 10 dernières années) est supposée non remplie.",
                label,
            )
    return PersonInput(
        key="demandeur" if index == 0 else "conjoint",
        role="demandeur" if index == 0 else "conjoint",
        label=label,
        birth_date=birth_date,
        activity=activity,
        resources={k: float(v) for k, v in resources.items() if v},
        disability_rate=DISABILITY_RATE[disability],
        ass_condition=ass_condition,
        schooling=NOT_IN_SCHOOL,
        received={},
    )
