"""Rows of lieux v1, lieux v0.1 and France Services files, read into the fields of a place.

Each converter fills ``outcome.fields`` (the Place fields), records every repair and conversion, keeps values
it cannot read in ``outcome.unparsed``, and adds an error for what makes the row unusable (no name, no
address, no commune). The caller then validates ``standard.place_row(outcome.fields)`` with the official schema.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from appui.places.enums import UNKNOWN_PIVOT, Fee, Mobility, Programme, SupportMode
from appui.places.vocabulary import (
    V0_FEES,
    V0_LABELS,
    V0_PUBLICS,
    V0_SERVICES,
    V0_SUPPORT_MODES,
    key,
    split_values,
    vocabularies,
)

from . import repair
from .report import RowOutcome

V1_KNOWN = {
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
}
V0_KNOWN = {
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "cle_ban",
    "typologie",
    "telephone",
    "courriel",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "structure_parente",
    "date_maj",
    "services",
    "publics_accueillis",
    "conditions_acces",
    "labels_nationaux",
    "labels_autres",
    "modalites_accompagnement",
    "accessibilite",
    "prise_rdv",
}


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "|".join(_str(item) for item in value)
    return str(value)


@dataclass
class _Recorder(RowOutcome):
    """An outcome that remembers the values set aside, to set them aside again on other rows."""

    set_aside_calls: list[tuple[str, str, str]] = field(default_factory=list)

    def set_aside(self, column: str, value: str, reason: str) -> None:
        self.set_aside_calls.append((column, value, reason))


# Readings of enumerated cells: (column, separator, cell) → (slugs, repairs, values set aside).
_ENUMERATIONS: dict[tuple[str, str, str], tuple[list[str], list[str], list[tuple[str, str, str]]]] = {}


class _Reader:
    """Read the cells of one raw record, counting the repairs on the row's outcome."""

    def __init__(self, raw: dict[str, Any], outcome: RowOutcome, *, separator: str = "|"):
        self.raw = raw
        self.outcome = outcome
        # The separator of multi-valued cells in this version of the standard: « | » in v1, « ; » in v0.1.
        self.separator = separator

    def text(self, column: str) -> str:
        value, repairs = repair.clean_text(_str(self.raw.get(column)))
        for kind in repairs:
            if kind != repair.SPACES:  # trailing spaces are not worth a repair
                self.outcome.repair(kind)
        return value

    def values(self, column: str) -> list[str]:
        raw = self.raw.get(column)
        if isinstance(raw, str) and self.separator == "|" and ";" in raw:
            self.outcome.repair(repair.SEPARATOR)
        items = split_values(raw)
        cleaned = []
        for item in items:
            text, repairs = repair.clean_text(item)
            if repair.MOJIBAKE in repairs:
                self.outcome.repair(repair.MOJIBAKE)
            cleaned.append(text)
        return cleaned

    def enumeration(self, column: str) -> list[str]:
        """Return the slugs of the values of a multi-valued column; unknown values are set aside.

        Files repeat the same few cells thousands of times: the reading of a text cell is kept, with the repairs
        and set-aside values it brings, and given again to every row carrying that cell."""
        raw = self.raw.get(column)
        if raw is None or raw == "":
            return []
        if not isinstance(raw, str):
            return self._enumeration(column)
        cache_key = (column, self.separator, raw)
        read = _ENUMERATIONS.get(cache_key)
        if read is None:
            if len(_ENUMERATIONS) > 100_000:
                _ENUMERATIONS.clear()
            recorder = _Recorder(line=0)
            found = _Reader(self.raw, recorder, separator=self.separator)._enumeration(column)
            read = _ENUMERATIONS[cache_key] = (found, recorder.repairs, recorder.set_aside_calls)
        found, repairs, set_aside_calls = read
        self.outcome.repairs.extend(repairs)
        for call in set_aside_calls:
            self.outcome.set_aside(*call)
        return list(found)

    def _enumeration(self, column: str) -> list[str]:
        reader = vocabularies()[column]
        found: list[str] = []
        for item in self.values(column):
            value, rewritten = reader.match(item)
            if value is None:
                self.outcome.set_aside(column, item, f"« {item} » n'est pas une valeur de la liste du standard")
                continue
            if rewritten:
                self.outcome.repair(repair.LIST_VALUE)
            if value not in found:
                found.append(value)
        return found


