"""Trigram similarity of folded texts, the same on PostgreSQL (``pg_trgm``) and on SQLite.

PostgreSQL computes it with the ``pg_trgm`` extension, whose GIN indexes answer "which rows are similar to this
word" without reading every row. SQLite has no such extension: the same two functions are written here in Python
(a port of pg_trgm's ``similarity`` and ``word_similarity``) and registered in each SQLite connection, so that a
query gives the same answer on both databases. The expressions below compile to one or the other.

Texts are expected in the folded form of ``appui.core.text.normalize`` (lower case, words separated by single
spaces), as pg_trgm would make them.
"""

import functools
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, FloatField, Func, Value
from django.db.models.expressions import Combinable

# Minimum word similarity for a searched word to match a name ("Lefvre" and LEFÈVRE: 0.5, "Kouasi" and
# KOUASSI: 0.71, "Nguien" and NGUYEN: 0.43). PostgreSQL's own default (0.6) misses one-letter slips in short names.
WORD_SIMILARITY_THRESHOLD = 0.4


def trigrams(text: str) -> list[str]:
    """Return the trigrams of each word of ``text`` in order, each word padded as pg_trgm does ("  w", " wo"…)."""
    out: list[str] = []
    for word in text.split():
        out += _word_trigrams(word)
    return out


@functools.lru_cache(maxsize=65536)
def _word_trigrams(word: str) -> tuple[str, ...]:
    # Cached by word: a structure's names share a few thousand words, and each row is compared word by word.
    padded = f"  {word} "
    return tuple(padded[i : i + 3] for i in range(len(padded) - 2))


@functools.lru_cache(maxsize=1024)
def _trigram_set(text: str) -> frozenset[str]:
    """Return the trigram set of a searched text (cached: one query is compared with many rows)."""
    return frozenset(trigrams(text))


def similarity(a: str, b: str) -> float:
    """Return pg_trgm's ``similarity(a, b)``: shared trigrams over all trigrams of both texts (0 to 1)."""
    ta, tb = _trigram_set(a), set(trigrams(b))
    if not ta or not tb:
        return 0.0
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)


def word_similarity(query: str, text: str) -> float:
    """Return pg_trgm's ``word_similarity(query, text)``: the best similarity between the trigrams of ``query``
    and a continuous extent of the trigrams of ``text`` (so "lef" is 0.75 similar to "lefevre helene")."""
    return _best_extent(_trigram_set(query), trigrams(text))


def word_similar(query: str, text: str, threshold: float) -> bool:
    """Return whether ``word_similarity(query, text) >= threshold``, rejecting most texts on shared trigrams."""
    wanted, sequence = _trigram_set(query), trigrams(text)
    if not wanted or len(wanted.intersection(sequence)) < threshold * len(wanted):
        return False  # the similarity cannot exceed shared / len(wanted)
    return _best_extent(wanted, sequence, enough=threshold) >= threshold


def _best_extent(wanted: frozenset[str], sequence: list[str], enough: float = 2.0) -> float:
    """Port of ``iterate_word_similarity`` (contrib/pg_trgm/trgm_op.c, non-strict mode).

    The upper bound of the extent moves along the text's trigrams that the query holds; for each one, the lower
    bound giving the best similarity is kept. Similarity of an extent: shared / (query + extent - shared), each
    counted in distinct trigrams. Stop as soon as the similarity reaches ``enough`` (pg_trgm's check-only mode).
    """
    if not wanted or wanted.isdisjoint(sequence):
        return 0.0
    found = [trigram in wanted for trigram in sequence]
    last_position: dict[str, int] = {}
    query_count = len(wanted)
    extent_count = shared = 0
    lower = -1
    best = 0.0
    for upper, trigram in enumerate(sequence):
        if lower >= 0 or found[upper]:
            if trigram not in last_position:
                extent_count += 1
                shared += found[upper]
            last_position[trigram] = upper
        if not found[upper]:
            continue
        if lower == -1:
            lower, extent_count = upper, 1
        current = shared / (query_count + extent_count - shared)
        # Try moving the lower bound to the right for a greater similarity.
        previous_lower = lower
        tmp_shared, tmp_extent = shared, extent_count
        for tmp_lower in range(lower, upper + 1):
            candidate = tmp_shared / (query_count + tmp_extent - tmp_shared)
            if candidate > current:
                current, extent_count, lower, shared = candidate, tmp_extent, tmp_lower, tmp_shared
            if current >= enough:
                return current
            if last_position.get(sequence[tmp_lower]) == tmp_lower:
                tmp_extent -= 1
                tmp_shared -= found[tmp_lower]
        best = max(best, current)
        for tmp_lower in range(previous_lower, lower):
            if last_position.get(sequence[tmp_lower]) == tmp_lower:
                del last_position[sequence[tmp_lower]]
    return best


# SQLite calls these once per candidate row, for the count and again for the page: the answers are cached (a
# search compares one query with a few thousand names at most, and names repeat).
@functools.lru_cache(maxsize=32768)
def _sqlite_word_similar(query: str | None, text: str | None, threshold: float) -> bool:
    return bool(query and text) and word_similar(query or "", text or "", threshold)


@functools.lru_cache(maxsize=32768)
def _sqlite_word_similarity(query: str | None, text: str | None) -> float:
    return word_similarity(query or "", text or "") if query and text else 0.0


def _sqlite_similarity(a: str | None, b: str | None) -> float:
    return similarity(a or "", b or "") if a and b else 0.0


def prepare_connection(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """Give each new database connection the trigram functions (SQLite) or the similarity threshold (PostgreSQL)."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("appui_word_similar", 3, _sqlite_word_similar, deterministic=True)
        raw.create_function("appui_word_similarity", 2, _sqlite_word_similarity, deterministic=True)
        raw.create_function("appui_similarity", 2, _sqlite_similarity, deterministic=True)
    elif connection.vendor == "postgresql":
        # The "<%" operator, the one the GIN index serves, compares with this setting. A placeholder until
        # pg_trgm is loaded in the session, then taken by the extension.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
            )


def connect_signals() -> None:
    connection_created.connect(prepare_connection, dispatch_uid="appui.core.trigrams")


class WordSimilar(Func):
    """The string ``query`` is similar to a word of ``text`` (a field name or an expression): word similarity at
    least WORD_SIMILARITY_THRESHOLD.

    PostgreSQL: ``query <% text``, answered by a ``gin_trgm_ops`` index on ``text``.
    """

    output_field = BooleanField()

    def __init__(self, query: str, text: "str | Combinable") -> None:
        super().__init__(Value(query), text)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" <%% ", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"appui_word_similar(%(expressions)s, {WORD_SIMILARITY_THRESHOLD!r})",
            **extra,
        )


class WordSimilarity(Func):
    """pg_trgm's ``word_similarity(query, text)`` of the string ``query`` and a field or expression, 0 to 1."""

    output_field = FloatField()

    def __init__(self, query: str, text: "str | Combinable") -> None:
        super().__init__(Value(query), text)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="word_similarity", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="appui_word_similarity", **extra)


class Similarity(Func):
    """pg_trgm's ``similarity(a, b)`` of the string ``a`` and a field or expression ``b``, from 0 to 1."""

    output_field = FloatField()

    def __init__(self, a: str, b: "str | Combinable") -> None:
        super().__init__(Value(a), b)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="similarity", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="appui_similarity", **extra)
