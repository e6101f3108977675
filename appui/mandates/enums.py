"""Vocabulary of mandates, following the national Aidants Connect service."""

from django.db import models

# The ten procedure categories ("démarches") are the administrative themes of accompaniments.
from appui.accompaniments.enums import PROCEDURE_THEMES, Theme

CONSENT_VERSION = "2026-11-v1"


class MandateDuration(models.TextChoices):
    ONE_DAY = "1j", "1 jour"
    ONE_MONTH = "1m", "1 mois"
    SIX_MONTHS = "6m", "6 mois"
    TWELVE_MONTHS = "12m", "12 mois"


class MandateStatus(models.TextChoices):
    ACTIVE = "actif", "Actif"
    EXPIRED = "expire", "Expiré"
    REVOKED = "revoque", "Révoqué"


def procedure_category_choices() -> list[tuple[str, str]]:
    """Return the procedure categories as (value, label), labels without the "Démarche :" prefix."""
    labels = [(t.value, t.label.removeprefix("Démarche : ")) for t in Theme if t in PROCEDURE_THEMES]
    return [(value, label[:1].upper() + label[1:]) for value, label in labels]
