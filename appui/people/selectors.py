"""Named reads of persons."""

import datetime
import re

from django.db.models import Q
from django.db.models.functions import Lower

from appui.accounts.models import Structure
from appui.core.text import normalize

from .models import Person, PersonQuerySet, PersonSearchToken

_FILE_NUMBER = re.compile(r"^\d{4}-\d{1,5}$")
_YEAR = re.compile(r"^(19|20)\d{2}$")


def find_duplicates(
    *,
    structure: Structure,
    last_name: str,
    first_name: str,
    birth_date: datetime.date | None,
    birth_year: int | None,
) -> list[Person]:
    """Return the persons of the structure with the same names (ignoring accents and case) and birth date."""
    wanted = normalize(" ".join([last_name, first_name]))
    candidates = Person.objects.filter(structure=structure, is_anonymous=False)
    if birth_date:
        candidates = candidates.filter(
            Q(birth_date=birth_date) | Q(birth_date__isnull=True, birth_year=birth_date.year)
        )
    elif birth_year:
        candidates = candidates.filter(birth_year=birth_year)
    else:
        return []
    return [p for p in candidates if normalize(" ".join([p.last_name, p.first_name])) == wanted]


# Up to this many matches, the matching ids are passed to the page query as a list. Beyond it the matches are
# dense, and walking the name-ordered index finds a page of them quickly. (Measured on PostgreSQL with 100,000
# persons: a semi-join let the planner walk 66,815 rows of the ordered index to find 20 sparse matches.)
SPARSE_MATCHES = 5000


def person_search(queryset: PersonQuerySet, query: str, *, structure_id: int) -> PersonQuerySet:
    """Filter persons by free text: name words, birth year (4 digits) or file number ("2026-00042").

    Matching ignores accents and case; every word must match the start of a word of the names.
    """
    ids: set[int] | None = None
    for token in query.split():
        if _FILE_NUMBER.match(token):
            year, number = token.split("-")
            queryset = queryset.filter(file_number=f"{year}-{int(number):05d}")
        elif _YEAR.match(token):
            queryset = queryset.filter(birth_year=int(token))
        else:
            for word in normalize(token).split():
                # One indexed equality per word (PersonSearchToken); longer words also check the full text.
                matching = PersonSearchToken.objects.filter(
                    structure_id=structure_id, prefix=word[: PersonSearchToken.MAX_PREFIX]
                ).values_list("person_id", flat=True)
                found = set(matching[: SPARSE_MATCHES + 1])
                if len(found) > SPARSE_MATCHES:
                    queryset = queryset.filter(pk__in=matching)
                else:
                    ids = found if ids is None else ids & found
                if len(word) > PersonSearchToken.MAX_PREFIX:
                    queryset = queryset.filter(search_text__contains=word)
    if ids is not None:
        # Sorting on expressions keeps the planner from walking the name-ordered index in search of sparse ids:
        # it fetches the few matches by primary key, then sorts them.
        queryset = queryset.filter(pk__in=sorted(ids)).order_by(Lower("last_name"), Lower("first_name"), "id")
    return queryset
