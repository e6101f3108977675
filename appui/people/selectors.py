"""Named reads of persons: the search and the duplicate check. See docs/recherche.md."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, Q, Subquery
from django.db.models.expressions import Combinable

from appui.accounts.models import Membership
from appui.core.text import normalize, normalize_email, normalize_phone
from appui.core.trigrams import Similarity, WordSimilar, WordSimilarity

from .models import Household, HouseholdMember, Person, PersonQuerySet, PersonSearchToken
from .search_index import search_fields

_FILE_NUMBER = re.compile(r"^\d{4}-\d{1,5}$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_PHONE = re.compile(r"^\+?[\d\s.\-/()]+$")

# A searched word this long or longer may match a name with a typo when nothing matches it exactly.
APPROXIMATE_MIN_LENGTH = 4
# Names at least this similar (pg_trgm similarity of the folded names) with the same birth date are announced as a
# probable duplicate: "Sarah LEFEBVRE" and "Sara Lefebvre" 0.81, "Kouasi" and "Kouassi" 0.77, first and last names
# swapped 1; twins "Lina" and "Sara LEFEBVRE" 0.5, "Paul" and "Pierre DUPONT" 0.44 are not.
DUPLICATE_SIMILARITY = 0.6
DUPLICATES_SHOWN = 10


@dataclass
class SearchTerms:
    """A search query, read: name words, birth years, file numbers, phone numbers and e-mail addresses."""

    words: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    file_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def _looks_like_phone(text: str) -> bool:
    if not _PHONE.match(text) or _FILE_NUMBER.match(text) or _YEAR.match(text):
        return False
    digits = sum(char.isdigit() for char in text)
    return (text.startswith(("+", "0")) and digits >= 4) or digits >= 9


def parse_query(query: str) -> SearchTerms:
    """Read a search query: "dupont 1962", "2026-00042", "06 12 34 56 78", "helene@exemple.fr"…"""
    terms = SearchTerms()
    query = query.strip()
    if _looks_like_phone(query):  # a whole query of digits and separators: "06 12 34 56 78", "+33 6 12…"
        terms.phones.append(normalize_phone(query))
        return terms
    for token in query.split():
        if _FILE_NUMBER.match(token):
            year, number = token.split("-")
            terms.file_numbers.append(f"{year}-{int(number):05d}")
        elif _YEAR.match(token):
            terms.years.append(int(token))
        elif "@" in token:
            terms.emails.append(normalize_email(token))
        elif _looks_like_phone(token):
            terms.phones.append(normalize_phone(token))
        else:
            terms.words += normalize(token).split()
    return terms


@dataclass
class PersonSearchResult:
    """The persons found by a search, counted once; a Paginator takes it as its object list.

    ``approximate`` is true when no name matched exactly and the persons shown have similar names instead.
    """

    persons: PersonQuerySet
    total: int
    approximate: bool = False
    ordered = True

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: int | slice) -> "Person | PersonQuerySet":
        return self.persons[index]


def _prefix_rows(structure_id: int, prefix: str) -> Subquery:
    return Subquery(PersonSearchToken.objects.filter(structure_id=structure_id, prefix=prefix).values("person_id"))


def _after(prefix: str) -> str:
    """Return the smallest string greater than every string starting with ``prefix`` (binary order, SQLite)."""
    return prefix + "\U0010ffff"


def _contact_filters(queryset: PersonQuerySet, terms: SearchTerms, *, trigram: bool) -> PersonQuerySet:
    """Filter on the parts of the query that are not name words (all must match)."""
    for number in terms.file_numbers:
        queryset = queryset.filter(file_number=number)
    for year in terms.years:
        queryset = queryset.filter(birth_year=year)
    for column, values in (("search_phone", terms.phones), ("search_email", terms.emails)):
        for value in values:
            if trigram:  # LIKE 'value%' through the pg_trgm index, whatever the database collation
                queryset = queryset.filter(**{f"{column}__startswith": value})
            else:  # a range of the B-tree index (SQLite compares bytes)
                queryset = queryset.filter(**{f"{column}__gte": value, f"{column}__lt": _after(value)})
    return queryset


def _exact_word(queryset: PersonQuerySet, word: str, *, structure_id: int, trigram: bool) -> PersonQuerySet:
    """Keep the persons with a name word starting with ``word``."""
    if trigram:  # the pg_trgm index answers anchored regular expressions, even of one letter
        return queryset.filter(search_text__regex=rf"(^| ){re.escape(word)}")
    queryset = queryset.filter(pk__in=_prefix_rows(structure_id, word[: PersonSearchToken.MAX_PREFIX]))
    if len(word) > PersonSearchToken.MAX_PREFIX:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def person_search(queryset: PersonQuerySet, query: str, *, structure_id: int) -> PersonSearchResult:
    """Filter persons by free text: name words, birth year, file number ("2026-00042"), phone number or e-mail.

    Name matching ignores accents, case and look-alike letters; every word must match the start of a word of the
    names. When no person matches exactly, the words of four letters or more that match no name on their own are
    taken as mistyped: persons whose names are similar to them ("Lefvre" for LEFÈVRE, "Kouasi" for KOUASSI) are
    returned instead, most similar first, with ``approximate``.
    Each search is a count and a page query, without lists of ids: PostgreSQL answers from pg_trgm GIN indexes,
    SQLite from the PersonSearchToken rows.
    """
    terms = parse_query(query)
    trigram = connections[queryset.db].vendor == "postgresql"
    base = _contact_filters(queryset, terms, trigram=trigram)
    exact = base
    for word in terms.words:
        exact = _exact_word(exact, word, structure_id=structure_id, trigram=trigram)
    # Sorting on the folded names keeps the planner from walking the name-ordered index in search of sparse
    # matches (measured on PostgreSQL: 66,815 rows walked to find 20); it sorts the few matches instead.
    exact = exact.order_by("search_text", "id")
    total = exact.count()
    if total or all(len(word) < APPROXIMATE_MIN_LENGTH for word in terms.words):
        return PersonSearchResult(persons=exact, total=total)
    approximate = base
    rank: Combinable | None = None
    for word in terms.words:
        if len(word) < APPROXIMATE_MIN_LENGTH or (
            len(terms.words) > 1 and _exact_word(base, word, structure_id=structure_id, trigram=trigram).exists()
        ):
            # A word that matches names on its own is kept exact: only the mistyped words are approximated.
            approximate = _exact_word(approximate, word, structure_id=structure_id, trigram=trigram)
            continue
        if not trigram:
            # The prefix rows of the first letter narrow the candidates; the similarity is computed on those only.
            approximate = approximate.filter(pk__in=_prefix_rows(structure_id, word[0]))
        approximate = approximate.filter(WordSimilar(word, F("search_text")))
        similarity = WordSimilarity(word, F("search_text"))
        rank = similarity if rank is None else rank + similarity
    if rank is None:  # every word matches names, though not together: nothing is mistyped
        return PersonSearchResult(persons=exact, total=0)
    approximate = approximate.annotate(search_rank=rank).order_by("-search_rank", "search_text", "id")
    total = approximate.count()
    return PersonSearchResult(persons=approximate, total=total, approximate=total > 0)


def _swapped_day_and_month(date: datetime.date) -> datetime.date | None:
    if date.day > 12 or date.day == date.month:
        return None
    return date.replace(month=date.day, day=date.month)


def find_duplicates(
    *,
    membership: Membership,
    last_name: str,
    first_name: str,
    birth_name: str = "",
    birth_date: datetime.date | None,
    birth_year: int | None,
) -> list[Person]:
    """Return the persons the member may see who are probably the person about to be recorded.

    Same birth date (or day and month swapped, a frequent slip; or the same year when only the year is known on
    either side), and names similar in their folded form (accents, case, look-alike letters and word order
    ignored): pg_trgm similarity of at least DUPLICATE_SIMILARITY. Most similar first.
    """
    text = search_fields(last_name=last_name, first_name=first_name, birth_name=birth_name)["search_text"]
    if not text:
        return []
    if birth_date:
        born = Q(birth_date=birth_date) | Q(birth_date__isnull=True, birth_year=birth_date.year)
        swapped = _swapped_day_and_month(birth_date)
        if swapped:
            born |= Q(birth_date=swapped)
    elif birth_year:
        born = Q(birth_year=birth_year)
    else:
        return []
    candidates = (
        Person.objects.visible_by(membership)
        .named()
        .filter(born)
        .annotate(name_similarity=Similarity(text, F("search_text")))
        .filter(name_similarity__gte=DUPLICATE_SIMILARITY)
        .order_by("-name_similarity", "search_text", "id")
    )
    return list(candidates[:DUPLICATES_SHOWN])


def household_version(person: Person) -> int:
    """Return the version of the person's household, 0 while it has none (the version an empty form carries)."""
    return Household.objects.filter(person=person).values_list("version", flat=True).first() or 0


def household_members(person: Person) -> list[HouseholdMember]:
    """Return the members of the person's household as they are now in the database."""
    return list(HouseholdMember.objects.filter(household__person=person))
