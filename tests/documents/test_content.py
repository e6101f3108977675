"""Pure functions of the vault: format sniffing and the photos-to-PDF conversion."""

import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError

from appui.documents.content import images_to_pdf, sniff_format

from .files import ROTATE_90_CW, jpeg, pdf_with_text, png

PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"<!DOCTYPE html>", None),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a zip (or .docx) renamed .pdf
        (b" %PDF-1.7", None),  # the signature must open the file
        (b"", None),
    ],
)
def test_the_format_comes_from_the_first_bytes(head, expected):
    assert sniff_format(head) == expected


def test_one_page_per_photo_each_upright_and_oriented_like_its_photo():
    pdf = images_to_pdf(
        [
            (jpeg(40, 20, orientation=ROTATE_90_CW), "portrait.jpg"),
            (jpeg(40, 20), "paysage.jpg"),
            (png(10, 30), "transparent.png"),
        ]
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(PAGE.findall(pdf)) == 3
    # Pages are A4 portrait (the document's default size) except the wide photo's, in landscape.
    assert pdf.count(b"/MediaBox [0 0 841.89 595.28]") == 1
    # The phone photo (40 x 20 stored, "turn 90°" in EXIF) is embedded upright: 20 wide, 40 high.
    assert b"/Width 20" in pdf and b"/Height 40" in pdf


def test_a_pdf_cannot_be_a_page_of_the_conversion():
    with pytest.raises(ValidationError, match="Un PDF se dépose seul"):
        images_to_pdf([(jpeg(), "a.jpg"), (pdf_with_text("x"), "b.pdf")])


def _png_header_only(width, height):
    """Return a PNG announcing ``width`` x ``height`` but holding almost nothing (a decompression bomb's shape)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_a_photo_announcing_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(ValidationError, match="trop grande"):
        images_to_pdf([(_png_header_only(8000, 7000), "bombe.png")])
