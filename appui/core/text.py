"""Text helpers shared by the domain apps: the folded form of names, phone numbers and e-mail addresses.

Names are compared and searched in a folded form (``normalize``): compatibility forms unified (NFKC), invisible
characters removed, Cyrillic and Greek letters that look like Latin ones read as those Latin letters, accents and
case dropped. So "LEFÈVRE", "lefevre", "Lеfèvrе" (with Cyrillic "е") and "Lef\u200bèvre" (with a zero-width space)
are one and the same name for the duplicate check and for the search. See docs/recherche.md.
"""

import re
import unicodedata

from django.core.validators import MaxLengthValidator

# Letters that are drawn like a Latin letter in common fonts (a subset of the Unicode TR39 « confusables »,
# limited to Cyrillic, Greek and Latin look-alikes): the ones an attacker, or a keyboard left on another layout,
# slips into a name. Applied after case folding, so both cases of a letter fold alike; a lower-case letter maps
# to what its capital looks like when they differ (names are often typed in capitals: Cyrillic "Н" is an "H").
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "i",
        "ү": "y",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
        # Latin letters without a decomposition, and Latin look-alikes
        "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ł": "l", "đ": "d", "ð": "d", "ø": "o", "ħ": "h",
        "ŧ": "t", "ƒ": "f", "þ": "th", "æ": "ae", "œ": "oe",
    }
)  # fmt: skip

# Characters that draw nothing but are not format characters (category Cf, removed as a whole).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")

_NON_WORD = re.compile(r"[\W_]+")


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and char not in _INVISIBLE_LETTERS


def normalize(value: str) -> str:
    """Return ``value`` folded for comparison: the form names are searched and compared in.

    NFKC, invisible characters removed, Cyrillic/Greek look-alikes read as Latin letters, accents and case
    dropped, anything but letters and digits collapsed to single spaces. "Élodie  N'Diaye-Martin" becomes
    "elodie n diaye martin". Letters of other scripts are kept ("Лейла" stays searchable).
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(char for char in text if _visible(char)).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_LOOK_ALIKES)
    return _NON_WORD.sub(" ", text).strip()


# Overseas departments dial the French national prefix 0 after their own country code (+262 692… is 0692…).
_FRENCH_COUNTRY_CODES = ("33", "262", "590", "594", "596")


def normalize_phone(value: str) -> str:
    """Return a phone number in one form whatever its formatting: national form for French numbers.

    "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78" and "0033612345678" all give
    "0612345678"; "+262 692 12 34 56" gives "0692123456"; another country keeps its code ("+221771234567").
    A part of a number gives the same part ("06 12 3" gives "06123"), so that it can be searched as a prefix.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    digits = "".join(char for char in text if char.isdigit() and char.isascii())
    if not digits:
        return ""
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if not international:
        # Nine digits without the leading 0 are a French number typed without it.
        return f"0{digits}" if len(digits) == 9 and not digits.startswith("0") else digits
    for code in _FRENCH_COUNTRY_CODES:
        if digits.startswith(code):
            national = digits[len(code) :]
            return national if national.startswith("0") else f"0{national}"
    return f"+{digits}"


def normalize_email(value: str) -> str:
    """Return an e-mail address in the form it is searched in: NFKC, no invisible characters, lower case."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(char for char in text if _visible(char) and not char.isspace()).casefold()


# Maximum lengths of free text, in characters (docs/fichiers-et-entrees.md). Every text typed in a form or sent to
# the API is bounded, so that nobody stores megabytes in a record that is then encrypted, journaled, exported and
# shown on every read: a line (a name, a title, a short answer) and a longer text (the account of an interview, a
# message, a situation) have their own limit. A field declared with its own ``max_length`` keeps it.
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 10_000
TOO_LONG_MESSAGE = "Ce texte est trop long : %(limit_value)d caractères au plus (il en compte %(show_value)d)."


def text_length_validator(limit: int) -> MaxLengthValidator:
    """Return the validator of a free text of at most ``limit`` characters, with its French message."""
    return MaxLengthValidator(limit, message=TOO_LONG_MESSAGE)
