"""Structures and services of a data·inclusion v1 file, validated by the official ``data-inclusion-schema``
package (pydantic models) and read into places and their services."""

import datetime
import json
from typing import Any

import pydantic
from data_inclusion.schema import v1

from appui.places.enums import UNKNOWN_PIVOT
from appui.places.vocabulary import (
    INCLUSION_FEE_TO_FEE,
    INCLUSION_MOBILISATION_TO_ACCESS,
    INCLUSION_PUBLIC_TO_PUBLIC,
    INCLUSION_RECEPTION_TO_SUPPORT,
    INCLUSION_THEME_TO_SERVICE,
    split_values,
)

from . import repair
from .report import RowOutcome

LIST_FIELDS_STRUCTURE = {"reseaux_porteurs"}
LIST_FIELDS_SERVICE = {
    "thematiques",
    "publics",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "zone_eligibilite",
}
URL_FIELDS = {"site_web", "lien_source", "accessibilite_lieu", "lien_mobilisation"}


def _listify(value: Any) -> list[str] | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return split_values(value) or None


def _prepare(raw: dict[str, Any], outcome: RowOutcome, list_fields: set[str]) -> dict[str, Any]:
    """Return the record with empty strings as null, lists parsed, and the usual slips repaired."""
    record: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            value, repairs = repair.clean_text(value)
            for kind in repairs:
                if kind != repair.SPACES:
                    outcome.repair(kind)
            if value == "":
                value = None
        if name in list_fields:
            value = _listify(value)
        record[name] = value
    for name in URL_FIELDS & set(record):
        if isinstance(record[name], str):
            url, fixed = repair.repair_url(record[name])
            if url and fixed:
                record[name] = url
                outcome.repair(repair.URL)
    if isinstance(record.get("date_maj"), str):
        date, fixed = repair.repair_date(record["date_maj"])
        if date and fixed:
            record["date_maj"] = date
            outcome.repair(repair.DATE)
    if isinstance(record.get("courriel"), str):
        emails, _, fixed = repair.repair_emails(record["courriel"])
        if emails and (fixed or emails[0] != record["courriel"]):
            record["courriel"] = emails[0]
            outcome.repair(repair.EMAIL)
    if record.get("code_postal") is not None or record.get("code_insee") is not None or record.get("commune"):
        located, repairs, errors = repair.locate(
            insee=str(record.get("code_insee") or ""),
            postal_code=str(record.get("code_postal") or ""),
            commune_name=str(record.get("commune") or ""),
        )
        if not errors:
            for kind in repairs:
                outcome.repair(kind)
            record["code_insee"] = located["code_insee"] or None
            record["code_postal"] = located["code_postal"] or None
            record["commune"] = located["commune"] or None
    return record


def _errors(exc: pydantic.ValidationError) -> list[str]:
    """Return the schema's errors in French, one per field."""
    messages = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"]) or "enregistrement"
        kind = error["type"]
        ctx = error.get("ctx") or {}
        value = error.get("input")
        if kind == "missing":
            text = "valeur obligatoire manquante"
        elif kind == "string_too_short":
            text = f"trop court ({ctx.get('min_length')} caractères au moins)"
        elif kind == "string_too_long":
            text = f"trop long ({ctx.get('max_length')} caractères au plus)"
        elif kind == "string_pattern_mismatch":
            text = f"« {value} » n'a pas le format attendu"
        elif kind == "enum":
            text = f"« {value} » n'est pas une valeur de la liste de data·inclusion"
        elif kind.startswith("url"):
            text = f"« {value} » n'est pas une adresse web valide"
        elif kind.startswith("date"):
            text = f"« {value} » n'est pas une date AAAA-MM-JJ"
        elif kind in {"float_parsing", "int_parsing", "float_type", "int_type"}:
            text = f"« {value} » n'est pas un nombre"
        elif kind == "value_error" and "email" in str(error.get("msg", "")).lower():
            text = f"« {value} » n'est pas un courriel valide"
        elif kind == "value_error":
            text = str(error.get("msg", "")).removeprefix("Value error, ")
        else:
            text = f"valeur refusée par le schéma ({error.get('msg', kind)})"
        messages.append(f"{location} : {text}")
    return messages