def _identity(reader: _Reader, outcome: RowOutcome, fields: dict[str, Any], *, id_column: str = "id") -> None:
    fields["name"] = reader.text("nom")
    fields["address"] = reader.text("adresse")
    fields["address_complement"] = reader.text("complement_adresse")
    source_id = reader.text(id_column)
    if not source_id:
        source_id = repair.computed_id(fields["name"], fields["address"], _str(reader.raw.get("code_postal")))
        outcome.repair(repair.MISSING_ID)
    fields["source_id"] = source_id[:200]
    outcome.source_id = fields["source_id"]
    outcome.name = fields["name"]
    if not fields["name"]:
        outcome.error("nom du lieu manquant")
    elif len(fields["name"]) > 250:
        outcome.error("nom du lieu trop long (250 caractères au plus)")
    if not fields["address"]:
        outcome.error("adresse manquante")


def _location(
    reader: _Reader, outcome: RowOutcome, fields: dict[str, Any], *, insee: str, postal: str, name: str
) -> None:
    located, repairs, errors = repair.locate(
        insee=reader.text(insee), postal_code=reader.text(postal), commune_name=reader.text(name)
    )
    for kind in repairs:
        outcome.repair(kind)
    for message in errors:
        outcome.error(message)
    fields["commune_code"] = located["code_insee"]
    fields["postal_code"] = located["code_postal"]
    fields["commune_name"] = located["commune"]
    if not errors:
        if not fields["postal_code"]:
            outcome.error("code postal manquant")
        if not fields["commune_name"]:
            outcome.error("commune manquante")
        elif not fields["commune_code"]:
            outcome.error(
                f"commune « {fields['commune_name']} » introuvable avec le code postal « {fields['postal_code']} » "
                "dans le Code officiel géographique : indiquez son code INSEE"
            )
    latitude, longitude, fixed, problem = repair.repair_coordinates(
        reader.raw.get("latitude"), reader.raw.get("longitude")
    )
    if problem:
        outcome.set_aside(
            "latitude, longitude", f"{reader.raw.get('latitude')}, {reader.raw.get('longitude')}", problem
        )
    if fixed:
        outcome.repair(repair.COORDINATES)
    fields["latitude"], fields["longitude"] = latitude, longitude


def _contact(reader: _Reader, outcome: RowOutcome, fields: dict[str, Any], *, email_column: str) -> None:
    phone_raw = reader.text("telephone")
    phone, fixed, others = repair.repair_phone(phone_raw)
    if phone is None:
        outcome.set_aside("telephone", phone_raw, "numéro de téléphone illisible")
        phone = ""
    elif fixed:
        outcome.repair(repair.PHONE)
    fields["phone"] = phone
    if others:
        outcome.repair(repair.EXTRA_PHONES)
        fields.setdefault("_extra_description", []).append("Autres numéros : " + ", ".join(others) + ".")
    emails, bad, fixed = repair.repair_emails(reader.text(email_column))
    for value in bad:
        outcome.set_aside(email_column, value, "courriel illisible")
    if fixed:
        outcome.repair(repair.EMAIL)
    fields["emails"] = emails
    websites, bad, fixed = repair.repair_urls(_str(reader.raw.get("site_web")))
    for value in bad:
        outcome.set_aside("site_web", value, "adresse web illisible")
    if fixed:
        outcome.repair(repair.URL)
    fields["websites"] = websites


def _url(reader: _Reader, outcome: RowOutcome, column: str) -> str:
    raw = reader.text(column)
    url, fixed = repair.repair_url(raw)
    if url is None:
        outcome.set_aside(column, raw, "adresse web illisible")
        return ""
    if fixed:
        outcome.repair(repair.URL)
    return url


def _hours(reader: _Reader, outcome: RowOutcome, column: str = "horaires") -> str:
    raw = reader.text(column)
    hours, fixed = repair.repair_osm_hours(raw)
    if hours is None:
        outcome.set_aside(column, raw, "horaires illisibles au format OpenStreetMap")
        return ""
    if fixed:
        outcome.repair(repair.HOURS)
    return hours


