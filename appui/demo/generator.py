"""A realistic, fictional demo dataset: 2 structures, one user per role, ~300 persons, ~2,000 accompaniments.

Everything is written through the domain services, as a user would, so the demo also exercises their
validation and audit. Names are drawn from common French first and last names; any resemblance is chance.
"""

import datetime
import random
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.accompaniments.enums import (
    ADMINISTRATIVE_THEMES,
    Autonomy,
    Equipment,
    Mode,
    OnlineService,
    PlaceKind,
    ProcedureStatus,
    ReferralTarget,
    RemoteChannel,
    Theme,
    WorkshopLevel,
)
from appui.accompaniments.services import AnonymousParticipants, accompaniment_create, workshop_create
from appui.accounts.enums import Role, StructureType
from appui.accounts.models import Membership, Structure
from appui.accounts.services import membership_create, structure_create, user_create
from appui.core.text import normalize
from appui.mandates.enums import MandateDuration, procedure_category_choices
from appui.mandates.models import Mandate
from appui.mandates.services import mandate_create
from appui.people.enums import (
    EmploymentStatus,
    FamilySituation,
    Gender,
    HousingStatus,
    Language,
    Obstacle,
    Relationship,
    SocialStatus,
)
from appui.people.models import Person
from appui.people.services import household_member_add, person_anonymous_create, person_create
from appui.places.models import Place
from appui.places.services import place_create
from appui.rights.situation import EMPLOYMENT_TO_ACTIVITY

DEMO_PASSWORD = "appui-demo-2026"
# Every demo account shares this authenticator key (base32 in the README; `manage.py demo_otp_code` prints the
# current code). Demo only: real accounts pair their own app at first login.
DEMO_TOTP_KEY_HEX = "417070756920646d6f2064656d6f2032303236"  # "Appui dmo demo 2026"

FIRST_NAMES_F = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Fatima",
    "Aïcha",
    "Léa",
    "Chloé",
    "Inès",
    "Monique",
    "Françoise",
    "Sandrine",
    "Valérie",
    "Amina",
    "Khadija",
    "Océane",
    "Manon",
    "Élodie",
    "Yasmine",
    "Josiane",
    "Mireille",
    "Nadia",
    "Samia",
    "Awa",
    "Mariam",
    "Camille",
    "Sarah",
    "Jeanne",
    "Hélène",
]
FIRST_NAMES_M = [
    "Jean",
    "Michel",
    "Philippe",
    "Alain",
    "Patrick",
    "Mohamed",
    "Ahmed",
    "Karim",
    "Lucas",
    "Hugo",
    "Bernard",
    "Gérard",
    "Christophe",
    "Stéphane",
    "Mamadou",
    "Moussa",
    "Youssef",
    "Théo",
    "Nicolas",
    "Julien",
    "Daniel",
    "René",
    "Omar",
    "Rachid",
    "Ibrahim",
    "Sébastien",
    "Kévin",
    "Thomas",
    "Louis",
    "François",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Haddad",
    "Belkacem",
    "Da Silva",
    "Pereira",
    "Kouassi",
    "Yilmaz",
    "Boucher",
    "Chevalier",
    "Gauthier",
    "Perrin",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Pasteur",
    "rue des Écoles",
    "place de la Mairie",
    "rue du 8 Mai 1945",
    "allée des Tilleuls",
    "chemin des Vignes",
    "rue Émile Zola",
]
OUTCOMES = [
    "Démarche finalisée, accusé de réception remis à la personne.",
    "Compte créé ; identifiants notés par la personne dans son carnet.",
    "Dossier incomplet : il manque l'avis d'imposition.",
    "Rendez-vous pris avec la CAF.",
    "La personne sait maintenant se connecter seule.",
    "Service en ligne indisponible, à refaire.",
]
NEXT_STEPS = [
    "Revenir avec le justificatif de domicile.",
    "Vérifier la réponse de la CAF dans 15 jours.",
    "Proposer l'atelier « e-mail » du mardi.",
    "Faire l'actualisation ensemble le mois prochain.",
    "",
]
NOTES = [
    "Personne inquiète pour son loyer, à orienter vers l'assistante sociale de secteur.",
    "Utilise le téléphone de sa fille, pas d'équipement personnel.",
    "A besoin d'aide pour lire les courriers administratifs.",
    "Très à l'aise avec le smartphone, moins avec l'ordinateur.",
    "",
    "",
]


