"""PDF attestations of mandates and revocations, in the Unicode font of every Appui PDF (``appui.core.pdf``)."""

import datetime
import hashlib

from appui.core.pdf import FAMILY, new_pdf


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_attestation(
    *, title: str, lines: list[tuple[str, str]], body: str, content_hash: str, created: datetime.datetime
) -> bytes:
    """Return a one-page A4 PDF; the same inputs always give the same bytes (fixed creation date).

    Reproducible bytes let anyone check an attestation against the SHA-256 kept in the audit journal.
    """
    pdf = new_pdf(title=title)
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in lines:
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(60, 7, label)
        pdf.set_font(FAMILY, "", 11)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for paragraph in body.strip().split("\n\n"):
        pdf.multi_cell(0, 6, paragraph.replace("\n", " "), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    pdf.cell(90, 7, "Signature de la personne :")
    pdf.cell(0, 7, "Signature du professionnel :", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(24)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(0, 4, f"Empreinte SHA-256 du mandat : {content_hash}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
