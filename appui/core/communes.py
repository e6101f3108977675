"""The French communes referential (Code officiel géographique), loaded once from ``data/communes.csv``."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.csv"


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement})"


@cache
def communes_by_code() -> dict[str, Commune]:
    """Return every current commune and municipal arrondissement keyed by INSEE code."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Commune(
                code=row["code"],
                name=row["nom"],
                departement=row["departement"],
                postal_codes=tuple(row["codes_postaux"].split()),
            )
            for row in csv.DictReader(handle)
        }


def get_commune(code: str) -> Commune | None:
    """Return the commune with this INSEE code, or None."""
    return communes_by_code().get((code or "").strip().upper())


def validate_commune_code(value: str) -> None:
    """Refuse a code that is not in the referential (used by model and form fields)."""
    if value and get_commune(value) is None:
        raise ValidationError(
            "« %(code)s » n'est pas un code commune INSEE connu (5 caractères, par exemple 75056 ou 2A004).",
            code="unknown_commune",
            params={"code": value},
        )


def communes_for_postal_code(postal_code: str) -> list[Commune]:
    """Return the communes served by a postal code, to help pick the INSEE code."""
    postal_code = (postal_code or "").strip()
    return [c for c in communes_by_code().values() if postal_code in c.postal_codes]
