"""Caseload results as CSV (French Excel: ";" and decimal comma) and as a minimal XLSX written by hand.

The XLSX is one sheet of inline strings and numbers (ECMA-376 SpreadsheetML, the parts every reader needs):
no library is needed for that. Text cells that a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from .catalogue import catalogue
from .certainty import CERTAINTY_LABELS, TO_COMPLETE

Cell = str | int | float | Decimal | None

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def result_header() -> list[str]:
    return [
        "Rang",
        "Référence du foyer",
        "Ligne du fichier",
        "Certitude",
        "Droits probables non demandés (€ par mois)",
        "Droits à vérifier, non comptés (€ par mois)",
        *(f"{info.label} ({info.frequency_label})" if info.has_amount else info.label for info in catalogue().values()),
        "Droits à vérifier",
        "Informations manquantes",
        "Nombre d'hypothèses",
        "Hypothèses",
    ]


def result_row(
    *,
    rank: int,
    reference: str,
    line: int | None,
    certainty: int,
    monthly_total: Decimal,
    to_verify_total: Decimal,
    rights: dict,
    to_verify: Sequence[str],
    missing: Sequence[str],
    assumptions: Sequence[str],
) -> list[Cell]:
    """Return one household's row. A household to complete has no amount at all (they rest on unknown inputs)."""
    to_complete = certainty == TO_COMPLETE
    cells: list[Cell] = [
        rank,
        reference,
        line,
        CERTAINTY_LABELS[certainty],
        None if to_complete else monthly_total,
        None if to_complete else to_verify_total,
    ]
    for code, info in catalogue().items():
        if code not in rights:
            cells.append(None)
        elif info.kind == "eligibility":
            cells.append("oui")
        else:
            cells.append(Decimal(str(rights[code])))
    cells.extend(
        [
            ", ".join(catalogue()[code].label for code in to_verify),
            ", ".join(missing),
            len(assumptions),
            " ".join(assumptions),
        ]
    )
    return cells


def _safe_text(value: str) -> str:
    """Return text a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: Iterable[Sequence[Cell]], header: Sequence[str]) -> str:
    """Return a CSV for French spreadsheets: UTF-8 with BOM, ";" separator, decimal comma."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                ""
                if cell is None
                else _safe_text(cell)
                if isinstance(cell, str)
                else str(cell).replace(".", ",")
                if isinstance(cell, float | Decimal)
                else cell
                for cell in row
            ]
        )
    return buffer.getvalue()


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _xlsx_cell(reference: str, cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        cell = "oui" if cell else "non"
    if isinstance(cell, int | float | Decimal):
        return f'<c r="{reference}"><v>{cell}</v></c>'
    text = escape(_XML_ILLEGAL.sub("", _safe_text(str(cell))))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    "</styleSheet>"
)


def to_xlsx(rows: Iterable[Sequence[Cell]], header: Sequence[str], *, sheet_name: str = "Repérage") -> bytes:
    """Return an XLSX workbook of one sheet: the header row, then the rows (numbers stay numbers)."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    lines = []
    for number, row in enumerate([list(header), *rows], start=1):
        cells = "".join(_xlsx_cell(f"{_column_name(i)}{number}", cell) for i, cell in enumerate(row))
        lines.append(f'<row r="{number}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()
