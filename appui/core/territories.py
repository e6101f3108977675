"""Départements and EPCI (intercommunalités) of the communes, from the embedded referential (``data/``)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .communes import get_commune

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Epci:
    code: str
    name: str
    kind: str
    communes: frozenset[str]


@cache
def departements() -> dict[str, str]:
    """Return the name of every département keyed by its code ("69", "2A", "971")."""
    with (DATA_DIR / "departements.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["nom"] for row in csv.DictReader(handle)}


@cache
def epcis() -> dict[str, Epci]:
    """Return every EPCI keyed by its SIREN code."""
    with (DATA_DIR / "epci.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Epci(
                code=row["code"], name=row["nom"], kind=row["type"], communes=frozenset(row["communes"].split())
            )
            for row in csv.DictReader(handle)
        }


@cache
def _epci_by_commune() -> dict[str, str]:
    return {commune: epci.code for epci in epcis().values() for commune in epci.communes}


def departement_of(commune_code: str) -> str:
    """Return the département code of a commune, or "" when the commune is unknown."""
    commune = get_commune(commune_code)
    return commune.departement if commune else ""


def epci_of(commune_code: str) -> str:
    """Return the EPCI code of a commune, or "" when it belongs to none (or is unknown)."""
    return _epci_by_commune().get((commune_code or "").strip().upper(), "")


def territory_name(kind: str, code: str) -> str:
    """Return "Rhône (69)" or the EPCI's name, or "" when the code is unknown."""
    if kind == "departement":
        name = departements().get(code)
        return f"{name} ({code})" if name else ""
    epci = epcis().get(code)
    return epci.name if epci else ""
