"""Repairs of the values real files carry: each function returns the repaired value and whether it repaired it.

A value that cannot be repaired is returned as None: the caller keeps the raw text aside (``Place.unparsed``)
and reports it, so that nothing is lost silently.
"""

import datetime
import hashlib
import re

from appui.core.communes import (
    Commune,
    communes_for_postal_code,
    current_commune_for_former_code,
    find_commune,
    get_commune,
)

# Repair kinds, as the import report names them.
PHONE = "téléphone mis au format international"
LIST_VALUE = "valeur de liste réécrite (apostrophe, espace, casse ou parenthèse)"
SEPARATOR = "séparateur « ; » remplacé par « | »"
INSEE_DERIVED = "code INSEE déduit du code postal et du nom de la commune"
INSEE_FORMER = "code INSEE d'une ancienne commune remplacé par celui de la commune actuelle"
INSEE_PADDED = "code INSEE complété (zéro initial perdu)"
POSTAL_PADDED = "code postal complété (zéro initial perdu)"
POSTAL_DERIVED = "code postal déduit du code INSEE"
COMMUNE_NAMED = "nom de la commune complété depuis le code INSEE"
HOURS = "horaires réécrits au format OpenStreetMap"
DAY_RANGES = "horaires d'un jour corrigés (plages répétées, chevauchantes ou vides)"
MOJIBAKE = "caractères mal encodés corrigés"
EMAIL = "courriel nettoyé"
URL = "adresse web complétée ou nettoyée"
DATE = "date remise au format AAAA-MM-JJ"
COORDINATES = "coordonnées corrigées (virgule décimale ou latitude et longitude inversées)"
MISSING_ID = "identifiant absent : calculé depuis le nom et l'adresse"
MISSING_PIVOT = "SIRET absent : valeur conventionnelle 00000000000000"
MISSING_DATE = "date de mise à jour absente : date de l'import"
LONG_SUMMARY = "présentation courte de plus de 280 caractères : texte complet gardé en présentation détaillée"
SPACES = "espaces superflues retirées"
EXTRA_PHONES = "numéros de téléphone supplémentaires gardés dans la présentation détaillée"


def clean_text(value: object) -> tuple[str, list[str]]:
    """Return the text without surrounding or repeated spaces, with double-encoded UTF-8 repaired."""
    if value is None or value == "":
        return "", []
    text = value if isinstance(value, str) else str(value)
    repairs: list[str] = []
    if "Ã" in text or "Â" in text or "â€" in text:
        try:
            fixed = text.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            fixed = text
        if fixed != text:
            text = fixed
            repairs.append(MOJIBAKE)
    if "\n" in text or "\r" in text:
        # Keep the paragraphs of long texts; only tidy each line.
        cleaned = "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
    elif "  " in text or "\u00a0" in text or "\u202f" in text or "\t" in text:
        cleaned = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
        repairs.append(SPACES)
    else:
        cleaned = text.strip()
    return cleaned, repairs


# Dialling codes of the overseas départements, by the first digits of the national number (0 + 3 digits).
_OVERSEAS = {
    "0590": "+590",
    "0690": "+590",
    "0691": "+590",
    "0594": "+594",
    "0694": "+594",
    "0262": "+262",
    "0263": "+262",
    "0692": "+262",
    "0693": "+262",
    "0596": "+596",
    "0696": "+596",
    "0697": "+596",
    "0269": "+262",
    "0639": "+262",
}
PHONE_PATTERN = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")


def repair_phone(raw: str) -> tuple[str | None, bool, list[str]]:
    """Return (E.164 number, repaired, other numbers found) from « 04 50 56 87 49 », « +33 (0)4… », « 0033… »."""
    raw = raw.strip()
    if not raw:
        return "", False, []
    if PHONE_PATTERN.match(raw):
        return raw, False, []
    candidates = re.split(r"\s*(?:/|ou|;|\||,|et)\s*(?=[+0(])", raw)
    numbers: list[str] = []
    for candidate in candidates:
        digits = re.sub(r"\(0\)", "", candidate)
        digits = re.sub(r"[\s.\-()/]", "", digits)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if re.fullmatch(r"33\d{9}", digits):
            digits = "+" + digits
        if re.fullmatch(r"\d{9}", digits) and digits[0] in "123456789":
            digits = "0" + digits  # a leading zero lost by a spreadsheet
        if re.fullmatch(r"0\d{9}", digits):
            prefix = _OVERSEAS.get(digits[:4], "+33")
            digits = prefix + digits[1:] if prefix == "+33" else prefix + digits[1:]
        if PHONE_PATTERN.match(digits):
            numbers.append(digits)
    if not numbers:
        return None, False, []
    return numbers[0], True, numbers[1:]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def repair_emails(raw: str) -> tuple[list[str], list[str], bool]:
    """Return (valid addresses, unreadable parts, repaired) from a cell of one or several addresses."""
    parts = [p for p in re.split(r"[\s|;,]+", raw.strip()) if p]
    found: list[str] = []
    bad: list[str] = []
    repaired = False
    for part in parts:
        cleaned = part.removeprefix("mailto:").strip("<>.'\"").lower()
        if cleaned != part:
            repaired = True
        if _EMAIL.match(cleaned):
            if cleaned not in found:
                found.append(cleaned)
        else:
            bad.append(part)
    if len(parts) > 1 and "|" not in raw:
        repaired = True
    return found, bad, repaired


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def repair_url(raw: str) -> tuple[str | None, bool]:
    """Return (URL, repaired): « www.site.fr » becomes « https://www.site.fr »."""
    raw = raw.strip()
    if not raw:
        return "", False
    url = raw
    repaired = False
    if not re.match(r"^https?://", url, re.IGNORECASE):
        if re.match(r"^[\w.-]+\.[a-z]{2,}(/.*)?$", url, re.IGNORECASE):
            url = "https://" + url
            repaired = True
        else:
            return None, False
    if " " in url or len(url) > 500 or not _URL.match(url):
        return None, False
    return url, repaired


