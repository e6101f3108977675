"""From a file to checked place records, chunk by chunk: read, detect the format, convert, validate.

``convert_chunks`` yields lists of accepted outcomes (each with its Place fields and services); every row, kept
or rejected, is counted in the report. The caller (``appui.places.services.places_import``) writes them.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from appui.places.enums import ImportFormat
from appui.places.standard import place_row, validate_rows

from . import inclusion, lieux
from .readers import Table, detect_format
from .report import ImportReport, RowOutcome

CHUNK = 2000

CONVERTERS = {
    ImportFormat.LIEUX_V1: lieux.convert_lieux_v1,
    ImportFormat.LIEUX_V0: lieux.convert_lieux_v0,
    ImportFormat.FRANCE_SERVICES: lieux.convert_france_services,
}


def resolve_format(table: Table, requested: str) -> str:
    return detect_format(table) if requested in ("", ImportFormat.AUTO) else requested


def convert_chunks(
    table: Table,
    import_format: str,
    report: ImportReport,
    *,
    today: datetime.date,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[list[RowOutcome]]:
    """Yield the accepted rows of the file, chunk by chunk, after counting every row in ``report``."""
    seen: dict[str, int] = {}
    services_by_structure: dict[str, list[dict[str, Any]]] = {}
    if import_format == ImportFormat.DATA_INCLUSION:
        services_by_structure = _inclusion_services(table, report)
    for start in range(0, len(table.rows), CHUNK):
        chunk = table.rows[start : start + CHUNK]
        outcomes: list[RowOutcome] = []
        for line, raw in chunk:
            outcome = RowOutcome(line=line)
            if import_format == ImportFormat.DATA_INCLUSION:
                inclusion.convert_structure(raw, outcome, today=today)
            else:
                CONVERTERS[import_format](raw, outcome, today=today)  # type: ignore[index]
            if outcome.source_id and not outcome.errors:
                first = seen.setdefault(outcome.source_id, line)
                if first != line:
                    outcome.error(f"identifiant « {outcome.source_id} » déjà utilisé ligne {first}")
            outcomes.append(outcome)
        if import_format != ImportFormat.DATA_INCLUSION:
            _validate_with_schema(outcomes)
        else:
            for outcome in outcomes:
                if not outcome.errors:
                    outcome.services = services_by_structure.pop(outcome.source_id, [])
                    report.services += len(outcome.services)
                    inclusion.merge_services_into_place(outcome.fields, outcome.services)
        for outcome in outcomes:
            report.count_row(outcome)
        if progress is not None:
            progress(len(chunk))
        yield [outcome for outcome in outcomes if not outcome.errors]
    for structure_id, services in services_by_structure.items():
        for service in services:
            report.rejected += 1
            report.rejects.append(
                {
                    "line": service["_line"],
                    "id": service["source_id"],
                    "name": service["name"],
                    "reasons": [
                        f"structure_id : la structure « {structure_id} » n'est pas dans le fichier, ou y est rejetée "
                        "(importez les structures et leurs services ensemble)"
                    ],
                }
            )


def _validate_with_schema(outcomes: list[RowOutcome]) -> None:
    """Check the rows that passed the conversion against the official v1 Table Schema."""
    candidates = [outcome for outcome in outcomes if not outcome.errors]
    errors = validate_rows(place_row(outcome.fields) for outcome in candidates)
    for index, messages in errors.items():
        targets = candidates if index < 0 else [candidates[index]]
        for outcome in targets:
            for message in messages:
                outcome.error(message)


def _inclusion_services(table: Table, report: ImportReport) -> dict[str, list[dict[str, Any]]]:
    """Validate the file's services; return the accepted ones by structure id (rejected ones are reported)."""
    by_structure: dict[str, list[dict[str, Any]]] = {}
    rows = list(table.services)
    if not table.services and table.rows and all("structure_id" in raw for _, raw in table.rows[:50]):
        rows, table.rows = table.rows, []  # a file of services only
    seen: set[str] = set()
    for line, raw in rows:
        report.total += 1
        outcome = RowOutcome(line=line)
        inclusion.convert_service(raw, outcome)
        if not outcome.errors and outcome.source_id in seen:
            outcome.error(f"identifiant de service « {outcome.source_id} » déjà utilisé")
        if outcome.errors:
            report.rejected += 1
            report.rejects.append(
                {
                    "line": line,
                    "id": outcome.source_id,
                    "name": outcome.name,
                    "reasons": outcome.errors,
                    "kind": "service",
                }
            )
            continue
        seen.add(outcome.source_id)
        fields = outcome.fields
        fields["_line"] = line
        fields["unparsed"] = outcome.unparsed
        by_structure.setdefault(fields.pop("structure_id"), []).append(fields)
        report.repairs.update(set(outcome.repairs))
        report.notes.update(outcome.notes)
    return by_structure
