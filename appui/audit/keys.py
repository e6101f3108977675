"""The audit key ring: the HMAC keys that seal audit events, their chain and its anchors.

Like the field keys (``appui.core.crypto``), these keys live outside the database and are distinct from
SECRET_KEY and from the field keys: a JSON key ring ``{"current": "<key id>", "keys": {"<key id>": "<base64 of
32 bytes>", ...}}`` read from the file named by ``APPUI_AUDIT_KEYS_FILE`` or from the ``APPUI_AUDIT_KEYS``
environment variable. Each event names the key that sealed it, so a rotation only adds a key: old keys stay
in the ring for as long as the events they sealed exist (see docs/audit.md).
"""

import base64
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UnknownAuditKeyError(Exception):
    """An event, or an anchor, names a key that is not in the ring."""


@dataclass(frozen=True)
class AuditKeyRing:
    current: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownAuditKeyError(f"Clé d'audit « {key_id} » absente du trousseau.") from None

    def mac(self, key_id: str, payload: object) -> str:
        """Return the HMAC-SHA-256 (hex) of ``payload`` serialised as canonical JSON."""
        message = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hmac.new(self.key(key_id), message.encode(), sha256).hexdigest()


def _field_keys() -> list[bytes]:
    """Return the field-encryption keys, if any are configured, so that the audit keys can differ from them."""
    from appui.core.crypto import keyring

    try:
        return list(keyring().keys.values())
    except (ImproperlyConfigured, OSError, ValueError, KeyError):
        return []


def parse_audit_keyring(raw: str) -> AuditKeyRing:
    """Parse and check a JSON audit key ring."""
    try:
        data = json.loads(raw)
        keys = {str(kid): base64.b64decode(value, validate=True) for kid, value in data["keys"].items()}
        current = str(data["current"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"Trousseau de clés d'audit illisible : {exc}.") from None
    if current not in keys:
        raise ImproperlyConfigured("La clé d'audit courante ne figure pas dans le trousseau.")
    if any(len(key) != 32 for key in keys.values()):
        raise ImproperlyConfigured("Chaque clé d'audit doit faire 32 octets.")
    if any(":" in kid or not kid or len(kid) > 32 for kid in keys):
        raise ImproperlyConfigured("Un identifiant de clé d'audit fait 1 à 32 caractères, sans « : ».")
    secret = settings.SECRET_KEY.encode()
    if any(key in secret or base64.b64encode(key) in secret for key in keys.values()):
        raise ImproperlyConfigured("Les clés d'audit doivent être distinctes de SECRET_KEY.")
    if set(keys.values()) & set(_field_keys()):
        raise ImproperlyConfigured("Les clés d'audit doivent être distinctes des clés de chiffrement des champs.")
    return AuditKeyRing(current=current, keys=keys)


def new_audit_keyring_json(key_id: str = "a1") -> str:
    """Return a fresh audit key ring with one random key."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    return json.dumps({"current": key_id, "keys": {key_id: key}}, indent=2)


def configured_path() -> str:
    return str(os.environ.get("APPUI_AUDIT_KEYS_FILE") or getattr(settings, "APPUI_AUDIT_KEYS_FILE", ""))


@cache
def audit_keyring() -> AuditKeyRing:
    """Return the configured audit key ring (read once per process; ``reset_audit_keyring`` after a change)."""
    path = configured_path()
    raw = os.environ.get("APPUI_AUDIT_KEYS") or getattr(settings, "APPUI_AUDIT_KEYS", "")
    if path:
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(f"Trousseau de clés d'audit introuvable ({path}) : {exc.strerror}.") from None
    if not raw:
        raise ImproperlyConfigured(
            "Aucune clé d'audit : définissez APPUI_AUDIT_KEYS_FILE (fichier JSON hors de la base, "
            "créé par « manage.py init_audit_keys »)."
        )
    return parse_audit_keyring(raw)


def reset_audit_keyring() -> None:
    audit_keyring.cache_clear()