def convert_structure(raw: dict[str, Any], outcome: RowOutcome, *, today: datetime.date) -> None:
    """Validate a data·inclusion structure and read it into the fields of a place."""
    record = _prepare(raw, outcome, LIST_FIELDS_STRUCTURE)
    known = set(v1.Structure.model_fields)
    extra = {name: value for name, value in record.items() if name not in known and value not in (None, "", [])}
    outcome.source_id = str(record.get("id") or "")[:200]
    outcome.name = str(record.get("nom") or "")
    try:
        structure = v1.Structure.model_validate(
            {name: value for name, value in record.items() if name in known}, context={"ignore_warnings": True}
        )
    except pydantic.ValidationError as exc:
        for message in _errors(exc):
            outcome.error(message)
        return
    for name, value in extra.items():
        outcome.set_aside(name, str(value), "champ inconnu du schéma data·inclusion")
    phone = ""
    if structure.telephone:
        fixed_phone, fixed, others = repair.repair_phone(structure.telephone)
        if fixed_phone is None:
            outcome.set_aside("telephone", structure.telephone, "numéro de téléphone illisible")
        else:
            phone = fixed_phone
            if fixed:
                outcome.repair(repair.PHONE)
    hours = ""
    if structure.horaires_accueil:
        osm, fixed = repair.repair_osm_hours(structure.horaires_accueil)
        if osm is None:
            outcome.set_aside("horaires_accueil", structure.horaires_accueil, "horaires illisibles")
        else:
            hours = osm
            if fixed:
                outcome.repair(repair.HOURS)
    if structure.latitude is not None and structure.longitude is not None:
        latitude, longitude, fixed, problem = repair.repair_coordinates(structure.latitude, structure.longitude)
        if problem:
            outcome.set_aside("latitude, longitude", f"{structure.latitude}, {structure.longitude}", problem)
        if fixed:
            outcome.repair(repair.COORDINATES)
    else:
        latitude = longitude = None
    if not structure.code_insee:
        outcome.notes.append("structure sans commune : trouvable par son nom seulement")
    description = structure.description or ""
    outcome.fields = {
        "source_id": structure.id[:200],
        "name": structure.nom,
        "address": structure.adresse or "",
        "address_complement": structure.complement_adresse or "",
        "postal_code": structure.code_postal or "",
        "commune_code": structure.code_insee or "",
        "commune_name": structure.commune or "",
        "latitude": latitude,
        "longitude": longitude,
        "pivot": structure.siret or UNKNOWN_PIVOT,
        "typologies": [],
        "phone": phone,
        "emails": [str(structure.courriel)] if structure.courriel else [],
        "websites": [str(structure.site_web)] if structure.site_web else [],
        "opening_hours": hours,
        "summary": description[:279].rsplit(" ", 1)[0] + "…" if len(description) > 280 else description,
        "description": description if len(description) > 280 else "",
        "collected_by": structure.source[:200],
        "parent_organisation": "",
        "mobility": [],
        "updated_on": structure.date_maj,
        "services": [],
        "publics": [],
        "specific_supports": [],
        "fees": [],
        "programmes": [],
        "training_labels": [],
        "other_labels": [],
        "access_modes": [],
        "support_modes": [],
        "accessibility_url": str(structure.accessibilite_lieu or ""),
        "appointment_url": "",
        "networks": sorted(member.value for member in structure.reseaux_porteurs or []),
        "source_url": str(structure.lien_source or ""),
    }
    if "france-service" in outcome.fields["networks"]:
        outcome.fields["programmes"].append("france-services")
    if "aidants-connect" in outcome.fields["networks"]:
        outcome.fields["programmes"].append("aidants-connect")
    if "conseillers-numeriques" in outcome.fields["networks"]:
        outcome.fields["programmes"].append("conseillers-numeriques")


