"""Vocabulary of the document vault ("coffre-fort de documents")."""

from django.db import models


class DocumentKind(models.TextChoices):
    """The papers a person most often needs for French administrative procedures."""

    IDENTITY = "piece_identite", "Pièce d'identité"
    TAX_NOTICE = "avis_imposition", "Avis d'imposition"
    PROOF_OF_ADDRESS = "justificatif_domicile", "Justificatif de domicile"
    CAF_CERTIFICATE = "attestation_caf", "Attestation CAF"
    PAYSLIP = "bulletin_salaire", "Bulletin de salaire"
    BANK_DETAILS = "rib", "RIB (relevé d'identité bancaire)"
    OTHER = "autre", "Autre document"


class DocumentFormat(models.TextChoices):
    """The only content types the vault stores, recognised from the content itself (never from the name)."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "Image JPEG"
    PNG = "image/png", "Image PNG"


EXTENSIONS = {DocumentFormat.PDF: "pdf", DocumentFormat.JPEG: "jpg", DocumentFormat.PNG: "png"}

# Issue 7: 10 MB at most per uploaded file and per stored document (10 MiB, what people read as "10 Mo").
MAX_BYTES = 10 * 1024 * 1024
# Several photos (recto, verso, pages) become one PDF; more than this is a sign of a wrong selection.
MAX_PHOTOS = 10
# Reminders (dashboard and e-mail) start this many days before a document's validity ends.
REMINDER_DAYS = 30
