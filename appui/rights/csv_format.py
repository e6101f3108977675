"""The caseload CSV file: one row per household (format documented in docs/rights.md).

Parsing is strict per row and lenient per file: a bad row is reported with its line number and the reasons,
and never stops or changes the other rows. An empty optional cell means "not known": it becomes an assumption
listed with the results, never a silent default.
"""

import csv
import datetime
import io
import re
from pathlib import Path

from appui.core.collector import gc_paused
from appui.core.communes import get_commune

from .catalogue import catalogue
from .enums import Activity, Schooling
from .situation import EMPLOYMENT_TO_ACTIVITY, HOUSING_TO_OPENFISCA, AdultAnswers, ChildAnswers, HouseholdAnswers

TEMPLATE_FILE = Path(__file__).resolve().parent / "data" / "reperage_modele.csv"
MAX_CHILDREN = 12
MAX_AMOUNT = 1_000_000
# The longest reference kept with a result (``CaseloadResult.reference``): a longer one is refused, never cut.
MAX_REFERENCE_LENGTH = 100

# Column → ResourceKind value (the same words).
RESOURCE_COLUMNS = {
    "salaire": "salaire",
    "chomage": "chomage",
    "retraite": "retraite",
    "pension_invalidite": "pension_invalidite",
    "pension_alimentaire": "pension_alimentaire",
    "indemnites_journalieres": "indemnites_journalieres",
}
ACTIVITIES = frozenset(Activity.values)
SCHOOLING_LEVELS = frozenset(Schooling.values)
ADULT_COLUMNS = ("date_naissance", "activite", *RESOURCE_COLUMNS, "taux_incapacite", "condition_ass")
REQUIRED_COLUMNS = ("reference", "date_naissance")
COLUMNS = (
    "reference",
    *ADULT_COLUMNS,
    *(f"conjoint_{name}" for name in ADULT_COLUMNS),
    "enfants_dates_naissance",
    "enfants_scolarite",
    "logement",
    "loyer",
    "code_commune",
    "rfr",
    "prestations_percues",
)
YES = frozenset({"oui", "o", "1", "vrai", "yes"})
NO = frozenset({"non", "n", "0", "faux", "no"})
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# The latest possible birth year; refreshed when a file is read (a caseload is parsed in thousands of rows).
_this_year = datetime.date.today().year


class CsvFormatError(ValueError):
    """Raised when the file as a whole cannot be read (no header, missing required column)."""


class RowError(ValueError):
    """Raised for a row that cannot be read; the message lists every reason, in French."""


class CsvRow:
    """One data row of the file: its line number and its cells, read by column name (empty when absent).

    It is also a caseload entry (``reference``, ``line``, ``person_id``, ``answers``, ``row``): a file of 100,000
    rows is handed to the workers as it is read, without a copy.
    """

    __slots__ = ("line", "values", "columns", "problem")
    person_id = None
    answers = None

    def __init__(self, line: int, values: list[str], columns: dict[str, int], problem: str | None = None):
        self.line = line
        self.values = values
        self.columns = columns
        # What is wrong with the row as a line of the file (cut short, reference already used), found on reading.
        self.problem = problem

    def get(self, name: str, default: str = "") -> str:
        index = self.columns.get(name)
        return self.values[index] if index is not None and index < len(self.values) else default

    @property
    def cells(self) -> dict[str, str]:
        return {name: self.get(name) for name in self.columns}

    @property
    def reference(self) -> str:
        """Return the reference as reported with the row (a reference too long is refused, and shown cut)."""
        return self.get("reference").strip()[:MAX_REFERENCE_LENGTH]

    @property
    def row(self) -> "CsvRow":
        return self


