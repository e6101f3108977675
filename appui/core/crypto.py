"""Field-level encryption: AES-256-GCM with a key id in every ciphertext (OWASP ASVS 11.1, CNIL guidance).

Keys live outside the database and are distinct from SECRET_KEY: a JSON key ring
``{"current": "<key id>", "keys": {"<key id>": "<base64 of 32 bytes>", ...}}`` read from the file named by
``APPUI_FIELD_KEYS_FILE`` or from the ``APPUI_FIELD_KEYS`` environment variable. Old keys stay in the ring
during a rotation (``manage.py rotate_keys``) and can be removed once it has run.

Stored form: ``enc2:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`` (binary: ``enc2:<key id>:`` + raw bytes). The
associated data binds each value to its table, its column and its row (a random ``row_uid`` written with the
row), so a value copied into another column or another row does not decrypt. Whether a value is encrypted is
never decided by looking at it: the application encrypts everything it writes, and anything read that is not a
well-formed ciphertext of that very place is an error (docs/chiffrement.md).
"""

import base64
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT = "enc2"
PREFIX = f"{FORMAT}:"
BINARY_PREFIX = PREFIX.encode()
_KEY_ID = re.compile(r"[^:\s]+")
_TEXT_FORM = re.compile(r"enc2:(?P<kid>[^:\s]+):(?P<payload>[A-Za-z0-9+/]+={0,2})")
_MIN_BLOB = 12 + 16  # nonce and tag: even an empty plaintext is longer


class DecryptionError(Exception):
    """The stored value cannot be read: not a ciphertext, unknown key id, wrong key, tampered, or another row's.

    Deliberately not a ValueError: lookups turn those into "not found", and a value that cannot be read is an
    incident to report, never an absent record.
    """


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]
    # One cipher object per key, made on first use: a caseload stores tens of thousands of values in a row, and
    # setting a key up costs more than encrypting a short value. AESGCM keeps no state between calls.
    _aeads: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def aead(self, key_id: str) -> AESGCM:
        cipher = self._aeads.get(key_id)
        if cipher is None:
            try:
                cipher = self._aeads[key_id] = AESGCM(self.keys[key_id])
            except KeyError:
                raise DecryptionError(f"Clé de chiffrement « {key_id} » absente du trousseau.") from None
        return cipher


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


def associated_data(*, table: str, column: str, row: str) -> bytes:
    """Return the associated data binding a value to its table, column and row (the row's ``row_uid``)."""
    if not row:
        raise ValueError("A value is bound to a table, a column and a row: none may be empty.")
    return column_associated_data(table=table, column=column) + str(row).encode()


def column_associated_data(*, table: str, column: str) -> bytes:
    """Return the part of ``associated_data`` before the row: the same for every row of a column."""
    if not (table and column):
        raise ValueError("A value is bound to a table, a column and a row: none may be empty.")
    return "\x1f".join((FORMAT, table, column, "")).encode()


def seal(plaintext: str, *, aad: bytes) -> str:
    """Encrypt ``plaintext`` with the current key; ``aad`` binds it to its place (see ``associated_data``)."""
    return text_sealer()(plaintext, aad)


def text_sealer() -> Callable[[str, bytes], str]:
    """Return ``seal`` bound to the current key, for thousands of values in a row (a caseload's results): the key
    ring and the cipher are looked up once, not once per value. Each value still gets its own random nonce."""
    ring = keyring()
    cipher = ring.aead(ring.current)
    prefix = f"{PREFIX}{ring.current}:"
    random_nonce = secrets.token_bytes
    encode = base64.b64encode

    def seal_one(plaintext: str, aad: bytes) -> str:
        nonce = random_nonce(12)
        return prefix + encode(nonce + cipher.encrypt(nonce, plaintext.encode(), aad)).decode()

    return seal_one


def _split(stored: object) -> tuple[str, bytes]:
    """Return the key id and the nonce ‖ ciphertext ‖ tag of a stored text value, or raise DecryptionError."""
    match = _TEXT_FORM.fullmatch(stored) if isinstance(stored, str) else None
    if match is None:
        raise DecryptionError("Valeur enregistrée qui n'est pas un chiffré valide (texte en clair ou altéré).")
    blob = base64.b64decode(match["payload"])
    if len(blob) < _MIN_BLOB:
        raise DecryptionError("Valeur chiffrée tronquée.")
    return match["kid"], blob