@dataclass(frozen=True)
class DemoStructure:
    name: str
    type: str
    commune_code: str
    siret: str
    domain: str
    communes: tuple[str, ...]
    postal_codes: tuple[str, ...]
    # Places besides the structure's main one: (name, address, postal code, commune).
    branches: tuple[tuple[str, str, str, str], ...] = ()


STRUCTURES = (
    DemoStructure(
        name="CCAS de Villeurbanne (démo)",
        type=StructureType.CCAS,
        commune_code="69266",
        siret="26690001900012",
        domain="ccas-demo.fr",
        communes=("69266", "69123", "69259", "69290"),
        postal_codes=("69100", "69003", "69200", "69140"),
        branches=(
            ("Antenne des Buers", "12 rue Jean Voillot", "69100", "69266"),
            ("Permanence à la médiathèque du Tonkin", "2 promenade Lénine", "69100", "69266"),
        ),
    ),
    DemoStructure(
        name="Association Clic Solidaire (démo)",
        type=StructureType.ASSOCIATION,
        commune_code="59350",
        siret="80012345600017",
        domain="clic-solidaire-demo.fr",
        communes=("59350", "59512", "59599", "59009"),
        postal_codes=("59000", "59100", "59200", "59650"),
        branches=(("Espace numérique de Fives", "45 rue Pierre Legrand", "59800", "59350"),),
    ),
)
ROLE_EMAIL = {
    Role.ACCUEIL: "accueil",
    Role.MEDIATEUR: "mediateur",
    Role.TRAVAILLEUR_SOCIAL: "social",
    Role.RESPONSABLE: "responsable",
    Role.DPO: "dpo",
}
ROLE_NAMES = {
    Role.ACCUEIL: ("Julie", "Accueil"),
    Role.MEDIATEUR: ("Malik", "Médiateur"),
    Role.TRAVAILLEUR_SOCIAL: ("Claire", "Sociale"),
    Role.RESPONSABLE: ("Anne", "Responsable"),
    Role.DPO: ("Paul", "Protection"),
}


def demo_logins() -> list[tuple[str, str, str]]:
    """Return (structure, role label, e-mail) for every demo account."""
    return [
        (s.name, Role(role).label, f"{prefix}@{s.domain}") for s in STRUCTURES for role, prefix in ROLE_EMAIL.items()
    ]


def _weighted_themes(rng: random.Random) -> list[str]:
    procedure = [t for t in Theme.values if t in ADMINISTRATIVE_THEMES]
    digital = [t for t in Theme.values if t not in procedure]
    if rng.random() < 0.65:
        return rng.sample(procedure, k=rng.choice([1, 1, 2]))
    return rng.sample(digital, k=rng.choice([1, 2]))


def _person_fields(rng: random.Random, demo: DemoStructure, today: datetime.date) -> dict[str, object]:
    female = rng.random() < 0.58
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    age = rng.choice([rng.randint(16, 30), rng.randint(30, 60), rng.randint(60, 92)])
    birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    index = rng.randrange(len(demo.communes))
    obstacles = rng.sample(Obstacle.values, k=rng.choice([0, 0, 1, 1, 2, 3]))
    fields: dict[str, object] = {
        "gender": Gender.FEMALE if female else Gender.MALE,
        "last_name": rng.choice(LAST_NAMES),
        "first_name": first,
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "email": ""
        if Obstacle.NO_EMAIL in obstacles
        else f"{normalize(first).replace(' ', '')}.{rng.randint(1, 999)}@exemple.fr",
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "postal_code": demo.postal_codes[index],
        "commune_code": demo.communes[index],
        "languages": ["fr"] + ([rng.choice(Language.values[1:6])] if Obstacle.OTHER_LANGUAGE in obstacles else []),
        "informed_at": today - datetime.timedelta(days=rng.randint(0, 364)),
        "family_situation": rng.choice(FamilySituation.values[1:]),
        "housing_status": rng.choice(HousingStatus.values[1:]),
        "employment_status": rng.choice(EmploymentStatus.values[1:]),
        "obstacles": obstacles,
    }
    if rng.random() < 0.1:
        fields["birth_year"] = birth.year  # the person preferred to give only the year
    else:
        fields["birth_date"] = birth
    return fields


class DemoOutsideDevelopmentError(Exception):
    """The demo was asked for on a server that is not a development machine."""


def refuse_outside_development() -> None:
    """Refuse the demo outside development: its accounts share a published password and second-factor key."""
    if not settings.DEBUG:
        raise DemoOutsideDevelopmentError(
            "La démonstration ne se charge qu'en développement (APPUI_DEBUG=1) : ses comptes ont un mot de passe "
            "et une clé de double authentification publiés. Sur un serveur, créez les comptes avec "
            "« create_structure » et « create_user »."
        )