def _presentation(reader: _Reader, outcome: RowOutcome, fields: dict[str, Any]) -> None:
    summary = reader.text("presentation_resume")
    detail = reader.text("presentation_detail")
    if len(summary) > 280:
        detail = summary if not detail else f"{summary}\n\n{detail}"
        summary = summary[:279].rsplit(" ", 1)[0] + "…"
        outcome.repair(repair.LONG_SUMMARY)
    extra = fields.pop("_extra_description", [])
    if extra:
        detail = "\n\n".join([detail, *extra]) if detail else "\n\n".join(extra)
    fields["summary"] = summary
    fields["description"] = detail


def _common(reader: _Reader, outcome: RowOutcome, fields: dict[str, Any], *, today: datetime.date) -> None:
    pivot = reader.text("pivot").replace(" ", "")
    if not pivot:
        pivot = UNKNOWN_PIVOT
        outcome.repair(repair.MISSING_PIVOT)
    elif not (9 <= len(pivot) <= 14 and pivot.isalnum() and pivot.isascii()):
        outcome.set_aside("pivot", pivot, "SIRET, RNA ou RIDET illisible (9 à 14 lettres ou chiffres)")
        pivot = UNKNOWN_PIVOT
    fields["pivot"] = pivot
    fields["typologies"] = reader.enumeration("typologie")
    fields["collected_by"] = reader.text("source")[:200]
    fields["parent_organisation"] = reader.text("structure_parente")[:250]
    raw_date = reader.text("date_maj")
    date, fixed = repair.repair_date(raw_date)
    if not date:
        if raw_date:
            outcome.set_aside("date_maj", raw_date, "date illisible (AAAA-MM-JJ attendue)")
        date = today.isoformat()
        outcome.repair(repair.MISSING_DATE)
    elif fixed:
        outcome.repair(repair.DATE)
    fields["updated_on"] = datetime.date.fromisoformat(date)
    fields["opening_hours"] = _hours(reader, outcome)
    fields["appointment_url"] = _url(reader, outcome, "prise_rdv")


def convert_lieux_v1(raw: dict[str, Any], outcome: RowOutcome, *, today: datetime.date) -> None:
    """Read a row of the current standard (v1)."""
    reader = _Reader(raw, outcome)
    fields: dict[str, Any] = {}
    _identity(reader, outcome, fields)
    _location(reader, outcome, fields, insee="code_insee", postal="code_postal", name="commune")
    _contact(reader, outcome, fields, email_column="courriels")
    _common(reader, outcome, fields, today=today)
    fields["mobility"] = reader.enumeration("itinerance")
    fields["services"] = reader.enumeration("services")
    fields["publics"] = reader.enumeration("publics_specifiquement_adresses")
    fields["specific_supports"] = reader.enumeration("prise_en_charge_specifique")
    fields["fees"] = reader.enumeration("frais_a_charge")
    fields["programmes"] = reader.enumeration("dispositif_programmes_nationaux")
    fields["training_labels"] = reader.enumeration("formations_labels")
    fields["other_labels"] = reader.values("autres_formations_labels")
    fields["access_modes"] = reader.enumeration("modalites_acces")
    fields["support_modes"] = reader.enumeration("modalites_accompagnement")
    fields["accessibility_url"] = _url(reader, outcome, "fiche_acces_libre")
    _presentation(reader, outcome, fields)
    _unknown_columns(raw, outcome, V1_KNOWN)
    outcome.fields = fields


def _prefix(value: str) -> str:
    """Return an old value without its explanation: « Gratuit : Je peux accéder… » → « Gratuit »."""
    return value.split(" : ", 1)[0].split(":", 1)[0].strip()


_KEYED: dict[int, dict[str, Any]] = {}


def _keyed(table_id: int, table: dict[str, Any]) -> dict[str, Any]:
    """Return a conversion table keyed by comparison keys (computed once per table)."""
    if table_id not in _KEYED:
        _KEYED[table_id] = {key(old): new for old, new in table.items()}
    return _KEYED[table_id]


