"""The lieux de médiation numérique v1 standard: writing a place as a row, and validating rows with the official
Table Schema (copied in ``data/``, validated by ``frictionless``).

Imports and exports share ``place_row``: what an import accepts is exactly what an export writes back, so a
place Appui holds always exports to a valid file.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from .enums import DATA_DIR, UNKNOWN_PIVOT
from .vocabulary import vocabularies

SCHEMA_V1 = DATA_DIR / "schema-lieux-mediation-numerique-v1.0.2.json"
SCHEMA_V0 = DATA_DIR / "schema-lieux-mediation-numerique-v0.1.1.json"


@cache
def schema_descriptor(path: str = str(SCHEMA_V1)) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        descriptor: dict[str, Any] = json.load(handle)
    return descriptor


@cache
def v1_columns() -> tuple[str, ...]:
    """Return the 32 columns of the standard, in its order."""
    return tuple(field["name"] for field in schema_descriptor()["fields"])


# Multi-valued columns and the Place field holding their values.
LIST_COLUMNS = {
    "typologie": "typologies",
    "itinerance": "mobility",
    "services": "services",
    "publics_specifiquement_adresses": "publics",
    "prise_en_charge_specifique": "specific_supports",
    "frais_a_charge": "fees",
    "dispositif_programmes_nationaux": "programmes",
    "formations_labels": "training_labels",
    "modalites_acces": "access_modes",
    "modalites_accompagnement": "support_modes",
}
TEXT_COLUMNS = {
    "id": "source_id",
    "pivot": "pivot",
    "nom": "name",
    "commune": "commune_name",
    "code_postal": "postal_code",
    "code_insee": "commune_code",
    "adresse": "address",
    "complement_adresse": "address_complement",
    "telephone": "phone",
    "horaires": "opening_hours",
    "presentation_resume": "summary",
    "presentation_detail": "description",
    "source": "collected_by",
    "structure_parente": "parent_organisation",
    "fiche_acces_libre": "accessibility_url",
    "prise_rdv": "appointment_url",
}


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def place_row(place: Any) -> dict[str, str]:
    """Return a place (a Place, or the dict of its fields) as a row of the lieux v1 standard."""
    get = place.get if isinstance(place, Mapping) else lambda name, default=None: getattr(place, name, default)
    row: dict[str, str] = {}
    vocabulary = vocabularies()
    for column in v1_columns():
        if column in TEXT_COLUMNS:
            row[column] = str(get(TEXT_COLUMNS[column], "") or "")
        elif column in LIST_COLUMNS:
            values = get(LIST_COLUMNS[column], []) or []
            reader = vocabulary[column]
            row[column] = "|".join(reader.written(value) for value in values)
        elif column in {"courriels", "site_web"}:
            row[column] = "|".join(get("emails" if column == "courriels" else "websites", []) or [])
        elif column == "autres_formations_labels":
            row[column] = "|".join(get("other_labels", []) or [])
        elif column in {"latitude", "longitude"}:
            row[column] = _number(get(column))
        elif column == "date_maj":
            value = get("updated_on")
            row[column] = value.isoformat() if isinstance(value, datetime.date) else str(value or "")
        else:  # pragma: no cover - every column of the schema is mapped above
            raise KeyError(column)
    if not row["pivot"]:
        row["pivot"] = UNKNOWN_PIVOT
    return row


@cache
def _cell_readers() -> dict[str, Any]:
    from frictionless import Schema

    schema = Schema.from_descriptor(schema_descriptor())
    return {field.name: field.create_cell_reader() for field in schema.fields}


_NOTES: dict[tuple[str, str], dict[str, str] | None] = {}


def validate_rows(rows: Iterable[dict[str, str]]) -> dict[int, list[str]]:
    """Validate rows with the official v1 Table Schema; return the errors by row index (0-based).

    Each cell goes through frictionless's reader of its field (type and constraints: required, pattern,
    maxLength), once per distinct value; the identifiers must be unique. A file is validated whole, as
    published, by ``validate_file``.
    """
    readers = _cell_readers()
    errors: dict[int, list[str]] = {}
    identifiers: dict[str, int] = {}
    if len(_NOTES) > 200_000:
        _NOTES.clear()
    for index, row in enumerate(rows):
        for column, reader in readers.items():
            value = row.get(column, "")
            cache_key = (column, value)
            if cache_key not in _NOTES:
                _NOTES[cache_key] = reader(value)[1]
            notes = _NOTES[cache_key]
            if notes:
                errors.setdefault(index, []).extend(_cell_message(column, value, kind) for kind in notes)
        identifier = row.get("id", "")
        if identifier in identifiers:
            errors.setdefault(index, []).append(f"id : « {identifier} » apparaît plusieurs fois (schéma officiel)")
        identifiers.setdefault(identifier, index)
    return errors


def _cell_message(column: str, value: str, kind: str) -> str:
    if kind == "required":
        return f"{column} : valeur obligatoire manquante (schéma officiel)"
    if kind == "type":
        return f"{column} : « {value} » n'a pas le type attendu par le schéma officiel"
    if kind == "pattern":
        return f"{column} : « {value} » ne respecte pas le format du schéma officiel"
    if kind == "maxLength":
        return f"{column} : texte trop long pour le schéma officiel"
    return f"{column} : « {value} » refusé par le schéma officiel ({kind})"


def validate_file(content: bytes, *, schema_path: str = str(SCHEMA_V1)) -> list[str]:
    """Validate a whole CSV file with frictionless and the official Table Schema; return the errors (French
    wording of each error's position, frictionless's own note)."""
    from frictionless import Resource, Schema, validate

    resource = Resource(
        content, format="csv", encoding="utf-8", schema=Schema.from_descriptor(schema_descriptor(schema_path))
    )
    report = validate(resource)
    return [
        f"ligne {getattr(error, 'row_number', '?')}, colonne {getattr(error, 'field_name', '?')} : {error.message}"
        for task in report.tasks
        for error in task.errors
    ]