@transaction.atomic
def load_demo(
    *, persons_per_structure: int = 150, accompaniments_per_structure: int = 1000, seed: int = 2026
) -> dict[str, int]:
    """Create the demo dataset; return counts. Refuse to run outside development or on a non-empty database."""
    refuse_outside_development()
    if Structure.objects.exists():
        raise RuntimeError("La base contient déjà des structures : la démo ne se charge que dans une base vide.")
    rng = random.Random(seed)
    today = timezone.localdate()
    counts = {"structures": 0, "users": 0, "persons": 0, "accompaniments": 0, "screenings": 0}
    all_members: dict[str, dict[str, Membership]] = {}
    for demo in STRUCTURES:
        structure = structure_create(name=demo.name, type=demo.type, commune_code=demo.commune_code, siret=demo.siret)
        counts["structures"] += 1
        members: dict[str, Membership] = {}
        for role, prefix in ROLE_EMAIL.items():
            first, last = ROLE_NAMES[role]
            user = user_create(
                email=f"{prefix}@{demo.domain}", first_name=first, last_name=last, password=DEMO_PASSWORD
            )
            counts["users"] += 1
            TOTPDevice.objects.create(user=user, name="Démo", key=DEMO_TOTP_KEY_HEX, confirmed=True)
            members[role] = membership_create(
                user=user,
                structure=structure,
                role=role,
                bound_by_secrecy=role in {Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE} or demo.type == StructureType.CCAS,
            )
        all_members[demo.domain] = members
        writers = [members[Role.MEDIATEUR], members[Role.TRAVAILLEUR_SOCIAL], members[Role.RESPONSABLE]]
        persons: list[Person] = []
        for _ in range(persons_per_structure):
            fields = _person_fields(rng, demo, today)
            person = person_create(membership=rng.choice(writers), fields=fields, allow_duplicate=True)
            persons.append(person)
            if rng.random() < 0.45:
                for _ in range(rng.randint(1, 4)):
                    relationship = rng.choice(
                        [Relationship.CHILD, Relationship.CHILD, Relationship.SPOUSE, Relationship.PARENT]
                    )
                    years = rng.randint(0, 17) if relationship == Relationship.CHILD else rng.randint(20, 80)
                    household_member_add(
                        membership=members[Role.TRAVAILLEUR_SOCIAL],
                        person=person,
                        relationship=relationship,
                        first_name=rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                        birth_date=today - datetime.timedelta(days=years * 365 + rng.randint(0, 364)),
                        is_dependent=relationship == Relationship.CHILD,
                        # The generator writes alone: no concurrent change to guard against.
                        expected_version=None,
                    )
        for _ in range(max(1, persons_per_structure // 15)):
            persons.append(
                person_anonymous_create(
                    membership=members[Role.ACCUEIL],
                    age_band=rng.choice(["18-24", "25-39", "40-59", "60-69", "70+"]),
                    gender=rng.choice([Gender.FEMALE, Gender.MALE, Gender.UNKNOWN]),
                    social_status=rng.choice([s for s in SocialStatus.values if s] + [""]),
                    commune_code=rng.choice(demo.communes),
                    obstacles=rng.sample(Obstacle.values, k=1),
                )
            )
        counts["persons"] += len(persons)
        # A separate generator: the rest of the demo stays the same whatever the number of screenings.
        counts["screenings"] += _demo_screenings(
            random.Random(seed + counts["structures"]),
            members[Role.TRAVAILLEUR_SOCIAL],
            [p for p in persons if not p.is_anonymous],
            today,
            count=persons_per_structure // SCREENED_SHARE,
        )
        manager = members[Role.RESPONSABLE]
        for name, address, postal_code, commune in demo.branches:
            place_create(
                membership=manager,
                fields={"name": name, "address": address, "postal_code": postal_code, "commune_code": commune},
            )
        places = list(Place.objects.of_structure(structure.pk).order_by("id"))
        categories = [value for value, _ in procedure_category_choices()]
        mandates: dict[int, Mandate] = {}
        for person in rng.sample([p for p in persons if not p.is_anonymous], k=max(1, persons_per_structure // 8)):
            mandates[person.pk] = mandate_create(
                membership=members[Role.TRAVAILLEUR_SOCIAL],
                person=person,
                categories=rng.sample(categories, k=rng.randint(1, 3)),
                duration=rng.choice([MandateDuration.SIX_MONTHS, MandateDuration.TWELVE_MONTHS]),
                person_present=True,
            )
        mandated = [p for p in persons if p.pk in mandates]
        named = [p for p in persons if not p.is_anonymous]
        for index in range(accompaniments_per_structure):
            today_entry = index < 20
            day = today if today_entry else today - datetime.timedelta(days=rng.randint(0, 364))
            where = _demo_where(rng, places, demo)
            if not today_entry and rng.random() < 0.06:
                _demo_workshop(rng, rng.choice(writers), day, where, named)
                counts["accompaniments"] += 1
                continue
            # Procedures done in the person's place need a current mandate: the demo's mandates start today.
            on_behalf = today_entry and index % 3 == 0
            person = rng.choice(mandated if on_behalf else persons)
            author = rng.choice(writers) if on_behalf else rng.choice(writers + [members[Role.ACCUEIL]])
            mode = (
                Mode.ON_BEHALF
                if on_behalf
                else rng.choices([Mode.WITH_PERSON, Mode.INFORMATION, Mode.REFERRAL], weights=[60, 25, 15])[0]
            )
            themes = list(mandates[person.pk].categories[:1]) if on_behalf else _weighted_themes(rng)
            follow_up = day + datetime.timedelta(days=rng.randint(3, 30)) if rng.random() < 0.2 else None
            fields: dict[str, object] = {
                "date": day,
                "duration_minutes": rng.choice([15, 15, 30, 30, 30, 45, 60, 60, 90, 120, 20, 10]),
                **where,
                "equipment": rng.choice(
                    [["ordinateur"], ["telephone"], ["ordinateur", "telephone"], ["tablette"], ["aucun"]]
                ),
                "themes": themes,
                "online_services": rng.sample(OnlineService.values, k=rng.choice([0, 1, 1, 2])),
                "mode": mode,
                "autonomy": rng.choice(Autonomy.values + [""]),
                "procedure_status": rng.choices(ProcedureStatus.values, weights=[6, 3, 1])[0]
                if set(themes) & ADMINISTRATIVE_THEMES
                else "",
                "referred_to": rng.choice(ReferralTarget.values) if mode == Mode.REFERRAL else "",
                "follow_up_date": follow_up,
            }
            if author.role != Role.ACCUEIL:
                fields.update(
                    outcome=rng.choice(OUTCOMES),
                    next_step=rng.choice(NEXT_STEPS),
                    notes=rng.choice(NOTES),
                    private_note="Penser à rappeler la personne." if rng.random() < 0.05 else "",
                )
            accompaniment_create(
                membership=author, person=person, fields=fields, mandate=mandates.get(person.pk) if on_behalf else None
            )
            counts["accompaniments"] += 1
    from .places import load_demo_places

    counts.update(load_demo_places(rng=rng, members=all_members))
    return counts


# One person in this many has had their rights screened: the structure's caseload screening then assesses them,
# and lists the others apart ("informations à compléter": their resources are not known).
SCREENED_SHARE = 6
DEMO_RESOURCES = {
    "salarie": ("salaire", 700, 2300),
    "independant": ("salaire", 400, 1800),
    "demandeur_emploi": ("chomage", 0, 1200),
    "etudiant": ("salaire", 0, 700),
    "retraite": ("retraite", 600, 1900),
    "invalidite": ("pension_invalidite", 300, 900),
}


def _demo_screenings(
    rng: random.Random, membership: Membership, persons: list[Person], today: datetime.date, *, count: int
) -> int:
    """Screen the rights of ``count`` persons with plausible answers (the real engine, as a worker would)."""
    from appui.rights.services import screening_run
    from appui.rights.situation import TENANT_STATUSES, answers_from_record

    chosen = rng.sample(persons, k=min(count, len(persons)))
    for person in chosen:
        members = list(person.household.members.all()) if hasattr(person, "household") else []
        answers = answers_from_record(person, members, today=today)
        adults = []
        for index, adult in enumerate(answers.adults):
            status = person.employment_status if index == 0 else rng.choice(["salarie", "sans_activite", "retraite"])
            kind, low, high = DEMO_RESOURCES.get(status, ("salaire", 0, 0))
            amount = float(rng.randint(low, high)) if high and rng.random() < 0.85 else 0.0
            adults.append(
                replace(
                    adult,
                    birth_date=adult.birth_date
                    or (None if adult.birth_year else today - datetime.timedelta(days=rng.randint(25, 60) * 365)),
                    activity=adult.activity or EMPLOYMENT_TO_ACTIVITY.get(status, "inactif"),
                    resources={kind: amount} if amount else {},
                    disability="80_plus" if status == "invalidite" and rng.random() < 0.5 else "aucun",
                    ass_condition=rng.random() < 0.5 if status == "demandeur_emploi" else False,
                )
            )
        tenant = answers.housing_status in TENANT_STATUSES
        answers = replace(
            answers,
            adults=adults,
            rent=float(rng.randint(300, 750)) if tenant else 0.0,
            benefits_received={},
        )
        screening_run(membership=membership, person=person, answers=answers)
    _demo_claims(rng, membership, today)
    return len(chosen)


def _demo_claims(rng: random.Random, membership: Membership, today: datetime.date) -> None:
    """Follow up some of the rights found, as the worker would: claims made a while ago (to remind today), recent
    claims (reminded later), rights obtained (the euros per month secured) and rights still to claim."""
    from appui.rights.enums import RightStatus
    from appui.rights.models import RightFollowUp
    from appui.rights.services import right_status_update

    follow_ups = RightFollowUp.objects.filter(structure=membership.structure).order_by("pk")
    for index, follow_up in enumerate(follow_ups):
        draw = 0.0 if index == 0 else rng.random()  # at least one claim to remind today on « Ma journée »
        if draw < 0.3:
            claimed = today - datetime.timedelta(days=rng.randint(30, 45))
            right_status_update(
                membership=membership, follow_up=follow_up, status=RightStatus.CLAIMED, claimed_on=claimed
            )
        elif draw < 0.6:
            claimed = today - datetime.timedelta(days=rng.randint(1, 20))
            right_status_update(
                membership=membership, follow_up=follow_up, status=RightStatus.CLAIMED, claimed_on=claimed
            )
        elif draw < 0.75:
            right_status_update(
                membership=membership,
                follow_up=follow_up,
                status=RightStatus.GRANTED,
                claimed_on=today - datetime.timedelta(days=rng.randint(40, 60)),
                decided_on=today - datetime.timedelta(days=rng.randint(1, 30)),
                granted_amount=follow_up.estimated_amount,
            )


WORKSHOPS = (
    ("Premiers pas sur smartphone", ["materiel"], WorkshopLevel.BEGINNER),
    ("Créer et gérer son adresse e-mail", ["email"], WorkshopLevel.BEGINNER),
    ("Déjouer les arnaques en ligne", ["securite"], WorkshopLevel.INTERMEDIATE),
    ("France Connect et espaces personnels", ["navigation", "papiers"], WorkshopLevel.INTERMEDIATE),
    ("Café IA : comprendre l'intelligence artificielle", ["ia", "culture_numerique"], WorkshopLevel.ADVANCED),
)


def _demo_where(rng: random.Random, places: list[Place], demo: DemoStructure) -> dict[str, object]:
    """Return where an activity took place: mostly the structure's places, sometimes elsewhere."""
    kind = rng.choices(list(PlaceKind.values), weights=[78, 6, 12, 4])[0]
    if kind == PlaceKind.OWN_PLACE:
        return {"place_kind": kind, "place": rng.choices(places, weights=[6] + [2] * (len(places) - 1))[0]}
    if kind == PlaceKind.REMOTE:
        return {"place_kind": kind, "remote_channel": rng.choice(RemoteChannel.values)}
    return {"place_kind": kind, "place_commune_code": rng.choice(demo.communes)}


def _demo_workshop(
    rng: random.Random, author: Membership, day: datetime.date, where: dict[str, object], named: list[Person]
) -> None:
    title, themes, level = rng.choice(WORKSHOPS)
    anonymous = rng.randint(2, 8)
    women = rng.randint(0, anonymous)
    seniors = rng.randint(0, anonymous)
    workshop_create(
        membership=author,
        fields={
            "date": day,
            "duration_minutes": rng.choice([60, 90, 120]),
            **where,
            "equipment": [Equipment.COMPUTER] if rng.random() < 0.5 else [Equipment.PHONE, Equipment.TABLET],
            "themes": themes,
            "mode": Mode.WITH_PERSON,
            "workshop_title": title,
            "workshop_level": level,
        },
        persons=rng.sample(named, k=rng.randint(0, 4)),
        anonymous=AnonymousParticipants(
            count=anonymous,
            genders={Gender.FEMALE: women, Gender.MALE: anonymous - women},
            age_bands={"70+": seniors, "60-69": rng.randint(0, anonymous - seniors)},
            social_statuses={SocialStatus.RETIRED: seniors},
        ),
    )


def demo_totp_base32() -> str:
    """Return the demo authenticator key as an authenticator app expects it (base32)."""
    import base64

    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")