def _v0_list(
    reader: _Reader, outcome: RowOutcome, column: str, table: dict[str, Any], *, prefix: bool = False
) -> list[tuple[str, Any]]:
    """Return (old value, its new values) for each value of an old column; unknown old values are set aside."""
    keyed = _keyed(id(table), table)
    found = []
    for item in reader.values(column):
        candidate = _prefix(item) if prefix else item
        new = keyed.get(key(candidate))
        if new is None:
            outcome.set_aside(column, item, f"« {item} » n'est pas une valeur de la v0.1 du standard")
            continue
        found.append((candidate, new))
    return found


def convert_lieux_v0(raw: dict[str, Any], outcome: RowOutcome, *, today: datetime.date) -> None:
    """Read a row of the former standard (v0.1) and convert it to v1, following the standard's change log."""
    reader = _Reader(raw, outcome, separator=";")
    fields: dict[str, Any] = {}
    _identity(reader, outcome, fields)
    _location(reader, outcome, fields, insee="code_insee", postal="code_postal", name="commune")
    _contact(reader, outcome, fields, email_column="courriel")
    _common(reader, outcome, fields, today=today)
    fields["mobility"] = []

    services: list[str] = []
    v1_services = vocabularies()["services"]
    for item in reader.values("services"):
        new = _keyed(id(V0_SERVICES), V0_SERVICES).get(key(item))
        if new is None:
            value, _ = v1_services.match(item)  # some old files already use new values
            if value is None:
                outcome.set_aside("services", item, f"« {item} » n'est pas une valeur de la v0.1 du standard")
                continue
            new = [value]
        else:
            outcome.notes.append(f"services : « {item} » → « {' | '.join(v1_services.written(v) for v in new)} »")
        services.extend(v for v in new if v not in services)
    fields["services"] = services

    publics: list[str] = []
    supports: list[str] = []
    for old, (new_publics, new_supports) in _v0_list(reader, outcome, "publics_accueillis", V0_PUBLICS):
        if not new_publics and not new_supports:
            outcome.notes.append(f"publics accueillis : « {old} » sans équivalent en v1 (lieu ouvert à tous)")
        publics.extend(p for p in new_publics if p not in publics)
        supports.extend(s for s in new_supports if s not in supports)
    fields["publics"], fields["specific_supports"] = publics, supports

    fees: list[str] = []
    for old, new in _v0_list(reader, outcome, "conditions_acces", V0_FEES, prefix=True):
        if key(old) in {key("Accepte le Pass numérique"), key("Adhésion")}:
            outcome.notes.append(f"conditions d'accès : « {old} » → « {Fee(new).label} »")
        if new not in fees:
            fees.append(new)
    fields["fees"] = fees

    programmes: list[str] = []
    trainings: list[str] = []
    others: list[str] = reader.values("labels_autres")
    for old, (new_programmes, new_trainings, new_others) in _v0_list(reader, outcome, "labels_nationaux", V0_LABELS):
        if new_others:
            outcome.notes.append(f"labels nationaux : « {old} » → autres formations et labels")
        programmes.extend(p for p in new_programmes if p not in programmes)
        trainings.extend(t for t in new_trainings if t not in trainings)
        others.extend(o for o in new_others if o not in others)
    fields["programmes"], fields["training_labels"], fields["other_labels"] = programmes, trainings, others

    modes: list[str] = []
    for _, new in _v0_list(reader, outcome, "modalites_accompagnement", V0_SUPPORT_MODES, prefix=True):
        if new not in modes:
            modes.append(new)
    fields["support_modes"] = modes
    fields["access_modes"] = []
    fields["accessibility_url"] = _url(reader, outcome, "accessibilite")
    if reader.text("cle_ban"):
        outcome.notes.append("colonne cle_ban : abandonnée par la v1 du standard")
    _presentation(reader, outcome, fields)
    _unknown_columns(raw, outcome, V0_KNOWN)
    outcome.fields = fields


