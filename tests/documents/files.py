"""Builders of test files: real PDFs and phone-like photos, and uploads as a browser would send them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
# EXIF "rotate 90° clockwise to display": how phones store a photo taken holding the phone upright.
ROTATE_90_CW = 6


def pdf_with_text(text: str) -> bytes:
    """Return a one-page PDF whose text appears as it is in the file (no compression)."""
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def pdf_of_size(size: int) -> bytes:
    """Return a valid one-page PDF of exactly ``size`` bytes (its page content is a long PDF comment)."""

    def build(padding: int) -> bytes:
        writer = PdfWriter()
        page = writer.add_blank_page(200, 200)
        stream = DecodedStreamObject()
        stream.set_data(b"%" + b"0" * padding + b"\n")
        page.replace_contents(stream)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    padding = size
    for _ in range(4):  # the length of the stream's /Length changes the size by a digit at most
        data = build(padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise AssertionError(f"no PDF of {size} bytes")


def jpeg(width: int = 40, height: int = 20, *, orientation: int | None = None, make: str | None = None) -> bytes:
    """Return a JPEG like a phone's: optionally an EXIF orientation and a device name (metadata)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    if make is not None:
        exif[EXIF_MAKE] = make
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 30, height: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def upload(content: bytes, name: str = "document.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


class UnreadableUpload:
    """An upload whose declared size is all we may look at: reading it fails the test."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, size

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the content was read although the declared size was over the limit")


class LyingUpload:
    """An upload that declares a small size but holds more; it records how much was asked for."""

    def __init__(self, name: str, content: bytes, declared: int):
        self.name, self.size, self._content, self.asked = name, declared, content, []

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return self._content if size < 0 else self._content[:size]
