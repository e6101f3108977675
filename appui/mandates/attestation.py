"""PDF attestations of mandates and revocations (fpdf2, core fonts: Latin-1 text only)."""

import datetime
import hashlib

from fpdf import FPDF

_REPLACEMENTS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-", "œ": "oe", "Œ": "OE"}
)


def _latin1(text: str) -> str:
    return text.translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_attestation(
    *, title: str, lines: list[tuple[str, str]], body: str, content_hash: str, created: datetime.datetime
) -> bytes:
    """Return a one-page A4 PDF; the same inputs always give the same bytes (fixed creation date)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(created)
    pdf.set_compression(False)  # keeps the printed hash searchable in the file, for checks
    pdf.set_title(_latin1(title))
    pdf.set_author("Appui")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for label, value in lines:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(60, 7, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for paragraph in body.strip().split("\n\n"):
        pdf.multi_cell(0, 6, _latin1(paragraph.replace("\n", " ")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    pdf.cell(90, 7, "Signature de la personne :")
    pdf.cell(0, 7, "Signature du professionnel :", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(24)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _latin1(f"Empreinte SHA-256 du mandat : {content_hash}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
