"""Field-level encryption: AES-256-GCM with a key id in every ciphertext (OWASP ASVS 11.1, CNIL guidance).

Keys live outside the database and are distinct from SECRET_KEY: a JSON key ring
``{"current": "<key id>", "keys": {"<key id>": "<base64 of 32 bytes>", ...}}`` read from the file named by
``APPUI_FIELD_KEYS_FILE`` or from the ``APPUI_FIELD_KEYS`` environment variable. Old keys stay in the ring
during a rotation (``manage.py rotate_keys``) and can be removed once it has run.

Stored form: ``enc1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The field's identity is bound as
associated data, so a value copied into another column does not decrypt.
"""

import base64
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"


class DecryptionError(Exception):
    """The value cannot be decrypted: unknown key id, wrong key, or tampered ciphertext."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]

    def aead(self, key_id: str) -> AESGCM:
        try:
            return AESGCM(self.keys[key_id])
        except KeyError:
            raise DecryptionError(f"Clé de chiffrement « {key_id} » absente du trousseau.") from None


def parse_keyring(raw: str) -> KeyRing:
    """Parse and check a JSON key ring."""
    data = json.loads(raw)
    keys = {str(kid): base64.b64decode(value) for kid, value in data["keys"].items()}
    if data["current"] not in keys:
        raise ImproperlyConfigured("La clé courante du trousseau de chiffrement n'y figure pas.")
    if any(len(key) != 32 for key in keys.values()):
        raise ImproperlyConfigured("Chaque clé de chiffrement doit faire 32 octets (AES-256).")
    secret = settings.SECRET_KEY.encode()
    if any(key in secret or base64.b64encode(key) in secret for key in keys.values()):
        raise ImproperlyConfigured("Les clés de chiffrement doivent être distinctes de SECRET_KEY.")
    if any(":" in kid or not kid for kid in keys):
        raise ImproperlyConfigured("Un identifiant de clé ne peut pas être vide ni contenir « : ».")
    return KeyRing(current=str(data["current"]), keys=keys)


def new_keyring_json(key_id: str = "k1") -> str:
    """Return a fresh key ring with one random key (used by ``make run`` for a development machine)."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    return json.dumps({"current": key_id, "keys": {key_id: key}}, indent=2)


@cache
def keyring() -> KeyRing:
    """Return the configured key ring (read once per process; ``reset_keyring`` after a change)."""
    path = os.environ.get("APPUI_FIELD_KEYS_FILE") or getattr(settings, "APPUI_FIELD_KEYS_FILE", "")
    raw = os.environ.get("APPUI_FIELD_KEYS") or getattr(settings, "APPUI_FIELD_KEYS", "")
    if path:
        raw = Path(path).read_text(encoding="utf-8")
    if not raw:
        raise ImproperlyConfigured(
            "Aucune clé de chiffrement : définissez APPUI_FIELD_KEYS_FILE (fichier JSON hors de la base)."
        )
    return parse_keyring(raw)


def reset_keyring() -> None:
    keyring.cache_clear()


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` with the current key; ``context`` names the field (associated data)."""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.aead(ring.current).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    return value[len(PREFIX) :].split(":", 1)[0] if is_encrypted(value) else None


def decrypt(stored: str, *, context: str) -> str:
    """Decrypt a stored value; plaintext written before encryption existed is returned as it is."""
    if not is_encrypted(stored):
        return stored
    key_id, payload = stored[len(PREFIX) :].split(":", 1)
    blob = base64.b64decode(payload)
    try:
        return keyring().aead(key_id).decrypt(blob[:12], blob[12:], context.encode()).decode()
    except DecryptionError:
        raise
    except Exception as exc:  # cryptography raises InvalidTag on any tampering
        raise DecryptionError("Valeur chiffrée illisible (clé erronée ou donnée altérée).") from exc


BINARY_PREFIX = b"enc1:"


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """Encrypt binary content (documents) with the current key: ``enc1:<key id>:`` + nonce ‖ ciphertext ‖ tag."""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.aead(ring.current).encrypt(nonce, data, context.encode())
    return BINARY_PREFIX + ring.current.encode() + b":" + nonce + sealed


def decrypt_bytes(stored: bytes, *, context: str) -> bytes:
    if not stored.startswith(BINARY_PREFIX):
        return stored
    key_id, blob = stored[len(BINARY_PREFIX) :].split(b":", 1)
    try:
        return keyring().aead(key_id.decode()).decrypt(blob[:12], blob[12:], context.encode())
    except DecryptionError:
        raise
    except Exception as exc:
        raise DecryptionError("Contenu chiffré illisible (clé erronée ou donnée altérée).") from exc


def key_id_of_bytes(stored: bytes) -> str | None:
    if not stored.startswith(BINARY_PREFIX):
        return None
    return stored[len(BINARY_PREFIX) :].split(b":", 1)[0].decode()
