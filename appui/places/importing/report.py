"""What an import found, row by row and in total: nothing is dropped or changed without being counted here."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RowOutcome:
    """One row of the file on its way in: its line, what was repaired or set aside, and why it may be refused."""

    line: int
    source_id: str = ""
    name: str = ""
    repairs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Values that fit no field of the standard: kept on the place and listed in the report.
    unparsed: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)

    def repair(self, kind: str) -> None:
        self.repairs.append(kind)

    def set_aside(self, column: str, value: str, reason: str) -> None:
        """Keep a raw value the standard cannot hold, and say so."""
        previous = self.unparsed.get(column)
        self.unparsed[column] = f"{previous} | {value}" if previous else value
        self.notes.append(f"valeur mise de côté ({column}) : {reason}")

    def error(self, message: str) -> None:
        self.errors.append(message)


@dataclass
class ImportReport:
    """The totals of an import, and every rejected row with all its reasons."""

    source: str
    format: str
    filename: str
    total: int = 0
    accepted: int = 0
    created: int = 0
    updated: int = 0
    repaired: int = 0
    rejected: int = 0
    closed: int = 0
    services: int = 0
    dry_run: bool = False
    duration_seconds: float = 0.0
    repairs: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def count_row(self, outcome: RowOutcome) -> None:
        """Add one row to the totals: rejected with its reasons, or accepted (repaired or not)."""
        self.total += 1
        if outcome.errors:
            self.rejected += 1
            self.rejects.append(
                {"line": outcome.line, "id": outcome.source_id, "name": outcome.name, "reasons": outcome.errors}
            )
            return
        self.accepted += 1
        if outcome.repairs:
            self.repaired += 1
            self.repairs.update(set(outcome.repairs))
        self.notes.update(outcome.notes)
        for column, value in outcome.unparsed.items():
            self.warnings.append({"line": outcome.line, "id": outcome.source_id, "column": column, "value": value})

    def note(self, message: str, count: int = 1) -> None:
        self.notes[message] += count

    def summary(self) -> str:
        """Return the one-line summary printed by the command and shown first on the page."""
        text = f"{self.total} ligne(s) lue(s) : {self.accepted} lieu(x) accepté(s) dont {self.repaired} réparé(s)"
        if self.services:
            text += f", {self.services} service(s) accepté(s)"
        text += f", {self.rejected} ligne(s) rejetée(s)"
        if not self.dry_run:
            text += f" ; {self.created} lieu(x) créé(s), {self.updated} mis à jour, {self.closed} fermé(s)"
        return text + "."
