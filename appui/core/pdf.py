"""PDF documents that render every name: an embedded Unicode font and text shaping.

fpdf2's core fonts (Helvetica…) only know Latin-1: "Nguyễn", "Лейла" or "ليلى" became "?". Every PDF Appui
generates starts from ``new_pdf()``: DejaVu Sans (Latin, Vietnamese, Cyrillic, Greek, Arabic; see
``fonts/LICENSE-DejaVu.txt``) is embedded, and HarfBuzz (``uharfbuzz``) shapes the text, so Arabic letters join
and right-to-left runs are laid out in order.
"""

from pathlib import Path
from typing import Any

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "appui"


class UnicodePDF(FPDF):
    """An fpdf2 document that closes its font files once written, or once dropped unwritten.

    fpdf2 opens fonts lazily and keeps the files open for the life of the document; closing them frees the
    file handles at once (no ResourceWarning, no handle kept per request), also when an error stops the
    document half-way.
    """

    def output(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().output(*args, **kwargs)
        finally:
            self.close_fonts()

    def close_fonts(self) -> None:
        for font in getattr(self, "fonts", {}).values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()

    def __del__(self) -> None:
        self.close_fonts()


def new_pdf(*, title: str, author: str = "Appui", orientation: str = "portrait") -> FPDF:
    """Return an A4 document with the Unicode font family ``appui`` (regular and bold) selected."""
    pdf = UnicodePDF(orientation=orientation, format="A4")
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_font(FAMILY, "", 11)
    return pdf