def unseal(stored: str, *, aad: bytes) -> str:
    """Decrypt a stored value; anything but a well-formed ciphertext bound to ``aad`` raises DecryptionError."""
    key_id, blob = _split(stored)
    try:
        return keyring().aead(key_id).decrypt(blob[:12], blob[12:], aad).decode()
    except DecryptionError:
        raise
    except Exception as exc:  # cryptography raises InvalidTag on any tampering or on another row's value
        raise DecryptionError("Valeur chiffrée illisible (clé erronée, donnée altérée ou venue d'ailleurs).") from exc


def key_id_of(stored: str) -> str | None:
    """Return the key id of a well-formed stored text value, None for anything else."""
    try:
        return _split(stored)[0]
    except DecryptionError:
        return None


def seal_bytes(data: bytes, *, aad: bytes) -> bytes:
    """Encrypt binary content (documents, PDFs, images): ``enc2:<key id>:`` + nonce ‖ ciphertext ‖ tag."""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.aead(ring.current).encrypt(nonce, data, aad)
    return BINARY_PREFIX + ring.current.encode() + b":" + nonce + sealed


def _split_bytes(stored: bytes) -> tuple[str, bytes]:
    if not stored.startswith(BINARY_PREFIX):
        raise DecryptionError("Contenu enregistré qui n'est pas un chiffré valide (fichier en clair ou altéré).")
    key_id, sep, blob = stored[len(BINARY_PREFIX) :].partition(b":")
    if not sep or not _KEY_ID.fullmatch(key_id.decode("ascii", "replace")) or len(blob) < _MIN_BLOB:
        raise DecryptionError("Contenu chiffré mal formé.")
    return key_id.decode("ascii"), blob


def unseal_bytes(stored: bytes, *, aad: bytes) -> bytes:
    key_id, blob = _split_bytes(stored)
    try:
        return keyring().aead(key_id).decrypt(blob[:12], blob[12:], aad)
    except DecryptionError:
        raise
    except Exception as exc:
        raise DecryptionError("Contenu chiffré illisible (clé erronée, donnée altérée ou venue d'ailleurs).") from exc


def key_id_of_bytes(stored: bytes) -> str | None:
    try:
        return _split_bytes(stored)[0]
    except DecryptionError:
        return None


# The first form (``enc1:``) bound a value to its model field only ("app.Model.field"): a value copied to another
# row of the same column decrypted there. Only the migrations to the current form read it.
LEGACY_PREFIX = "enc1:"
LEGACY_BINARY_PREFIX = b"enc1:"
_LEGACY_TEXT_FORM = re.compile(r"enc1:(?P<kid>[^:\s]+):(?P<payload>[A-Za-z0-9+/]+={0,2})")


def legacy_unseal(stored: str, *, context: str) -> str | None:
    """Return the plaintext of a first-form value, None when ``stored`` is not one (it was stored in clear).

    A well-formed first-form value that does not decrypt (unknown key, wrong key, tampering) raises
    DecryptionError: the migration stops rather than take a ciphertext for a note.
    """
    match = _LEGACY_TEXT_FORM.fullmatch(stored)
    if match is None:
        return None
    blob = base64.b64decode(match["payload"])
    if len(blob) < _MIN_BLOB:
        return None
    try:
        return keyring().aead(match["kid"]).decrypt(blob[:12], blob[12:], context.encode()).decode()
    except DecryptionError:
        raise
    except Exception as exc:
        raise DecryptionError(f"Valeur de la première forme illisible ({context}).") from exc


def legacy_seal(plaintext: str, *, context: str) -> str:
    """Return the first form of a value (only to take a migration back)."""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.aead(ring.current).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{LEGACY_PREFIX}{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def legacy_unseal_bytes(stored: bytes, *, context: str) -> bytes | None:
    """Binary counterpart of ``legacy_unseal`` (documents were checked never to start with the marker)."""
    if not stored.startswith(LEGACY_BINARY_PREFIX):
        return None
    key_id, sep, blob = stored[len(LEGACY_BINARY_PREFIX) :].partition(b":")
    if not sep or len(blob) < _MIN_BLOB:
        return None
    try:
        return keyring().aead(key_id.decode("ascii", "replace")).decrypt(blob[:12], blob[12:], context.encode())
    except DecryptionError:
        raise
    except Exception as exc:
        raise DecryptionError(f"Contenu de la première forme illisible ({context}).") from exc


def legacy_seal_bytes(data: bytes, *, context: str) -> bytes:
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.aead(ring.current).encrypt(nonce, data, context.encode())
    return LEGACY_BINARY_PREFIX + ring.current.encode() + b":" + nonce + sealed
