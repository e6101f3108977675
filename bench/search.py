#!/usr/bin/env python
"""Benchmark of the person search page (``/personnes/?q=...``) on a large structure.

Usage::

    .venv/bin/python bench/search.py [--persons 100000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appui_bench .venv/bin/python bench/search.py

Without ``DATABASE_URL`` the benchmark uses a new SQLite file in a temporary directory, removed at the end.
With ``DATABASE_URL`` it migrates that database: give it a new, empty, throwaway database. The script refuses
a database that already holds tables, so that it never writes into a real one.

It creates one structure and one social worker (through the account and second-factor services), bulk-inserts
the persons (a benchmark fixture: no audit, no per-person validation; the search fields are computed by the same
functions as person_create()), then requests the search page through Django's test client logged in as that
member, end to end (middleware, session, query, template), and prints the latency of each kind of query: names,
typos (approximate results), phone numbers in several writings, e-mail addresses. ``--requests`` is the number
of measured requests per kind of query; a kind stops earlier once it has used its time budget (``--budget``
seconds, after at least 20 requests), so the whole run stays within a few minutes even when the search is slow.
The "n" column tells how many were made; "results" is the count the page shows.
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import datetime
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "André", "Mercier", "Dupont",
    "Guérin", "Rousseau", "Chevalier", "François", "Lemaître", "Bénard", "Hébert", "Noël", "Côté", "Crépin",
    "Diallo", "Traoré", "Nguyen", "Haddad", "Benali", "Da Silva", "Pereira", "Kouassi", "Yılmaz", "N'Diaye",
]  # fmt: skip
FIRST_NAMES = [
    "Marie", "Hélène", "Élodie", "Françoise", "Aïcha", "Léa", "Chloé", "Inès", "Océane", "Fatima",
    "Jean", "Gérard", "Stéphane", "Théo", "Sébastien", "Kévin", "René", "Jérôme", "Mamadou", "Youssef",
]  # fmt: skip
COMMUNE_CODES = ["69266", "69123", "69029", "69259", "69290", "75056", "13055", "33063"]

TARGET = 4242  # the person the file number, phone and e-mail queries look for (the middle one in a smaller run)
BROAD_QUERY = "mar"  # a partial name, as typed in the live search: thousands of matches
PHONE_WRITINGS = ("06 {} {} {} {}", "06{}{}{}{}", "+33 6 {} {} {} {}", "06.{}.{}.{}.{}")


def file_number(i: int) -> str:
    """Return the i-th file number: unique in the structure, and of the "YYYY-NNNNN" form the search knows."""
    return f"{2000 + i // 100000}-{i % 100000:05d}"


def phone(i: int) -> str:
    """Return the i-th person's mobile number (unique: 7919 is prime to 10^8), in one of several writings."""
    digits = f"{(i * 7919) % 10**8:08d}"
    pairs = [digits[k : k + 2] for k in range(0, 8, 2)]
    return PHONE_WRITINGS[i % len(PHONE_WRITINGS)].format(*pairs)


