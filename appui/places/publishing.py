"""Publishing places: a lieux de médiation numérique v1 CSV, and a data·inclusion v1 JSON (structures and their
services). Both pass the official validators (frictionless with the v1 Table Schema; the data-inclusion-schema
models), which the tests run on the files exactly as they are downloaded."""

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .enums import OWN_PLACES_SOURCE, UNKNOWN_PIVOT
from .models import Place, PlaceService
from .standard import place_row, v1_columns
from .vocabulary import ACCESS_TO_INCLUSION_MOBILISATION, PUBLIC_TO_INCLUSION_PUBLIC

# data·inclusion identifies a producer by a short name; Appui publishes under its own.
INCLUSION_SOURCE = "appui"


def lieux_csv(places: Iterable[Place]) -> str:
    """Return the places as a lieux v1 CSV (UTF-8, comma, multi-valued cells separated by « | »)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(v1_columns()), lineterminator="\r\n")
    writer.writeheader()
    for place in places:
        writer.writerow(place_row(place))
    return buffer.getvalue()


def _inclusion_id(place: Place) -> str:
    prefix = INCLUSION_SOURCE if place.source == OWN_PLACES_SOURCE else place.source
    return f"{prefix}--{place.source_id}"


def inclusion_structure(place: Place) -> dict[str, Any]:
    """Return a place as a data·inclusion v1 structure (plain JSON values)."""
    pivot = place.pivot if place.pivot and place.pivot != UNKNOWN_PIVOT and len(place.pivot) == 14 else None
    description = "\n\n".join(part for part in (place.summary, place.description) if part)
    return {
        "source": INCLUSION_SOURCE,
        "id": _inclusion_id(place),
        "nom": place.name,
        "date_maj": (place.updated_on or timezone.localdate()).isoformat(),
        "description": description if len(description) >= 5 else None,
        "lien_source": place.source_url or None,
        "siret": pivot if pivot and pivot.isdigit() else None,
        "commune": place.commune_name or None,
        "code_postal": place.postal_code or None,
        "code_insee": place.commune_code or None,
        "adresse": place.address or None,
        "complement_adresse": place.address_complement or None,
        "longitude": place.longitude,
        "latitude": place.latitude,
        "telephone": place.phone or None,
        "courriel": place.emails[0] if place.emails else None,
        "site_web": place.websites[0] if place.websites else None,
        "horaires_accueil": place.opening_hours or None,
        "accessibilite_lieu": place.accessibility_url or None,
        "reseaux_porteurs": sorted(place.networks) or None,
    }


def inclusion_service(service: PlaceService) -> dict[str, Any]:
    """Return a place's service as a data·inclusion v1 service (plain JSON values)."""
    place = service.place
    location = service.location or {}
    publics = list(service.publics) or [
        PUBLIC_TO_INCLUSION_PUBLIC[p] for p in place.publics if p in PUBLIC_TO_INCLUSION_PUBLIC
    ]
    modes = list(service.mobilisation_modes) or [
        ACCESS_TO_INCLUSION_MOBILISATION[m] for m in place.access_modes if m in ACCESS_TO_INCLUSION_MOBILISATION
    ]
    return {
        "source": INCLUSION_SOURCE,
        "structure_id": _inclusion_id(place),
        "id": f"{_inclusion_id(place)}--{service.source_id}",
        "nom": service.name,
        "description": service.description or service.name,
        "lien_source": service.source_url or None,
        "date_maj": (service.updated_on or timezone.localdate()).isoformat(),
        "type": service.type or None,
        "thematiques": sorted(service.thematiques) or None,
        "frais": service.fees or None,
        "frais_precisions": service.fees_details or None,
        "publics": sorted(set(publics)) or None,
        "publics_precisions": service.publics_details or None,
        "conditions_acces": service.access_conditions or None,
        "commune": location.get("commune", place.commune_name) or None,
        "code_postal": location.get("code_postal", place.postal_code) or None,
        "code_insee": location.get("code_insee", place.commune_code) or None,
        "adresse": location.get("adresse", place.address) or None,
        "complement_adresse": location.get("complement_adresse", place.address_complement) or None,
        "longitude": location.get("longitude", place.longitude),
        "latitude": location.get("latitude", place.latitude),
        "telephone": service.phone or place.phone or None,
        "courriel": service.email or (place.emails[0] if place.emails else None),
        "modes_accueil": sorted(service.reception_modes) or None,
        "zone_eligibilite": list(service.eligibility_zone) or None,
        "contact_nom_prenom": service.contact_name or None,
        "lien_mobilisation": service.mobilisation_url or None,
        "modes_mobilisation": sorted(set(modes)) or None,
        "mobilisable_par": sorted(service.mobilisable_by) or None,
        "mobilisation_precisions": service.mobilisation_details or None,
        "volume_horaire_hebdomadaire": service.weekly_hours,
        "nombre_semaines": service.weeks,
        "horaires_accueil": service.opening_hours or place.opening_hours or None,
    }


def inclusion_document(places: Iterable[Place]) -> dict[str, list[dict[str, Any]]]:
    """Return the places and their open services as a data·inclusion document {"structures", "services"}."""
    structures = []
    services = []
    for place in places:
        structures.append(inclusion_structure(place))
        for service in place.offered_services.open().order_by("name", "id"):
            service.place = place
            services.append(inclusion_service(service))
    return {"structures": structures, "services": services}


def inclusion_json(places: Iterable[Place]) -> str:
    return json.dumps(inclusion_document(places), ensure_ascii=False, indent=2)
