"""The French geographic referential (Code officiel géographique), loaded once from ``data/``.

- ``communes.csv``: current communes and municipal arrondissements (INSEE code, name, département, postal codes,
  population);
- ``epci.csv``: intercommunalities (EPCI à fiscalité propre) and their member communes;
- ``departements.csv``: départements and their names;
- ``communes_anciennes.csv``: communes déléguées and associées that merged into a current commune (their old
  INSEE codes still appear in published files).

Proximity in the directory goes commune → EPCI → département; the commune search serves the suggestion widget
(``appui.web.communes``) of every form that asks for a commune.
"""

import bisect
import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError

from .text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "communes.csv"

# Paris, Lyon and Marseille are divided into municipal arrondissements (loi PLM of 31 December 1982); the
# arrondissements have their own INSEE codes, but the commune is what belongs to an EPCI.
PLM_ARRONDISSEMENTS = {
    "75056": tuple(f"751{n:02d}" for n in range(1, 21)),
    "69123": tuple(f"6938{n}" for n in range(1, 10)),
    "13055": tuple(f"132{n:02d}" for n in range(1, 17)),
}
_PLM_PARENT = {code: parent for parent, codes in PLM_ARRONDISSEMENTS.items() for code in codes}


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]
    population: int = 0

    def __str__(self) -> str:
        return f"{self.name} ({self.departement})"

    @property
    def label(self) -> str:
        """Return the name with the département and the first postal code: « Villeurbanne (69) · 69100 »."""
        return f"{self.name} ({self.departement})" + (f" · {self.postal_codes[0]}" if self.postal_codes else "")


@dataclass(frozen=True)
class Epci:
    """An intercommunality (métropole, communauté urbaine, d'agglomération or de communes)."""

    code: str  # SIREN
    name: str
    type: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


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
                population=int(row.get("population") or 0),
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


@cache
def _communes_by_postal_code() -> dict[str, tuple[Commune, ...]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes_by_code().values():
        for postal_code in commune.postal_codes:
            index.setdefault(postal_code, []).append(commune)
    return {code: tuple(communes) for code, communes in index.items()}


def communes_for_postal_code(postal_code: str) -> list[Commune]:
    """Return the communes served by a postal code, to help pick the INSEE code."""
    return list(_communes_by_postal_code().get((postal_code or "").strip(), ()))


# --- Intercommunalities and départements -------------------------------------------------------------------


@cache
def epcis_by_code() -> dict[str, Epci]:
    """Return every EPCI keyed by SIREN."""
    with (DATA_DIR / "epci.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Epci(
                code=row["code"], name=row["nom"], type=row["type"], members=tuple(row["membres"].split())
            )
            for row in csv.DictReader(handle)
        }


@cache
def _epci_by_commune() -> dict[str, Epci]:
    return {member: epci for epci in epcis_by_code().values() for member in epci.members}


def parent_commune_code(code: str) -> str:
    """Return the commune of a municipal arrondissement (Lyon 3e → Lyon), or the code itself."""
    return _PLM_PARENT.get(code, code)


def epci_of(code: str) -> Epci | None:
    """Return the EPCI the commune (or the arrondissement's commune) belongs to, or None (islands, overseas)."""
    return _epci_by_commune().get(parent_commune_code((code or "").strip().upper()))


def epci_commune_codes(epci: Epci) -> tuple[str, ...]:
    """Return the INSEE codes of the EPCI's communes, with the arrondissements of Paris, Lyon and Marseille."""
    codes: list[str] = []
    for member in epci.members:
        codes.append(member)
        codes.extend(PLM_ARRONDISSEMENTS.get(member, ()))
    return tuple(codes)


def municipality_codes(code: str) -> tuple[str, ...]:
    """Return the codes that mean "in this commune": the commune, and the arrondissements of Paris, Lyon, Marseille."""
    return (code, *PLM_ARRONDISSEMENTS.get(code, ()))