def email(i: int, first: str, last: str) -> str:
    """Return an e-mail address for one person in three (the others have none)."""
    from appui.core.text import normalize

    if i % 3:
        return ""
    return f"{normalize(first).replace(' ', '')}.{normalize(last).replace(' ', '')}.{i}@exemple.fr"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000, help="persons in the structure (100000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per kind of query (200)")
    parser.add_argument("--budget", type=float, default=10, help="seconds of measurement per kind of query (10)")
    parser.add_argument("--batch-size", type=int, default=5_000, help="bulk_create batch size (5000)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def setup_django() -> str | None:
    """Configure and start Django on the benchmark database; return the temporary directory, if any."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["APPUI_DEBUG"] = "1"
    tmpdir = None
    if not os.environ.get("DATABASE_URL"):
        tmpdir = tempfile.mkdtemp(prefix="appui-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    return tmpdir


def refuse_used_database() -> None:
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        sys.exit(
            f"La base {connection.settings_dict['NAME']!r} contient déjà {len(tables)} tables : le banc d'essai "
            "ne s'exécute que dans une base neuve et jetable (créez-en une, par exemple `createdb appui_bench`)."
        )


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def create_member():  # type: ignore[no-untyped-def]
    from appui.accounts.enums import Role, StructureType
    from appui.accounts.services import membership_create, structure_create, user_create

    structure = structure_create(name="CCAS du banc d'essai", type=StructureType.CCAS, commune_code="69266")
    user = user_create(email="bench@appui.invalid", first_name="Banc", last_name="Essai")
    return membership_create(user=user, structure=structure, role=Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True)


def target_index(count: int) -> int:
    return min(TARGET, count // 2 // 3 * 3)  # a multiple of 3: the target has an e-mail address


def fill_persons(structure, count: int, batch_size: int, rng: random.Random) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Insert ``count`` persons with bulk_create; names from a few hundred combinations, some with a suffix.

    Return the file number, phone number and e-mail address of the target person (searched for below).
    """
    from django.db import connection, transaction

    from appui.people.models import Person, PersonSearchToken
    from appui.people.search_index import person_prefixes, search_fields, uses_prefix_rows

    today = datetime.date(2026, 11, 1)
    with_prefix_rows = uses_prefix_rows()
    target: dict[str, str] = {}
    wanted = target_index(count)
    for start in range(0, count, batch_size):
        batch = []
        for i in range(start, min(start + batch_size, count)):
            last = rng.choice(LAST_NAMES)
            first = rng.choice(FIRST_NAMES)
            if rng.random() < 0.25:
                last = f"{last} {rng.randint(2, 99)}"
            birth_date = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(73 * 365))
            contact = {"phone": phone(i) if i % 10 < 7 or i == wanted else "", "email": email(i, first, last)}
            if i == wanted:
                target = {"file_number": file_number(i), **contact}
            batch.append(
                Person(
                    structure=structure,
                    file_number=file_number(i),
                    last_name=last,
                    first_name=first,
                    birth_date=None if rng.random() < 0.1 else birth_date,  # some know only the year
                    birth_year=birth_date.year,
                    informed_at=today - datetime.timedelta(days=rng.randrange(900)),
                    commune_code=rng.choice(COMMUNE_CODES),
                    **contact,
                    **search_fields(last_name=last, first_name=first, **contact),
                )
            )
        with transaction.atomic():
            created = Person.objects.bulk_create(batch, batch_size=batch_size)
            if with_prefix_rows:  # the SQLite name index, as person_create() builds it (appui.people.search_index)
                PersonSearchToken.objects.bulk_create(
                    [
                        PersonSearchToken(person_id=person.pk, structure_id=structure.pk, prefix=prefix)
                        for person in created
                        for prefix in person_prefixes(person)
                    ],
                    batch_size=batch_size * 10,
                )
    with connection.cursor() as cursor:  # fresh statistics, as a production database would have
        cursor.execute("ANALYZE")
    return target


def verified_device(user):  # type: ignore[no-untyped-def]
    """Pair an authenticator for the member through the second-factor services, as at a first login."""
    from django_otp.oath import totp

    from appui.accounts.second_factor import totp_enrollment_confirm, totp_enrollment_start

    device = totp_enrollment_start(user=user)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
    assert totp_enrollment_confirm(user=user, device=device, token=token) is not None, "code TOTP refusé"
    return device


