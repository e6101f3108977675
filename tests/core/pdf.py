"""Read generated PDFs back as a person's viewer would: the text, extracted with pypdf."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes, *, password: str | None = None) -> str:
    """Return the text of every page of the PDF ``data``, pages separated by a blank line."""
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        assert reader.decrypt(password), "the passphrase does not open the PDF"
    return "\n\n".join(page.extract_text() for page in reader.pages)