def convert_service(raw: dict[str, Any], outcome: RowOutcome) -> None:
    """Validate a data·inclusion service and read it into the fields of a place's service."""
    record = _prepare(raw, outcome, LIST_FIELDS_SERVICE)
    known = set(v1.Service.model_fields)
    outcome.source_id = str(record.get("id") or "")[:200]
    outcome.name = str(record.get("nom") or "")
    try:
        service = v1.Service.model_validate(
            {name: value for name, value in record.items() if name in known}, context={"ignore_warnings": True}
        )
    except pydantic.ValidationError as exc:
        for message in _errors(exc):
            outcome.error(message)
        return
    for name, value in record.items():
        if name not in known and value not in (None, "", []):
            outcome.set_aside(name, str(value), "champ inconnu du schéma data·inclusion")
    location = {
        name: value
        for name in ("adresse", "complement_adresse", "code_postal", "code_insee", "commune", "latitude", "longitude")
        if (value := getattr(service, name)) not in (None, "")
    }
    outcome.fields = {
        "structure_id": service.structure_id,
        "source_id": service.id[:200],
        "name": service.nom,
        "description": service.description,
        "type": service.type.value if service.type else "",
        "thematiques": sorted(t.value for t in service.thematiques or []),
        "fees": service.frais.value if service.frais else "",
        "fees_details": service.frais_precisions or "",
        "publics": sorted(p.value for p in service.publics or []),
        "publics_details": service.publics_precisions or "",
        "access_conditions": service.conditions_acces or "",
        "reception_modes": sorted(m.value for m in service.modes_accueil or []),
        "mobilisation_modes": sorted(m.value for m in service.modes_mobilisation or []),
        "mobilisable_by": sorted(m.value for m in service.mobilisable_par or []),
        "mobilisation_details": service.mobilisation_precisions or "",
        "mobilisation_url": str(service.lien_mobilisation or ""),
        "phone": service.telephone or "",
        "email": str(service.courriel or ""),
        "contact_name": (service.contact_nom_prenom or "")[:150],
        "opening_hours": (service.horaires_accueil or "")[:500],
        "eligibility_zone": [str(zone) for zone in service.zone_eligibilite or []],
        "weekly_hours": service.volume_horaire_hebdomadaire,
        "weeks": service.nombre_semaines,
        "source_url": str(service.lien_source or ""),
        "updated_on": service.date_maj,
        "location": {k: v for k, v in location.items()},
    }


def merge_services_into_place(fields: dict[str, Any], services: list[dict[str, Any]]) -> None:
    """Add what a place's services say to the place's own lists, so that the directory filters find it."""
    for service in services:
        for theme in service["thematiques"]:
            mapped = INCLUSION_THEME_TO_SERVICE.get(theme)
            if mapped and mapped not in fields["services"]:
                fields["services"].append(mapped)
        for public in service["publics"]:
            lieux_public = INCLUSION_PUBLIC_TO_PUBLIC.get(public)
            if lieux_public and lieux_public not in fields["publics"]:
                fields["publics"].append(lieux_public)
        fee = INCLUSION_FEE_TO_FEE.get(service["fees"])
        if fee and fee not in fields["fees"]:
            fields["fees"].append(fee)
        for mode in service["mobilisation_modes"]:
            access = INCLUSION_MOBILISATION_TO_ACCESS.get(mode)
            if access and access not in fields["access_modes"]:
                fields["access_modes"].append(access)
        for mode in service["reception_modes"]:
            support = INCLUSION_RECEPTION_TO_SUPPORT.get(mode)
            if support and support not in fields["support_modes"]:
                fields["support_modes"].append(support)