def _unknown_columns(raw: dict[str, Any], outcome: RowOutcome, known: set[str]) -> None:
    for column, value in raw.items():
        if column in known or column == "__extra__":
            continue
        text = _str(value).strip()
        if text:
            outcome.set_aside(column, text, "colonne inconnue du standard")
    if raw.get("__extra__"):
        extra = " | ".join(v for v in raw["__extra__"] if v.strip())
        if extra:
            outcome.set_aside("(colonnes en trop)", extra, "ligne plus longue que l'en-tête")


# France Services: the official list (ANCT) has its own columns; its rows become lieux v1 places the way ANCT's
# own conversion tool does (anct-cartographie-nationale/mednum-cli, config "france-services").
FRANCE_SERVICES_DAYS = {
    "Mo": "h_lundi",
    "Tu": "h_mardi",
    "We": "h_mercredi",
    "Th": "h_jeudi",
    "Fr": "h_vendredi",
    "Sa": "h_samedi",
    "Su": "h_dimanche",
}
FRANCE_SERVICES_SERVICES = [
    "aide-demarches-administratives",
    "insertion-professionnelle",
    "maitrise-outils-numeriques",
    "comprehension-monde-numerique",
]
FRANCE_SERVICES_KNOWN = {
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    "commentaire",
    "itinerance",
    "format_fs",
    "groupe",
    "labellisation",
    *FRANCE_SERVICES_DAYS.values(),
}


def convert_france_services(raw: dict[str, Any], outcome: RowOutcome, *, today: datetime.date) -> None:
    """Read a row of the official list of France Services."""
    reader = _Reader(raw, outcome)
    raw = dict(raw)
    raw.setdefault("nom", raw.get("lib_fs"))
    reader.raw = raw
    fields: dict[str, Any] = {}
    _identity(reader, outcome, fields, id_column="id_fs")
    _location(reader, outcome, fields, insee="insee_com", postal="code_postal", name="lib_com")
    raw.setdefault("site_web", "")
    _contact(reader, outcome, fields, email_column="mail")
    fields["pivot"] = UNKNOWN_PIVOT
    fields["typologies"] = ["RFS"]
    fields["collected_by"] = "ANCT"
    fields["parent_organisation"] = reader.text("groupe")[:250]
    label = reader.text("labellisation")
    date, _ = repair.repair_date(label.rsplit(" ", 1)[-1]) if label else ("", False)
    if not date:
        date = today.isoformat()
        outcome.repair(repair.MISSING_DATE)
    fields["updated_on"] = datetime.date.fromisoformat(date)
    days = {day: reader.text(column) for day, column in FRANCE_SERVICES_DAYS.items() if column in raw}
    if any(days.values()):
        hours, unreadable, fixed = repair.weekly_hours_to_osm(days)
        if hours is None:
            text = "; ".join(f"{day} {value}" for day, value in days.items() if value)
            outcome.set_aside("horaires", text, "horaires illisibles : " + ", ".join(unreadable))
            hours = ""
        elif fixed:
            outcome.repair(repair.DAY_RANGES)
        fields["opening_hours"] = hours
    else:
        fields["opening_hours"] = ""
    fields["appointment_url"] = ""
    mobile = reader.text("itinerance").lower() in {"oui", "yes", "1", "true", "vrai"}
    fields["mobility"] = [Mobility.MOBILE if mobile else Mobility.FIXED]
    fields["services"] = list(FRANCE_SERVICES_SERVICES)
    fields["publics"], fields["specific_supports"] = [], []
    fields["fees"] = [Fee.FREE]
    fields["programmes"] = [Programme.FRANCE_SERVICES]
    fields["training_labels"], fields["other_labels"] = [], []
    access = ["se-presenter"]
    if fields["phone"]:
        access.append("telephoner")
    if fields["emails"]:
        access.append("contacter-par-mail")
    fields["access_modes"] = access
    fields["support_modes"] = [SupportMode.INDIVIDUAL]
    fields["accessibility_url"] = ""
    site = reader.text("format_fs")
    raw["presentation_resume"] = f"France Services — {site.lower()}" if site else "France Services"
    raw["presentation_detail"] = raw.get("commentaire", "")
    _presentation(reader, outcome, fields)
    _unknown_columns(
        raw, outcome, FRANCE_SERVICES_KNOWN | {"nom", "site_web", "presentation_resume", "presentation_detail"}
    )
    outcome.fields = fields
