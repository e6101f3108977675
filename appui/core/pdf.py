"""PDF documents that render every name: an embedded Unicode font and text shaping.

fpdf2's core fonts (Helvetica…) only know Latin-1: "Nguyễn", "Лейла" or "ليلى" became "?". Every PDF Appui
generates starts from ``new_pdf()``: DejaVu Sans (Latin, Vietnamese, Cyrillic, Greek, Arabic; see
``fonts/LICENSE-DejaVu.txt``) is embedded, and HarfBuzz (``uharfbuzz``) shapes the text, so Arabic letters join
and right-to-left runs are laid out in order.
"""

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "appui"


def new_pdf(*, title: str, author: str = "Appui", orientation: str = "portrait") -> FPDF:
    """Return an A4 document with the Unicode font family ``appui`` (regular and bold) selected."""
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_font(FAMILY, "", 11)
    return pdf
