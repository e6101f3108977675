"""Reading a published file (CSV or JSON) into records that remember their line in the file."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from appui.places.enums import ImportFormat


class UnreadableFileError(ValueError):
    """The file is neither a CSV nor a JSON file Appui can read; the message says why, in French."""


@dataclass
class Table:
    """The records of a file, each with the line where it starts."""

    kind: str  # "csv" or "json"
    rows: list[tuple[int, dict[str, Any]]]
    columns: list[str]
    # data·inclusion files may carry services besides structures.
    services: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), ["fichier encodé en Windows-1252 : converti en UTF-8"]


def read_file(data: bytes, filename: str = "") -> Table:
    """Return the records of a CSV or JSON file (JSON array, JSON lines, or a data·inclusion object)."""
    text, notes = _decode(data)
    stripped = text.lstrip()
    if not stripped:
        raise UnreadableFileError("Le fichier est vide.")
    if stripped[0] in "[{" or filename.lower().endswith((".json", ".jsonl", ".ndjson")):
        table = _read_json(text)
    else:
        table = _read_csv(text)
    table.notes = notes + table.notes
    return table


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise UnreadableFileError("La première ligne du fichier CSV (les noms de colonnes) est illisible.") from exc
    columns = [name.strip().strip("\ufeff").lower() for name in header]
    notes: list[str] = []
    if delimiter != ",":
        notes.append(f"séparateur de colonnes « {delimiter} » au lieu de la virgule")
    if columns != header:
        notes.append("noms de colonnes réécrits en minuscules, sans espaces")
    rows: list[tuple[int, dict[str, Any]]] = []
    empty = 0
    line = reader.line_num + 1
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                empty += 1
            else:
                record: dict[str, Any] = {
                    name: (values[i] if i < len(values) else "") for i, name in enumerate(columns) if name
                }
                if len(values) > len(columns):
                    record["__extra__"] = values[len(columns) :]
                rows.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFileError(f"Fichier CSV illisible à partir de la ligne {line} : {exc}.") from exc
    if empty:
        notes.append(f"{empty} ligne(s) vide(s) ignorée(s)")
    return Table(kind="csv", rows=rows, columns=[c for c in columns if c], notes=notes)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _array_items(text: str, start: int, decoder: json.JSONDecoder) -> tuple[list[tuple[int, Any]], int]:
    """Parse the JSON array opening at ``text[start] == "["``; return its items with their line, and the end."""
    items: list[tuple[int, Any]] = []
    position = _WHITESPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    line = text.count("\n", 0, position) + 1
    counted = position
    if text.startswith("]", position):
        return items, position + 1
    while True:
        line += text.count("\n", counted, position)
        counted = position
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise UnreadableFileError(f"JSON illisible ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}.") from exc
        items.append((line, value))
        position = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", position):
            position = _WHITESPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        elif text.startswith("]", position):
            return items, position + 1
        else:
            raise UnreadableFileError(
                f"JSON illisible ligne {text.count(chr(10), 0, position) + 1} : « , » ou « ] » attendu."
            )


def _read_json(text: str) -> Table:
    decoder = json.JSONDecoder()
    start = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
    rows: list[tuple[int, Any]]
    services: list[tuple[int, Any]] = []
    if text.startswith("[", start):
        rows, _ = _array_items(text, start, decoder)
    elif text.startswith("{", start):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            # JSON lines: one object per line.
            rows = []
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        rows.append((number, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        raise UnreadableFileError(f"JSON illisible ligne {number} : {exc.msg}.") from exc
        else:
            keys = [k for k in ("structures", "lieux", "data", "results", "items") if isinstance(document.get(k), list)]
            if not keys and not isinstance(document.get("services"), list):
                rows = [(1, document)]
            else:
                rows = _items_of(text, keys[0], decoder) if keys else []
                if isinstance(document.get("services"), list):
                    services = _items_of(text, "services", decoder)
    else:
        raise UnreadableFileError("Le fichier JSON doit contenir une liste de lieux.")
    not_objects = [line for line, value in rows if not isinstance(value, dict)]
    if not_objects:
        raise UnreadableFileError(f"Élément qui n'est pas un objet JSON, ligne {not_objects[0]}.")
    columns: dict[str, None] = {}
    for _, value in rows[:1000]:
        columns.update(dict.fromkeys(value))
    return Table(kind="json", rows=rows, columns=list(columns), services=services)


def _items_of(text: str, name: str, decoder: json.JSONDecoder) -> list[tuple[int, Any]]:
    match = re.search(rf'"{re.escape(name)}"\s*:\s*\[', text)
    if match is None:
        return []
    items, _ = _array_items(text, match.end() - 1, decoder)
    return items


V1_ONLY = {
    "courriels",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "prise_en_charge_specifique",
    "publics_specifiquement_adresses",
    "modalites_acces",
    "itinerance",
    "formations_labels",
    "fiche_acces_libre",
}
V0_ONLY = {
    "courriel",
    "conditions_acces",
    "labels_nationaux",
    "labels_autres",
    "publics_accueillis",
    "cle_ban",
    "accessibilite",
}
INCLUSION_ONLY = {"horaires_accueil", "lien_source", "siret", "accessibilite_lieu", "reseaux_porteurs", "structure_id"}


def detect_format(table: Table) -> str:
    """Return the format of a file from its columns (and, for old files, from their service values)."""
    from appui.places.vocabulary import V0_SERVICES, key, split_values

    columns = set(table.columns)
    if {"id_fs", "lib_fs"} & columns:
        return ImportFormat.FRANCE_SERVICES
    if table.services or INCLUSION_ONLY & columns:
        return ImportFormat.DATA_INCLUSION
    if V1_ONLY & columns:
        return ImportFormat.LIEUX_V1
    if V0_ONLY & columns:
        return ImportFormat.LIEUX_V0
    old = {key(value) for value in V0_SERVICES}
    for _, record in table.rows[:200]:
        if any(key(value) in old for value in split_values(record.get("services"))):
            return ImportFormat.LIEUX_V0
    return ImportFormat.LIEUX_V1
