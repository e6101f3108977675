"""What the vault accepts, judged from the content: type by magic bytes, size, decodable images; photos to PDF.

Pure functions on bytes (no database): the services call them before opening their transaction.
"""

import io
from typing import Protocol

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from appui.core.pdf import new_pdf
from appui.core.pdf_safety import UnreadablePdfError, check_pdf

from .enums import MAX_BYTES, DocumentFormat

# The first bytes of each accepted format. The file's name and the browser's Content-Type are never trusted.
_SIGNATURES = (
    (b"%PDF-", DocumentFormat.PDF),
    (b"\xff\xd8\xff", DocumentFormat.JPEG),
    (b"\x89PNG\r\n\x1a\n", DocumentFormat.PNG),
)
_PILLOW_FORMATS = {DocumentFormat.JPEG: "JPEG", DocumentFormat.PNG: "PNG"}
# A 48-megapixel phone photo passes; decoding more would cost too much memory (decompression bombs).
MAX_PIXELS = 50_000_000
# Long side of a photo once in a PDF: an A4 page at about 200 dpi, legible and light.
PDF_IMAGE_MAX_SIDE = 2400
PDF_JPEG_QUALITY = 85
_A4_MM = (210.0, 297.0)
_MARGIN_MM = 10.0

TOO_LARGE = "Le fichier « {name} » dépasse 10 Mo. Réduisez-le (ou prenez la photo en qualité normale) et recommencez."
WRONG_TYPE = (
    "Le fichier « {name} » n'est ni un PDF, ni une photo JPEG ou PNG. Son contenu a été vérifié, pas son nom : "
    "enregistrez-le en PDF puis déposez-le à nouveau."
)
UNREADABLE_IMAGE = "La photo « {name} » est illisible (fichier abîmé ou incomplet). Reprenez la photo."
TOO_MANY_PIXELS = "La photo « {name} » est trop grande (plus de 50 millions de points). Réduisez-la et recommencez."
UNREADABLE_PDF = (
    "Le PDF « {name} » n'a pas pu être vérifié (fichier abîmé, ou protégé par un mot de passe). Ouvrez-le, "
    "imprimez-le en PDF (« Imprimer » puis « Enregistrer au format PDF ») et déposez cette copie."
)


class Upload(Protocol):
    """What the services need of an uploaded file (Django's UploadedFile, or a file opened by a command)."""

    name: str | None
    size: int | None

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...


def sniff_format(head: bytes) -> DocumentFormat | None:
    """Return the format announced by the first bytes of a file, or None if it is not one the vault accepts."""
    for signature, document_format in _SIGNATURES:
        if head.startswith(signature):
            return document_format
    return None


def display_name(upload: Upload) -> str:
    return (upload.name or "sans nom")[:200]


def read_limited(upload: Upload) -> bytes:
    """Return the content of ``upload``, refusing more than MAX_BYTES without reading the rest.

    The declared size is checked first (the content is not read at all); the read itself stops one byte past
    the limit, in case the declared size was wrong.
    """
    name = display_name(upload)
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError({"files": TOO_LARGE.format(name=name)})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"files": TOO_LARGE.format(name=name)})
    return data


def checked_format(data: bytes, *, name: str) -> DocumentFormat:
    """Return the format of ``data`` (magic bytes); refuse anything else, an empty file included."""
    document_format = sniff_format(data[:16])
    if document_format is None:
        raise ValidationError({"files": WRONG_TYPE.format(name=name)})
    return document_format


def _open_image(data: bytes, *, name: str, expected: DocumentFormat, max_side: int | None = None) -> Image.Image:
    """Open and fully decode an image of the ``expected`` format, upright (EXIF orientation applied).

    With ``max_side``, a JPEG is decoded directly at a reduced scale no smaller than that (less memory).
    """
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != _PILLOW_FORMATS.get(expected):
            raise ValidationError({"files": WRONG_TYPE.format(name=name)})
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError({"files": TOO_MANY_PIXELS.format(name=name)})
        if max_side is not None and image.format == "JPEG":
            image.draft("RGB", (max_side, max_side))
        # Phones store the photo sideways and say how to turn it in EXIF; apply it, so no viewer shows it wrong.
        upright = ImageOps.exif_transpose(image)
        upright.load()
    except Image.DecompressionBombError:
        raise ValidationError({"files": TOO_MANY_PIXELS.format(name=name)}) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError({"files": UNREADABLE_IMAGE.format(name=name)}) from None
    return upright


def clean_image(data: bytes, *, name: str, document_format: DocumentFormat) -> bytes:
    """Return the image re-encoded upright and without metadata.

    Phone photos carry EXIF metadata (GPS position, often the person's home; device; date): the vault keeps the
    picture, not that (RGPD art. 5-1-c, data minimisation). The colour profile is kept, it identifies no one.
    """
    image = _open_image(data, name=name, expected=document_format)
    out = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if document_format == DocumentFormat.JPEG:
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, **extra)
    else:
        image.save(out, "PNG", **extra)
    return out.getvalue()


def clean_pdf(data: bytes, *, name: str) -> tuple[bytes, tuple[str, ...]]:
    """Return the PDF to keep and the kinds of active content removed from it (none: the file as it is).

    Scripts, automatic actions and program launches are removed (``appui.core.pdf_safety``); a PDF that cannot
    be parsed cannot be checked, so it is refused.
    """
    try:
        checked = check_pdf(data)
    except UnreadablePdfError:
        raise ValidationError({"files": UNREADABLE_PDF.format(name=name)}) from None
    return checked.content, checked.findings


def _as_rgb(image: Image.Image) -> Image.Image:
    """Return an RGB (or greyscale) image, transparent areas on white paper."""
    if image.mode in {"RGB", "L"}:
        return image
    if image.mode in {"RGBA", "LA", "P", "PA"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")


def images_to_pdf(images: list[tuple[bytes, str]]) -> bytes:
    """Return one A4 PDF with one page per image, each upright, fitted to the page and re-encoded as JPEG.

    ``images`` holds (content, name) pairs of JPEG or PNG images; the name is only used in error messages.
    """
    pdf = new_pdf(title="Document")
    pdf.set_auto_page_break(False)
    for data, name in images:
        document_format = checked_format(data, name=name)
        if document_format == DocumentFormat.PDF:
            raise ValidationError({"files": "Un PDF se dépose seul : il ne peut pas être réuni avec des photos."})
        image = _as_rgb(_open_image(data, name=name, expected=document_format, max_side=PDF_IMAGE_MAX_SIDE))
        image.thumbnail((PDF_IMAGE_MAX_SIDE, PDF_IMAGE_MAX_SIDE))
        jpeg = io.BytesIO()
        image.save(jpeg, "JPEG", quality=PDF_JPEG_QUALITY)
        width, height = image.size
        landscape = width > height
        page_w, page_h = (_A4_MM[1], _A4_MM[0]) if landscape else _A4_MM
        pdf.add_page(orientation="L" if landscape else "P")
        scale = min((page_w - 2 * _MARGIN_MM) / width, (page_h - 2 * _MARGIN_MM) / height)
        w, h = width * scale, height * scale
        pdf.image(jpeg, x=(page_w - w) / 2, y=(page_h - h) / 2, w=w, h=h)
    return bytes(pdf.output())
