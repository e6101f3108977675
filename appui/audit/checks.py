"""Deployment checks of the audit journal: its key ring, and where its head is anchored."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .keys import audit_keyring, reset_audit_keyring


@register(Tags.security, deploy=True)
def check_audit_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    reset_audit_keyring()
    try:
        audit_keyring()
    except ImproperlyConfigured as exc:
        problems.append(
            Error(
                f"Journal d'audit sans clé valide : {exc}",
                hint="Créez le trousseau avec « manage.py init_audit_keys --path … » et indiquez-le dans "
                "APPUI_AUDIT_KEYS_FILE (hors de la base, distinct de SECRET_KEY et des clés des champs).",
                id="appui.audit.E001",
            )
        )
    if not getattr(settings, "APPUI_AUDIT_ANCHOR_DIR", ""):
        problems.append(
            Warning(
                "La tête du journal d'audit n'est ancrée nulle part hors de la base (APPUI_AUDIT_ANCHOR_DIR vide).",
                hint="Indiquez un répertoire tenu par le DPO et planifiez « manage.py verify_audit --anchor » chaque "
                "jour (docs/audit.md).",
                id="appui.audit.W001",
            )
        )
    return problems
