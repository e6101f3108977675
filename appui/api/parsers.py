"""Request body parsers of the API: JSON that cannot exhaust the server.

Python's JSON decoder recurses once per level of nesting: ``[[[[…]]]]`` a few thousand levels deep raised
RecursionError, which DRF does not catch (a 500), and a few hundred levels passed the parser only to break later
code that walks the data. Every API body is parsed here: a nesting deeper than ``MAX_DEPTH`` answers 400. No
request of the API needs more than a handful of levels.
"""

import codecs
import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils.json import strict_constant

MAX_DEPTH = 32

TOO_DEEP = f"Le JSON envoyé est trop imbriqué : {MAX_DEPTH} niveaux au plus."
INVALID = "Le corps de la requête n'est pas un JSON valide : {error}"


def json_depth(value: Any) -> int:
    """Return how deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def parse_json(text: str) -> Any:
    """Return the data of a JSON text, or raise ParseError (400) if it is invalid or nested too deeply."""
    try:
        data = json.loads(text, parse_constant=strict_constant)
    except RecursionError:
        raise ParseError(TOO_DEEP) from None
    except ValueError as exc:
        raise ParseError(INVALID.format(error=exc)) from None
    if json_depth(data) > MAX_DEPTH:
        raise ParseError(TOO_DEEP)
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with the nesting bound and French messages."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(INVALID.format(error=exc)) from None
        return parse_json(text)
