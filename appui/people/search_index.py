"""The name search index: word prefixes of the normalised names (see PersonSearchToken)."""

from appui.core.text import normalize

from .models import Person, PersonSearchToken


def prefixes(text: str) -> set[str]:
    """Return every prefix (up to PersonSearchToken.MAX_PREFIX characters) of every word of ``text``."""
    out: set[str] = set()
    for word in normalize(text).split():
        for length in range(1, min(len(word), PersonSearchToken.MAX_PREFIX) + 1):
            out.add(word[:length])
    return out


def person_prefixes(person: Person) -> set[str]:
    if person.is_anonymous:
        return set()
    return prefixes(" ".join([person.last_name, person.first_name, person.birth_name]))


def index_person(person: Person) -> None:
    """Rebuild the search rows of one person (inside the caller's transaction)."""
    PersonSearchToken.objects.filter(person=person).delete()
    PersonSearchToken.objects.bulk_create(
        [
            PersonSearchToken(person=person, structure_id=person.structure_id, prefix=p)
            for p in sorted(person_prefixes(person))
        ]
    )