@cache
def departement_names() -> dict[str, str]:
    """Return the départements' names keyed by code (01 … 976)."""
    with (DATA_DIR / "departements.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["nom"] for row in csv.DictReader(handle)}


def departement_name(code: str) -> str:
    """Return the name of a département, or the code itself when unknown."""
    return departement_names().get(code, code)


def departement_of_postal_code(postal_code: str) -> str:
    """Return the likely département of a postal code (20xxx: Corsica, 97x: overseas), or ""."""
    postal_code = (postal_code or "").strip()
    if not re.fullmatch(r"\d{5}", postal_code):
        return ""
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


# --- Former communes ---------------------------------------------------------------------------------------


@cache
def _former_communes() -> dict[str, tuple[str, str]]:
    with (DATA_DIR / "communes_anciennes.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["nom"], row["commune"]) for row in csv.DictReader(handle)}


def current_commune_for_former_code(code: str) -> Commune | None:
    """Return the current commune a commune déléguée or associée (old INSEE code) merged into, or None."""
    former = _former_communes().get((code or "").strip().upper())
    return get_commune(former[1]) if former else None


# --- Search ------------------------------------------------------------------------------------------------

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@lru_cache(maxsize=65_536)
def normalize_commune_name(value: str) -> str:
    """Return a commune name as compared by the search: no accents, case or punctuation, "St" → "saint"."""
    words = normalize(value).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


@cache
def _name_index() -> tuple[list[str], list[str]]:
    """Return the sorted search keys (each name from each of its words on) and the matching INSEE codes."""
    entries: list[tuple[str, str]] = []
    for commune in communes_by_code().values():
        words = normalize_commune_name(commune.name).split()
        for start in range(len(words)):
            entries.append((" ".join(words[start:]), commune.code))
    entries.sort()
    return [key for key, _ in entries], [code for _, code in entries]


def _rank(commune: Commune, key: str) -> tuple[int, int, str]:
    name = normalize_commune_name(commune.name)
    starts = 0 if name == key else 1 if name.startswith(key) else 2
    return (starts, -commune.population, commune.name)


def search_communes(query: str, limit: int = 10) -> list[Commune]:
    """Return the communes whose name starts with ``query`` (or one of its words does), or whose postal code or
    INSEE code starts with it; without accents or case; the exact and most populated first."""
    query = (query or "").strip()
    if not query:
        return []
    by_code = communes_by_code()
    digits = re.sub(r"\s", "", query)
    if re.fullmatch(r"\d{2,5}|2[AaBb]\d{0,3}", digits):
        digits = digits.upper()
        found = {c.code: c for c in by_code.values() if c.code.startswith(digits)} if len(digits) == 5 else {}
        for postal_code, served in _communes_by_postal_code().items():
            if postal_code.startswith(digits):
                found.update({c.code: c for c in served})
        return sorted(found.values(), key=lambda c: (c.postal_codes[:1], -c.population, c.name))[:limit]
    key = normalize_commune_name(query)
    if not key:
        return []
    keys, codes = _name_index()
    found_codes: dict[str, None] = {}
    position = bisect.bisect_left(keys, key)
    while position < len(keys) and keys[position].startswith(key):
        found_codes[codes[position]] = None
        position += 1
    communes = [by_code[code] for code in found_codes]
    return sorted(communes, key=lambda c: _rank(c, key))[:limit]


_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<dep>\d[\dAB]|\d{3})\)\s*(?:·\s*(?P<postal>\d{5}))?$")