def repair_urls(raw: str) -> tuple[list[str], list[str], bool]:
    """Return (URLs, unreadable parts, repaired) from a cell of one or several addresses."""
    parts = [p for p in re.split(r"\s*[|;]\s*|,(?=\s*(?:https?://|www\.))|\s+(?=https?://)", raw.strip()) if p]
    found: list[str] = []
    bad: list[str] = []
    repaired = len(parts) > 1 and "|" not in raw
    for part in parts:
        url, fixed = repair_url(part)
        if url:
            found.append(url)
            repaired = repaired or fixed
        else:
            bad.append(part)
    return found, bad, repaired


def repair_date(raw: str) -> tuple[str | None, bool]:
    """Return (AAAA-MM-JJ, repaired) from an ISO date, an ISO timestamp or « 17/05/2023 »."""
    raw = raw.strip()
    if not raw:
        return "", False
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            datetime.date.fromisoformat(raw)
        except ValueError:
            return None, False
        return raw, False
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ].*", raw)
    if match:
        return repair_date(match[1])[0], True
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    if match:
        try:
            return datetime.date(int(match[3]), int(match[2]), int(match[1])).isoformat(), True
        except ValueError:
            return None, False
    return None, False


def repair_postal_code(raw: str) -> tuple[str | None, bool]:
    raw = raw.strip().replace(" ", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if re.fullmatch(r"\d{5}", raw):
        return raw, False
    if re.fullmatch(r"\d{4}", raw):
        return "0" + raw, True
    if not raw:
        return "", False
    return None, False


def repair_insee(raw: str) -> tuple[Commune | None, str]:
    """Return (commune, repair kind or "") for a published INSEE code; (None, "") when unknown."""
    raw = raw.strip().upper()
    if raw.endswith(".0"):
        raw = raw[:-2]
    commune = get_commune(raw)
    if commune:
        return commune, ""
    if re.fullmatch(r"\d{4}", raw) and get_commune("0" + raw):
        return get_commune("0" + raw), INSEE_PADDED
    current = current_commune_for_former_code(raw)
    if current:
        return current, INSEE_FORMER
    return None, ""


def locate(*, insee: str, postal_code: str, commune_name: str) -> tuple[dict[str, str], list[str], list[str]]:
    """Return the repaired (code_insee, code_postal, commune), the repairs made, and the errors left."""
    repairs: list[str] = []
    errors: list[str] = []
    postal, fixed = repair_postal_code(postal_code)
    if postal is None:
        errors.append(f"code postal « {postal_code} » illisible (5 chiffres attendus)")
        postal = ""
    elif fixed:
        repairs.append(POSTAL_PADDED)
    commune: Commune | None = None
    if insee.strip():
        commune, kind = repair_insee(insee)
        if commune is None:
            derived = find_commune(name=commune_name, postal_code=postal)
            if derived is None:
                errors.append(f"code INSEE « {insee.strip()} » inconnu du Code officiel géographique")
            else:
                commune = derived
                repairs.append(INSEE_DERIVED)
        elif kind:
            repairs.append(kind)
    elif postal or commune_name.strip():
        commune = find_commune(name=commune_name, postal_code=postal)
        if commune is not None:
            repairs.append(INSEE_DERIVED)
    name = commune_name.strip()
    if commune is not None and not name:
        name = commune.name
        repairs.append(COMMUNE_NAMED)
    if commune is not None and not postal:
        if len(commune.postal_codes) == 1:
            postal = commune.postal_codes[0]
            repairs.append(POSTAL_DERIVED)
        elif len(communes_for_postal_code(postal)) == 0 and commune.postal_codes:
            postal = commune.postal_codes[0]
            repairs.append(POSTAL_DERIVED)
    return {"code_insee": commune.code if commune else "", "code_postal": postal, "commune": name}, repairs, errors


def repair_coordinates(latitude: object, longitude: object) -> tuple[float | None, float | None, bool, str]:
    """Return (latitude, longitude, repaired, error) from published coordinates.

    Comma decimals are read; a pair obviously swapped (a French longitude in the latitude column) is put back
    in order; 0,0 means "unknown".
    """

    def read(value: object) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip().replace(",", ".")
        if not text:
            return None
        return float(text)

    repaired = any(isinstance(v, str) and "," in v for v in (latitude, longitude))
    try:
        lat, lon = read(latitude), read(longitude)
    except ValueError:
        return None, None, False, f"coordonnées illisibles « {latitude} », « {longitude} »"
    if lat is None or lon is None:
        return None, None, False, "" if lat is None and lon is None else "latitude ou longitude manquante"
    if lat == 0 and lon == 0:
        return None, None, True, ""
    if not -90 <= lat <= 90 and -90 <= lon <= 90:
        lat, lon, repaired = lon, lat, True
    elif 41 <= lon <= 51.5 and -5.5 <= lat <= 10 and not (41 <= lat <= 51.5):
        lat, lon, repaired = lon, lat, True  # metropolitan France: latitude 41–51, longitude −5–10
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, False, f"coordonnées hors limites « {latitude} », « {longitude} »"
    return lat, lon, repaired, ""


def computed_id(*parts: str) -> str:
    """Return a stable identifier for a row without one (the same row gets the same id on every import)."""
    digest = hashlib.sha1("|".join(p.strip().lower() for p in parts).encode(), usedforsecurity=False)
    return "appui-" + digest.hexdigest()[:16]


# --- Opening hours -----------------------------------------------------------------------------------------

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?")


def parse_hours(value: str) -> object | None:
    """Return the parsed OpenStreetMap opening hours, or None when the expression is invalid."""
    from appui.places.hours import parsed

    return parsed(value)


def repair_osm_hours(raw: str) -> tuple[str | None, bool]:
    """Return (OSM expression, repaired) from published hours; common slips (« 9h00 », trailing « ; ») fixed."""
    text = " ".join(raw.replace("\u00a0", " ").split())
    if not text:
        return "", False
    if parse_hours(text):
        return text, False
    fixed = re.sub(r"(\d{1,2})h(\d{2})", lambda m: f"{int(m[1]):02d}:{m[2]}", text)
    fixed = re.sub(r"(?<![\d:])(\d):(\d{2})", r"0\1:\2", fixed)
    fixed = re.sub(r"\s*,\s*", ",", fixed)
    fixed = re.sub(r"\s*-\s*(?=\d)", "-", fixed)
    fixed = fixed.strip(" ;,")
    if parse_hours(fixed):
        return fixed, True
    return None, False


def day_ranges(raw: str) -> tuple[list[str] | None, bool]:
    """Return the time ranges of one day written « 09:00 - 12:00 / 13:30 - 17:00 » ([] when closed, None when
    unreadable), and whether ranges had to be dropped or merged.

    Empty ranges (« 00:00 - 00:00 », used as fillers) are dropped; repeated, overlapping or touching ranges are
    merged (« 08:30 - 12:00 / 12:00 - 16:00 » is 08:30-16:00): the place is open whenever one of them says so.
    Ranges must come in the order of the day.
    """
    text = raw.strip()
    if text.lower() in {"", "-", "fermé", "ferme", "fermée", "fermee"}:
        return [], False
    times = [int(h) * 60 + int(m or 0) for h, m in _TIME.findall(text)]
    if not times or len(times) % 2 or any(t > 24 * 60 for t in times):
        return None, False
    intervals: list[list[int]] = []
    for start, end in zip(times[::2], times[1::2], strict=True):
        if start == end:
            continue  # « 00:00 - 00:00 »
        if start > end or (intervals and start < intervals[-1][0]):
            return None, False  # a range backwards, or out of order: a typing slip nobody can guess
        intervals.append([start, end])
    merged: list[list[int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ranges = [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in merged]
    return ranges, len(merged) != len(times) // 2


def weekly_hours_to_osm(days: dict[str, str]) -> tuple[str | None, list[str], bool]:
    """Return the OSM expression of hours given day by day (keys Mo…Su), the days that were unreadable, and
    whether some day's ranges had to be merged or dropped.

    Consecutive days with the same hours are grouped: « Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00 ».
    """
    parsed: dict[str, list[str]] = {}
    unreadable: list[str] = []
    repaired = False
    for day in WEEKDAYS:
        if day not in days:
            continue
        ranges, fixed = day_ranges(days[day])
        repaired = repaired or fixed
        if ranges is None:
            unreadable.append(day)
        elif ranges:
            parsed[day] = ranges
    if unreadable:
        return None, unreadable, False
    rules: list[str] = []
    group: list[str] = []

    def flush() -> None:
        if group:
            span = group[0] if len(group) == 1 else f"{group[0]}-{group[-1]}"
            rules.append(f"{span} {','.join(parsed[group[0]])}")
            group.clear()

    for day in WEEKDAYS:
        ranges = parsed.get(day)
        if group and ranges != parsed[group[0]]:
            flush()
        if ranges:
            group.append(day)
    flush()
    expression = "; ".join(rules)
    if expression and parse_hours(expression) is None:
        return None, list(parsed), False
    return expression, [], repaired