def decode(data: bytes, *, name: str = "Le fichier") -> str:
    """Return the text of a caseload file read as bytes (UTF-8, with or without a byte order mark).

    Raise CsvFormatError, in French with the line of the first wrong byte, when the file is not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvFormatError(
            f"{name} n'est pas encodé en UTF-8 (premier caractère illisible à la ligne {line}). Dans le tableur, "
            "enregistrez-le au format « CSV UTF-8 »."
        ) from None


def read_rows(text: str) -> list[CsvRow]:
    """Return the data rows of a caseload CSV file (";" or "," separated, UTF-8, with a header row).

    Raise CsvFormatError when the header lacks a required column. Unknown columns are ignored. A row with fewer
    cells than the header, a reference used by an earlier row and a reference too long are kept with their
    ``problem``: ``parse_row`` reports them with the row's line.
    """
    global _this_year
    _this_year = datetime.date.today().year
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise CsvFormatError("Le fichier est vide.") from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CsvFormatError(
            f"Colonne(s) obligatoire(s) absente(s) de la première ligne : {', '.join(missing)}. "
            "Téléchargez le modèle pour voir le format attendu."
        )
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name, index)
    # Hundreds of thousands of small lists: the cyclic collector would walk them again and again for nothing.
    with gc_paused():
        rows = [CsvRow(reader.line_num, values, columns) for values in reader if "".join(values).strip()]
    _find_row_problems(rows, width=len(header), reference=columns["reference"])
    return rows


def _find_row_problems(rows: list[CsvRow], *, width: int, reference: int) -> None:
    """Mark the rows that are wrong as lines of the file, whatever their cells say."""
    first_line: dict[str, int] = {}
    for row in rows:
        values = row.values
        if len(values) < width:
            # A row cut short (a line break inside a cell, a copy that lost its end): its empty cells would be
            # read as "unknown" and give a wrong result.
            row.problem = (
                f"la ligne a {len(values)} colonne(s) au lieu de {width} : elle semble coupée (vérifiez les "
                "séparateurs et les retours à la ligne dans les cellules)"
            )
            continue
        key = values[reference].strip()
        if not key:
            continue
        if len(key) > MAX_REFERENCE_LENGTH:
            row.problem = f"reference dépasse {MAX_REFERENCE_LENGTH} caractères ({len(key)})"
        elif key in first_line:
            row.problem = (
                f"reference « {key} » est déjà celle de la ligne {first_line[key]} : ce foyer n'est compté qu'une fois"
            )
        else:
            first_line[key] = row.line


def _date(value: str, column: str, errors: list[str]) -> datetime.date | None:
    value = value.strip()
    parts: tuple[str, ...] | None = None
    # The two usual forms, read by position (what the patterns would find, without them); others by the patterns.
    if len(value) == 10 and value[2] == "/" and value[5] == "/":
        parts = (value[6:], value[3:5], value[:2])
    elif len(value) == 10 and value[4] == "-" and value[7] == "-":
        parts = (value[:4], value[5:7], value[8:])
    if parts is not None and not (parts[0].isdecimal() and parts[1].isdecimal() and parts[2].isdecimal()):
        parts = None
    if parts is None:
        match = _DATE_FR.match(value)
        parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None:
        match = _DATE_ISO.match(value)
        parts = match.groups() if match else None
    try:
        if parts is None:
            raise ValueError
        day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        errors.append(f"{column} « {value} » n'est pas une date (JJ/MM/AAAA)")
        return None
    if not 1900 <= day.year <= _this_year:
        errors.append(f"{column} « {value} » n'est pas une date de naissance possible")
        return None
    return day


def _amount(value: str, column: str, errors: list[str]) -> float | None:
    if not value or value.isspace():
        return None
    try:
        amount = float(value.replace(",", "."))  # "1250,50" and "1250.50" (float() ignores surrounding spaces)
    except ValueError:
        cleaned = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            amount = float(cleaned)
        except ValueError:
            errors.append(f"{column} « {value.strip()} » n'est pas un montant")
            return None
    if not 0 <= amount <= MAX_AMOUNT or amount != amount:
        errors.append(f"{column} « {value} » n'est pas un montant possible")
        return None
    return amount


def _activity(value: str, column: str, errors: list[str]) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in ACTIVITIES:
        return value
    if value in EMPLOYMENT_TO_ACTIVITY:
        return str(EMPLOYMENT_TO_ACTIVITY[value])
    errors.append(f"{column} « {value} » est inconnue")
    return None


def _disability(value: str, column: str, errors: list[str]) -> str | None:
    value = value.strip().replace("%", "").replace(",", ".")
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        errors.append(f"{column} « {value} » n'est pas un pourcentage")
        return None
    if not 0 <= rate <= 100:
        errors.append(f"{column} « {value} » doit être entre 0 et 100")
        return None
    if rate >= 80:
        return "80_plus"
    return "50_79" if rate >= 50 else "aucun"


def _yes_no(value: str, column: str, errors: list[str]) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    errors.append(f"{column} « {value} » : répondez oui ou non")
    return None


# Column names of each adult, prefix included, built once.
_ADULT_NAMES = {
    prefix: {name: prefix + name for name in ("date_naissance", "activite", "taux_incapacite", "condition_ass")}
    for prefix in ("", "conjoint_")
}
_RESOURCE_NAMES = {
    prefix: [(prefix + column, kind) for column, kind in RESOURCE_COLUMNS.items()] for prefix in ("", "conjoint_")
}


# How each child is named in the errors of a row and in the answers, by rank (from 1).
_CHILD_COLUMNS = {index: f"enfants_dates_naissance (enfant {index})" for index in range(1, MAX_CHILDREN + 1)}
_CHILD_LABELS = {index: f"l'enfant {index}" for index in range(1, MAX_CHILDREN + 1)}


class _ColumnPlan:
    """Where each column the parser reads sits in the rows of one file, worked out once per header.

    A row is read by position: ``cells(values)`` returns its cells followed by at least one empty cell, and a
    column absent from the file points at that last, empty cell (``CsvRow.get`` gives "" for it too).
    """

    __slots__ = ("index", "resources", "size")

    def __init__(self, columns: dict[str, int]) -> None:
        self.index = {name: columns.get(name, -1) for name in COLUMNS}
        self.size = max(self.index.values()) + 2
        # Only the resource columns of the file: an absent one is an empty cell, which says nothing.
        self.resources = {
            prefix: [(column, kind, self.index[column]) for column, kind in names if self.index[column] >= 0]
            for prefix, names in _RESOURCE_NAMES.items()
        }

    def cells(self, values: list[str]) -> list[str]:
        return values + [""] * max(1, self.size - len(values))


# The plans of the headers met lately, by the identity of the header (shared by every row of a file).
_plans: dict[int, tuple[dict[str, int], _ColumnPlan]] = {}


def _plan(columns: dict[str, int]) -> _ColumnPlan:
    known = _plans.get(id(columns))
    if known is not None and known[0] is columns:
        return known[1]
    plan = _ColumnPlan(columns)
    if len(_plans) > 32:
        _plans.clear()
    _plans[id(columns)] = (columns, plan)  # the header is kept with its plan: its identity cannot be reused
    return plan


def _adult(cells: list[str], plan: _ColumnPlan, prefix: str, label: str, errors: list[str]) -> AdultAnswers:
    names = _ADULT_NAMES[prefix]
    at = plan.index
    birth_date = _date(cells[at[names["date_naissance"]]], names["date_naissance"], errors)
    resources: dict[str, float] = {}
    filled = False
    for column, kind, index in plan.resources[prefix]:
        amount = _amount(cells[index], column, errors)
        if amount is not None:
            filled = True
            if amount:
                resources[kind] = amount
    return AdultAnswers(
        label=label,
        birth_date=birth_date,
        activity=_activity(cells[at[names["activite"]]], names["activite"], errors),
        resources=resources if filled else None,
        disability=_disability(cells[at[names["taux_incapacite"]]], names["taux_incapacite"], errors),
        ass_condition=_yes_no(cells[at[names["condition_ass"]]], names["condition_ass"], errors),
    )


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split("|")] if value and not value.isspace() else []


def parse_row(row: CsvRow) -> HouseholdAnswers:
    """Return the answers of one row; raise RowError listing every reason when the row is wrong."""
    if row.problem is not None:
        raise RowError(row.problem + ".")
    plan = _plan(row.columns)
    cells = plan.cells(row.values)
    at = plan.index
    errors: list[str] = []
    if not cells[at["reference"]].strip():
        errors.append("reference est vide")
    if not cells[at["date_naissance"]].strip():
        errors.append("date_naissance est vide")
    adults = [_adult(cells, plan, "", "la personne", errors)]
    if cells[at["conjoint_date_naissance"]].strip():
        adults.append(_adult(cells, plan, "conjoint_", "le conjoint ou la conjointe", errors))
    children = []
    births = _split(cells[at["enfants_dates_naissance"]])
    levels = _split(cells[at["enfants_scolarite"]])
    if len(births) > MAX_CHILDREN:
        errors.append(f"plus de {MAX_CHILDREN} enfants")
    if levels and len(levels) != len(births):
        errors.append("enfants_scolarite doit avoir autant d'éléments que enfants_dates_naissance")
    for index, value in enumerate(births[:MAX_CHILDREN], start=1):
        birth_date = _date(value, _CHILD_COLUMNS[index], errors)
        level = levels[index - 1].lower() if index <= len(levels) else ""
        if level and level not in SCHOOLING_LEVELS:
            errors.append(f"enfants_scolarite « {level} » est inconnue")
            level = ""
        if birth_date is not None:
            children.append(ChildAnswers(label=_CHILD_LABELS[index], birth_date=birth_date, schooling=level or None))
    housing = cells[at["logement"]].strip().lower() or None
    if housing is not None and housing not in HOUSING_TO_OPENFISCA:
        errors.append(f"logement « {housing} » est inconnu")
        housing = None
    commune = cells[at["code_commune"]].strip().upper() or None
    if commune is not None and get_commune(commune) is None:
        errors.append(f"code_commune « {commune} » n'est pas un code commune INSEE connu")
        commune = None
    received: dict[str, float] | None = None
    benefits = cells[at["prestations_percues"]].strip().lower()
    if benefits == "aucune":
        received = {}
    elif benefits:
        received = {}
        for item in _split(benefits):
            code, _, value = item.partition("=")
            code = code.strip()
            amount = _amount(value, f"prestations_percues ({code})", errors) if value.strip() else 0.0
            if code not in catalogue():
                errors.append(f"prestations_percues : « {code} » n'est pas un code de prestation")
            elif amount is not None:
                received[code] = amount
    rent = _amount(cells[at["loyer"]], "loyer", errors)
    rfr = _amount(cells[at["rfr"]], "rfr", errors)
    if errors:
        raise RowError(" ; ".join(errors) + ".")
    return HouseholdAnswers(
        adults=adults,
        children=children,
        housing_status=housing,
        rent=rent,
        commune_code=commune,
        rfr=rfr,
        benefits_received=received,
    )


def template_text() -> str:
    """Return the template CSV offered for download."""
    return TEMPLATE_FILE.read_text(encoding="utf-8")