def resolve_commune(text: str) -> tuple[Commune | None, list[Commune]]:
    """Read what a person typed to name a commune; return (the commune, []) or (None, the candidates).

    Accepted: an INSEE code, a postal code served by one commune, a name, « Nom (69) » or « Nom (69) · 69100 »
    (the label of the suggestions), « Nom 69100 ». Several matches return no commune and the candidates.
    """
    text = " ".join((text or "").split())
    if not text:
        return None, []
    by_code = communes_by_code()
    upper = text.upper()
    if re.fullmatch(r"\d{5}", text):
        # People type postal codes; an INSEE code is accepted only when no commune has that postal code.
        candidates = communes_for_postal_code(text)
        if not candidates and text in by_code:
            return by_code[text], []
        return (candidates[0], []) if len(candidates) == 1 else (None, candidates)
    if upper in by_code:
        return by_code[upper], []
    departement = postal_code = ""
    match = _LABEL.match(text)
    if match:
        text, departement, postal_code = match["name"], match["dep"], match["postal"] or ""
    else:
        trailing = re.match(r"^(?P<name>.+?)\s+(?P<postal>\d{5})$", text)
        if trailing:
            text, postal_code = trailing["name"], trailing["postal"]
    key = normalize_commune_name(text)
    candidates = [c for c in by_code.values() if normalize_commune_name(c.name) == key]
    if departement:
        candidates = [c for c in candidates if c.departement == departement]
    if postal_code and len(candidates) > 1:
        candidates = [c for c in candidates if postal_code in c.postal_codes] or candidates
    if len(candidates) == 1:
        return candidates[0], []
    if not candidates:
        return None, search_communes(text, limit=5)
    return None, sorted(candidates, key=lambda c: -c.population)


@cache
def _communes_by_name() -> dict[str, tuple[Commune, ...]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes_by_code().values():
        index.setdefault(normalize_commune_name(commune.name), []).append(commune)
    return {name: tuple(communes) for name, communes in index.items()}


_ANY_ARRONDISSEMENT = re.compile(r"^(?:(paris|lyon|marseille)\s+)?(\d{1,2})\s*(?:e|er|eme|ieme)\b")


def _unique(communes: "list[Commune] | tuple[Commune, ...]") -> Commune | None:
    return communes[0] if len(communes) == 1 else None


def find_commune(*, name: str, postal_code: str) -> Commune | None:
    """Return the commune a published address names, from its postal code and commune name, or None.

    Used to derive a missing or wrong INSEE code, in this order: an arrondissement of Paris, Lyon or Marseille
    (« Lyon 3e », « 7e Arrondissement »); the commune of that name served by the postal code; the commune of
    that name in the postal code's département (the postal code is wrong); a commune of the postal code whose
    name contains the name, or the other way round (« Saint-Christol d'Albion » for Saint-Christol), or differs
    by a typing slip; the only commune the postal code serves (the name is a hamlet: « Montfavet », Avignon);
    the only commune of that name in France. « St »/« Saint », case, accents, hyphens and « CEDEX » are ignored.
    """
    import difflib

    key = normalize_commune_name(re.sub(r"(?i)\bcedex\b.*$", "", name or ""))
    postal_code = (postal_code or "").strip()
    candidates = communes_for_postal_code(postal_code)
    by_name = _communes_by_name()
    arrondissement = _ANY_ARRONDISSEMENT.match(key)
    if arrondissement and candidates:
        city, number = arrondissement[1], int(arrondissement[2])
        found = [
            c
            for c in candidates
            if c.code in _PLM_PARENT and re.match(rf"{city or '[a-z]+'} {number}e", normalize_commune_name(c.name))
        ]
        if _unique(found):
            return found[0]
    if not key:
        return _unique(candidates)
    named = [c for c in candidates if normalize_commune_name(c.name) == key]
    if named:
        return _unique(named)
    departement = departement_of_postal_code(postal_code)
    in_departement = [c for c in by_name.get(key, ()) if c.departement == departement]
    if _unique(in_departement):
        return in_departement[0]
    padded = f" {key} "
    partial = [
        c
        for c in candidates
        if padded in f" {normalize_commune_name(c.name)} "
        or f" {key}".startswith(f" {normalize_commune_name(c.name)} ")
    ]
    if _unique(partial):
        return partial[0]
    names = {normalize_commune_name(c.name): c for c in candidates}
    close = difflib.get_close_matches(key, list(names), n=2, cutoff=0.85)
    if len(close) == 1:
        return names[close[0]]
    if _unique(candidates):
        return candidates[0]
    return _unique(by_name.get(key, ()))
