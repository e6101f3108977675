"""Text helpers shared by the domain apps."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(value: str) -> str:
    """Return ``value`` lower-cased, without accents, punctuation collapsed to single spaces.

    "Élodie  N'Diaye-Martin" becomes "elodie n diaye martin": searches ignore case and accents.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = ascii_only.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe")
    ascii_only = ascii_only.replace("Æ", "ae").replace("Œ", "oe")
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()
