"""What the person search reads: folded names, phone and e-mail, and (on SQLite) the word-prefix rows.

``search_fields`` gives the folded forms stored on the person (``search_text``, ``search_phone``,
``search_email``); PostgreSQL searches them through pg_trgm GIN indexes. SQLite has no trigram index: there the
names are also indexed by word prefix in ``PersonSearchToken`` ("Lefèvre Hélène" gives l, le… lefevre, h, he…
helene). See docs/recherche.md.
"""

from django.db import connections, router

from appui.core.text import normalize, normalize_email, normalize_phone

from .models import Person, PersonSearchToken


def search_fields(
    *, last_name: str, first_name: str, birth_name: str = "", phone: str = "", email: str = ""
) -> dict[str, str]:
    """Return the folded forms stored on a person for the search and the duplicate check."""
    return {
        "search_text": normalize(" ".join([last_name, first_name, birth_name]))[:500],
        "search_phone": normalize_phone(phone)[:30],
        "search_email": normalize_email(email)[:254],
    }


def person_search_fields(person: Person) -> dict[str, str]:
    if person.is_anonymous:
        return {"search_text": "", "search_phone": "", "search_email": ""}
    return search_fields(
        last_name=person.last_name,
        first_name=person.first_name,
        birth_name=person.birth_name,
        phone=person.phone,
        email=person.email,
    )


def uses_prefix_rows(using: str | None = None) -> bool:
    """Return whether the database searches names through PersonSearchToken rows (SQLite) or pg_trgm (PostgreSQL)."""
    alias = using or router.db_for_write(Person)
    return connections[alias].vendor != "postgresql"


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
    """Rebuild the search rows of one person (inside the caller's transaction); none on PostgreSQL."""
    if not uses_prefix_rows():
        return
    PersonSearchToken.objects.filter(person=person).delete()
    PersonSearchToken.objects.bulk_create(
        [
            PersonSearchToken(person=person, structure_id=person.structure_id, prefix=p)
            for p in sorted(person_prefixes(person))
        ]
    )
