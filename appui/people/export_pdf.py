"""The right-of-access export as a document the person can read: plain French, grouped by theme, local dates.

No internal ids, no field names: French headings, the structure's address and DPO contact, the consultation
history in plain words, a short easy-to-read introduction (FALC). A part sealed for the person is the same
document, encrypted (AES-256) with a passphrase the person chose, so that no member ever reads it.
"""

import datetime
import io
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from appui.core.dates import french_date, french_datetime
from appui.core.pdf import FAMILY, new_pdf

from .enums import ExportPartKind
from .export import Entry, Export, Record

TITLE_SIZE = 18
HEADING_SIZE = 14
TEXT_SIZE = 10.5
LINE = 5.5


@dataclass(frozen=True)
class PartLine:
    """How one part of the export reaches the person, said plainly (for the summary at the top)."""

    label: str
    status: str


def entry_text(entry: Entry) -> str | None:
    """Return the entry as the person reads it, or None when there is nothing to show."""
    if entry.text is not None:
        return entry.text or None
    value = entry.value
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return french_datetime(value)
    if isinstance(value, datetime.date):
        return french_date(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("label", "")) or None
    return str(value)


INTRODUCTION = (
    "Vous avez demandé à voir les informations que {structure} garde sur vous. C'est votre droit.",
    "Ce document rassemble ces informations. Chaque partie a un titre : votre identité, votre situation, "
    "vos accompagnements, vos documents…",
    "À la fin, vous pouvez lire qui a consulté votre dossier, quand, et pourquoi.",
    "Une information est fausse ? Vous pouvez demander de la corriger. Vous pouvez aussi demander d'effacer "
    "des informations, ou de ne plus les utiliser. Pour cela, adressez-vous à la structure ou à son délégué "
    "à la protection des données (les contacts sont juste en dessous).",
    "Si la réponse ne vous convient pas, vous pouvez vous plaindre à la CNIL : www.cnil.fr/plaintes.",
    "Le fichier « donnees.json » contient les mêmes informations, dans un format pour les ordinateurs.",
)

PART_INTRODUCTION = (
    "Cette partie de vos données vous est remise à part, par une personne de la structure qui a le droit de la "
    "lire. Le reste de vos données est dans un autre document, préparé par la structure.",
)

SEALED_INTRODUCTION = (
    "Cette partie de vos données a été fermée pour vous : elle ne s'ouvre qu'avec la phrase secrète que vous "
    "avez choisie. Personne de la structure ne l'a lue.",
    "Le reste de vos données est dans un autre document, préparé par la structure.",
)


class _Writer:
    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def title(self, text: str) -> None:
        self.pdf.set_font(FAMILY, "B", TITLE_SIZE)
        self.pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(FAMILY, "B", HEADING_SIZE)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def subheading(self, text: str) -> None:
        self.pdf.ln(1)
        self.pdf.set_font(FAMILY, "B", TEXT_SIZE + 0.5)
        self.pdf.multi_cell(0, LINE + 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str) -> None:
        self.pdf.set_font(FAMILY, "", TEXT_SIZE)
        self.pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def field(self, label: str, text: str) -> None:
        if "\n" in text or len(text) > 90:
            self.pdf.set_font(FAMILY, "B", TEXT_SIZE)
            self.pdf.multi_cell(0, LINE, f"{label} :", new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_font(FAMILY, "", TEXT_SIZE)
            for line in text.split("\n"):
                self.pdf.multi_cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")
            return
        self.pdf.set_font(FAMILY, "B", TEXT_SIZE)
        self.pdf.write(LINE, f"{label} : ")
        self.pdf.set_font(FAMILY, "", TEXT_SIZE)
        self.pdf.write(LINE, text)
        self.pdf.ln(LINE)

    def record(self, record: Record) -> None:
        shown = [(entry.label, text) for entry in record.entries if (text := entry_text(entry))]
        self.subheading(record.title)
        for label, text in shown:
            self.field(label, text)


def render_export_pdf(export: Export, *, parts: Sequence[PartLine] = (), sealed: bool = False) -> bytes:
    """Return the export as a PDF the person can read (not encrypted; see ``seal_pdf``)."""
    person = export.person
    structure = person.structure.name
    part_label = ExportPartKind(export.part.kind).label if export.part else ""
    pdf = new_pdf(title=f"Vos données à {structure}")
    pdf.set_creation_date(export.generated_at)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    out = _Writer(pdf)
    out.title(f"Vos données à {structure}" + (f" — {part_label}" if export.part else ""))
    out.paragraph(f"Pour : {person}. Document préparé le {french_datetime(export.generated_at)}.")
    introduction = INTRODUCTION if export.part is None else SEALED_INTRODUCTION if sealed else PART_INTRODUCTION
    out.heading("En bref")
    for sentence in introduction:
        out.paragraph(sentence.format(structure=structure))

    out.heading("Qui est responsable de vos données")
    for entry in export.controller:
        if text := entry_text(entry):
            out.field(entry.label, text)

    if parts:
        out.heading("Les informations remises à part")
        out.paragraph(
            "Certaines informations ne peuvent être lues que par quelques personnes de la structure (par exemple "
            "les notes écrites sous secret professionnel). Elles vous sont remises à part :"
        )
        for line in parts:
            out.field(line.label, line.status)

    for section in export.sections:
        out.heading(section.theme.heading)
        for record in section.records:
            out.record(record)

    if export.part is None:
        out.heading("Qui a consulté votre dossier")
        if export.consultations:
            out.paragraph(
                "Chaque fois qu'une personne ouvre ou modifie votre dossier, Appui le note. Les noms des personnes "
                "ne sont pas écrits ici : vous pouvez les demander à la structure."
            )
            for record in export.consultations:
                out.paragraph(record.title)
        else:
            out.paragraph("Personne n'a encore consulté votre dossier.")

    if export.files:
        out.heading("Les fichiers joints")
        for file in export.files:
            out.field(file.description, file.path)
    return bytes(pdf.output())


PASSPHRASE_MIN_LENGTH = 12
# PDF AES-256 passwords are UTF-8, at most 127 bytes (ISO 32000-2, 7.6.4.3.3).
PASSPHRASE_MAX_BYTES = 127


def seal_pdf(pdf: bytes, *, passphrase: str, attachments: Sequence[tuple[str, bytes]] = ()) -> bytes:
    """Return ``pdf`` with its attachments, encrypted with AES-256: only ``passphrase`` opens it.

    The owner password (which would lift the restrictions) is random and thrown away: nobody holds it.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name, content in attachments:
        writer.add_attachment(name, content)
    writer.encrypt(user_password=passphrase, owner_password=secrets.token_urlsafe(32), algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