def logged_in_client(membership):  # type: ignore[no-untyped-def]
    """Return a test client logged in as the member: password session, second factor, structure chosen."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from appui.web.middleware import SESSION_KEY

    device = verified_device(membership.user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_COUNT = re.compile(r'id="nombre-resultats">\s*(\d+)')


MIN_REQUESTS = 20


def measure(request: Callable[[], object], n: int, budget: float) -> tuple[list[float], int]:
    """Send the request twice to warm up, then n times (or until the time budget is used, but at least
    MIN_REQUESTS times); return the latencies (ms) and the result count read on the page."""
    count = -1
    for _ in range(2):
        request()
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    for i in range(n):
        if i >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
        match = _COUNT.search(response.content.decode())  # type: ignore[attr-defined]
        content = response.content.decode()  # type: ignore[attr-defined]
        count = int(match.group(1)) if match else (0 if "Aucun résultat" in content else -1)
    return timings, count


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"postgresql {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version}"
    return connection.vendor


def main() -> None:
    args = parse_args()
    tmpdir = setup_django()
    try:
        from django.conf import settings

        refuse_used_database()
        started = time.perf_counter()
        migrate()
        membership = create_member()
        migrated = time.perf_counter()
        target = fill_persons(membership.structure, args.persons, args.batch_size, random.Random(args.seed))
        from appui.core.text import normalize_phone

        digits = normalize_phone(target["phone"])
        spaced = " ".join(digits[k : k + 2] for k in range(0, 10, 2))
        filled = time.perf_counter()
        # APPUI_DEBUG=1 only provides a development secret key: measure without the debug SQL cursor and
        # query log, as in production.
        settings.DEBUG = False
        client = logged_in_client(membership)
        htmx = {"HTTP_HX_REQUEST": "true"}
        url = "/personnes/"
        kinds: list[tuple[str, dict[str, str], dict[str, str]]] = [
            ("no query (list, page 1)", {}, {}),
            ("last name", {"q": "Lefèvre"}, {}),
            ("last name, no accents", {"q": "lefevre"}, {}),
            ("first last", {"q": "Hélène Lefèvre"}, {}),
            ("birth year", {"q": "1962"}, {}),
            ("name + year", {"q": "lefevre 1962"}, {}),
            ("file number", {"q": target["file_number"]}, {}),
            ("no match", {"q": "zzyzx"}, {}),
            (f"partial '{BROAD_QUERY}'", {"q": BROAD_QUERY}, {}),
            (f"partial '{BROAD_QUERY}', page 2", {"q": BROAD_QUERY, "page": "2"}, {}),
            ("two letters 'le'", {"q": "le"}, {}),
            ("typo 'Lefvre'", {"q": "Lefvre"}, {}),
            ("typo 'Kouasi'", {"q": "Kouasi"}, {}),
            ("typo 'helene lefvre'", {"q": "helene lefvre"}, {}),
            ("phone '06 12 34 56 78'", {"q": spaced}, {}),
            ("phone '+33 6 12 34 56 78'", {"q": "+33 " + spaced[1:]}, {}),
            ("phone, first digits '06 12 3'", {"q": spaced[:7]}, {}),
            ("e-mail", {"q": target["email"].upper()}, {}),
            ("e-mail, beginning", {"q": target["email"].split("@")[0] + "@"}, {}),
            ("htmx: last name, no accents", {"q": "lefevre"}, htmx),
            ("htmx: first last", {"q": "helene lefevre"}, htmx),
            (f"htmx: partial '{BROAD_QUERY}'", {"q": BROAD_QUERY}, htmx),
            ("htmx: typo 'Kouasi'", {"q": "Kouasi"}, htmx),
            ("htmx: no match", {"q": "zzyzx"}, htmx),
        ]
        rows = []
        for kind, params, headers in kinds:
            timings, count = measure(lambda p=params, h=headers: client.get(url, p, **h), args.requests, args.budget)
            rows.append((kind, len(timings), percentile(timings, 50), percentile(timings, 95), max(timings), count))
        measured = time.perf_counter()

        print()
        print(f"Appui person search benchmark — {database_description()}, {args.persons} persons in one structure")
        print(
            f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}, {platform.machine()}, "
            f"page size 20, DEBUG off, CONN_MAX_AGE={settings.DATABASES['default'].get('CONN_MAX_AGE')}, "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (at the end)"
        )
        print(
            f"setup {migrated - started:.1f} s (migrate + member), fill {filled - migrated:.1f} s, "
            f"measure {measured - filled:.1f} s"
        )
        print()
        header = f"{'query kind':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'results':>8}"
        print(header)
        print("-" * len(header))
        for kind, n, p50, p95, worst, count in rows:
            print(f"{kind:<34} {n:>5} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f} {count:>8}")
        slow = [row[0] for row in rows if row[3] > 100]
        print()
        print(f"p95 > 100 ms: {', '.join(slow)}" if slow else "p95 <= 100 ms for every kind of query.")
    finally:
        if tmpdir:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
