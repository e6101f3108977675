"""System checks of field encryption: every encrypted model has a row identity; production has a key ring."""

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .crypto import keyring, reset_keyring
from .fields import ROW_UID, RowUidField


@register(Tags.models)
def check_row_identity(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if not encrypted:
            continue
        try:
            row_uid = model._meta.get_field(ROW_UID)
        except Exception:
            row_uid = None
        if not isinstance(row_uid, RowUidField):
            problems.append(
                Error(
                    f"{model._meta.label} a des champs chiffrés mais pas de champ « {ROW_UID} » (RowUidField).",
                    hint="Chaque valeur chiffrée est liée à sa ligne par ce champ (docs/chiffrement.md).",
                    obj=model,
                    id="appui.core.E001",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_field_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Fail a production deployment that has no usable key ring for the encrypted fields."""
    reset_keyring()
    try:
        keyring()
    except (ImproperlyConfigured, OSError, ValueError, KeyError) as exc:
        return [
            Error(
                f"Aucun trousseau de clés utilisable pour les champs chiffrés : {exc}",
                hint="Créez-le avec « manage.py init_field_keys --path … » et indiquez-le dans APPUI_FIELD_KEYS_FILE "
                "(hors de la base, distinct de SECRET_KEY) ; voir docs/chiffrement.md.",
                id="appui.core.E002",
            )
        ]
    return []
