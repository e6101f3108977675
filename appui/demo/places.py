"""The directory of the demo: real places from open data (France Services, a regional hub, the standard's
example), each demo structure's own places and services, and referrals — one of them from one demo structure
to the other, so that the inbox shows something.

Everything goes through the services (import, place, referral), as in real use.
"""

import datetime
import random
from pathlib import Path

from django.utils import timezone

from appui.accounts.enums import Role
from appui.accounts.models import Membership, Structure
from appui.orientations.enums import ConsentMode, ReferralStatus, RefusalReason, SharedField
from appui.orientations.services import referral_answer, referral_create, referral_update
from appui.people.models import Person
from appui.places.models import Place
from appui.places.services import place_create, place_service_save, places_import

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_FILES = (
    ("france-services", "liste-france-services-2022-12-01.csv"),
    ("hub-du-sud", "lieux-hub-du-sud-2023-05-17-v0.json"),
    ("exemple-standard", "lieux-exemple-valide-v1.csv"),
)

OWN_PLACES = {
    "ccas-demo.fr": [
        {
            "name": "CCAS de Villeurbanne (démo) — accueil principal",
            "address": "2 rue Baudin",
            "postal_code": "69100",
            "commune_code": "69266",
            "latitude": 45.7665,
            "longitude": 4.8796,
            "phone": "04 78 00 00 00",
            "emails": ["accueil@ccas-demo.fr"],
            "opening_hours": "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
            "summary": "Accueil social, aide aux démarches, domiciliation.",
            "services": ["aide-demarches-administratives"],
            "fees": ["gratuit"],
            "access_modes": ["se-presenter", "telephoner"],
            "support_modes": ["individuel"],
            "typologies": ["CCAS"],
        },
        {
            "name": "CCAS de Villeurbanne (démo) — permanence numérique",
            "address": "12 place Lazare Goujon",
            "postal_code": "69100",
            "commune_code": "69266",
            "latitude": 45.7663,
            "longitude": 4.8800,
            "opening_hours": "Tu,Th 14:00-17:00; PH off",
            "summary": "Ateliers et aide au numérique, sur rendez-vous.",
            "services": ["maitrise-outils-numeriques", "aide-demarches-administratives"],
            "fees": ["gratuit"],
            "access_modes": ["telephoner"],
            "support_modes": ["atelier-collectif", "individuel"],
            "programmes": ["conseillers-numeriques"],
            "typologies": ["CCAS"],
        },
    ],
    "clic-solidaire-demo.fr": [
        {
            "name": "Clic Solidaire (démo) — espace numérique de Lille",
            "address": "25 rue Gambetta",
            "postal_code": "59000",
            "commune_code": "59350",
            "latitude": 50.6280,
            "longitude": 3.0530,
            "phone": "03 20 00 00 00",
            "emails": ["contact@clic-solidaire-demo.fr"],
            "opening_hours": "Mo-Fr 09:00-12:30,14:00-18:00; Sa 09:00-12:00; PH off",
            "summary": "Ateliers numériques, accès libre aux ordinateurs, aide aux démarches en ligne.",
            "services": ["maitrise-outils-numeriques", "acces-internet-materiel", "aide-demarches-administratives"],
            "fees": ["gratuit"],
            "access_modes": ["se-presenter", "telephoner", "contacter-par-mail"],
            "support_modes": ["en-autonomie", "individuel", "atelier-collectif"],
            "specific_supports": ["langues-autres", "illettrisme"],
            "programmes": ["aidants-connect"],
            "typologies": ["ASSO", "EPN"],
        },
    ],
}
SERVICES = {
    "Clic Solidaire (démo) — espace numérique de Lille": {
        "name": "Atelier « Premiers pas sur internet »",
        "description": "Six séances en petit groupe pour apprendre à utiliser une tablette, envoyer un e-mail et "
        "se connecter à ses comptes en ligne. Prêt de matériel possible.",
        "type": "atelier",
        "thematiques": ["numerique--maitriser-les-fondamentaux-du-numerique"],
        "fees": "gratuit",
        "publics": ["tous-publics"],
        "reception_modes": ["en-presentiel"],
        "mobilisation_modes": ["telephoner", "se-presenter"],
        "mobilisable_by": ["usagers", "professionnels"],
        "contact_name": "Malik Médiateur",
    },
}


def load_demo_places(*, rng: random.Random, members: dict[str, dict[str, Membership]]) -> dict[str, int]:
    """Load the directory and the referrals of the demo; ``members`` maps each demo domain to its members."""
    counts = {"places": 0, "referrals": 0}
    for source, filename in DEMO_FILES:
        report = places_import(data=(DATA_DIR / filename).read_bytes(), filename=filename, source=source)
        counts["places"] += report.accepted
    own: dict[str, list[Place]] = {}
    for domain, places in OWN_PLACES.items():
        manager = members[domain][Role.RESPONSABLE]
        own[domain] = []
        for fields in places:
            place = place_create(membership=manager, fields=dict(fields))
            own[domain].append(place)
            counts["places"] += 1
            if place.name in SERVICES:
                place_service_save(membership=manager, place=place, fields=dict(SERVICES[place.name]))
    counts["referrals"] = _referrals(rng=rng, members=members, own=own)
    return counts


def _referrals(*, rng: random.Random, members: dict[str, dict[str, Membership]], own: dict[str, list[Place]]) -> int:
    today = timezone.localdate()
    sender = members["ccas-demo.fr"][Role.TRAVAILLEUR_SOCIAL]
    structure: Structure = sender.structure
    persons = list(Person.objects.filter(structure=structure, is_anonymous=False).order_by("id")[:12])
    near = list(
        Place.objects.filter(structure__isnull=True, departement="69", closed_at__isnull=True).order_by("name")[:10]
    )
    lille = own["clic-solidaire-demo.fr"][0]
    count = 0
    for index, person in enumerate(persons):
        place = lille if index in (0, 1) else (near[index % len(near)] if near else own["ccas-demo.fr"][1])
        referral = referral_create(
            membership=sender,
            person=person,
            place=place,
            consent_mode=ConsentMode.ORAL,
            shared_fields=[SharedField.IDENTITY, SharedField.PHONE, SharedField.REASON],
            fields={
                "reason": rng.choice(
                    [
                        "Apprendre à utiliser la messagerie et l'espace personnel de la CAF.",
                        "Aide pour faire la demande de complémentaire santé solidaire en ligne.",
                        "Créer une adresse e-mail et apprendre à s'en servir.",
                    ]
                ),
                "follow_up_on": today + datetime.timedelta(days=rng.choice([0, 0, 5, 12])),
                "documents_to_bring": "Pièce d'identité\nDernier avis d'imposition",
            },
        )
        count += 1
        if index == 1:
            lille_member = members["clic-solidaire-demo.fr"][Role.MEDIATEUR]
            referral_answer(
                membership=lille_member,
                referral=referral,
                status=ReferralStatus.ACCEPTED,
                message="Rendez-vous proposé mardi à 14 h à l'atelier « Premiers pas ».",
            )
        elif index in (2, 3):
            referral_update(membership=sender, referral=referral, fields={"status": ReferralStatus.ACCEPTED})
        elif index == 4:
            referral_update(
                membership=sender,
                referral=referral,
                fields={
                    "status": ReferralStatus.REFUSED,
                    "refusal_reason": RefusalReason.FULL,
                    "response_message": "Plus de place avant la rentrée.",
                },
            )
        elif index == 5:
            referral_update(membership=sender, referral=referral, fields={"status": ReferralStatus.NO_ANSWER})
    return count
