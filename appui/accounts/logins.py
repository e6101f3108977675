"""One spelling per login address, for finding the account and for counting failed logins.

People type their address as they wish (capitals, spaces, a copied no-break or zero-width space, full-width
letters from some keyboards). Every spelling must reach the same account and count against the same lockout
counter (OWASP ASVS 2.2.1): otherwise each variant would earn five more tries.
"""

import unicodedata
from typing import Any

from django.http import HttpRequest

# Separators (Z*) and invisible characters (Cc, Cf: controls, zero-width spaces, joiners, soft hyphen, BOM).
_DROPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def _without_invisibles(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES and not ch.isspace())


def normalize_login(value: object) -> str:
    """Return the address as accounts store it: compatibility forms folded, invisible characters removed, lower case."""
    return _without_invisibles(value if isinstance(value, str) else "").lower()


def lockout_key(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """Return the key django-axes counts failures on (``AXES_USERNAME_CALLABLE``).

    Case-folded as well: counting two addresses together is harmless, counting one address twice is not.
    """
    raw: object = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    folded = unicodedata.normalize("NFKC", normalize_login(raw).casefold())
    return folded[:255]
