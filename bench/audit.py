#!/usr/bin/env python
"""Benchmark of the audit journal: audited reads in parallel, a read beside a held transaction, verification.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appui_bench_audit .venv/bin/python bench/audit.py \\
        [--processes 8] [--requests 300] [--hold 5] [--events 1000000]

Without ``DATABASE_URL`` the benchmark uses a new SQLite file in a temporary directory, removed at the end (SQLite
serialises every write: the parallel figures only mean something on PostgreSQL). With ``DATABASE_URL`` it migrates
that database: give it a new, empty, throwaway database; the script refuses one that already holds tables.

1. Parallel reads: ``--processes`` processes, each a member of its own structure, request their person's page
   ``--requests`` times through Django's test client (middleware, session, audit event, linking step, template).
   Run once with one process, then with all: with a journal that serialises requests, the throughput would not
   grow with the processes.
2. Held transaction: one process reads a person of structure A inside a transaction it keeps open ``--hold``
   seconds; meanwhile another process reads a person of structure B. With the former single-row lock the reads
   of B waited for A (their maximum latency was about ``--hold``); now they do not.
3. Verification: ``--events`` sealed events are written and linked, then ``verify_audit`` checks them all.
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8, help="parallel processes, one structure each (8)")
    parser.add_argument("--requests", type=int, default=300, help="page reads per process (300)")
    parser.add_argument("--hold", type=float, default=5, help="seconds the held transaction stays open (5)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events written, then verified (1000000)")
    return parser.parse_args()


def setup_django() -> str | None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["APPUI_DEBUG"] = "1"
    tmpdir = None
    if not os.environ.get("DATABASE_URL"):
        tmpdir = tempfile.mkdtemp(prefix="appui-bench-audit-")
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
            "ne s'exécute que dans une base neuve et jetable (créez-en une, par exemple `createdb appui_bench_audit`)."
        )


def create_structures(count: int) -> list[tuple[int, int]]:
    """Create ``count`` structures, each with a social worker and a person; return (membership id, person id)."""
    from appui.accounts.enums import Role, StructureType
    from appui.accounts.services import membership_create, structure_create, user_create
    from tests.people.factories import PersonFactory

    pairs = []
    for index in range(count):
        structure = structure_create(name=f"Structure {index}", type=StructureType.CCAS, commune_code="69266")
        user = user_create(email=f"bench{index}@appui.invalid", first_name="Banc", last_name=f"Essai {index}")
        member = membership_create(user=user, structure=structure, role=Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True)
        pairs.append((member.pk, PersonFactory(structure=structure).pk))
    return pairs


def percentile(values: list[float], rank: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(rank / 100 * (len(ordered) - 1))))] * 1000 if ordered else 0.0


def read_person(task: tuple[int, int, int]) -> list[float]:
    """In a worker process: read the person's page ``requests`` times as the member; return the latencies."""
    from django.conf import settings
    from django.db import connections

    from appui.accounts.models import Membership
    from tests.conftest import logged_in_client

    membership_pk, person_pk, requests = task
    settings.DEBUG = False  # measured as in production: no debug SQL cursor
    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host
    client = logged_in_client(Membership.objects.select_related("user").get(pk=membership_pk))
    url = f"/personnes/{person_pk}/"
    assert client.get(url).status_code == 200  # warm-up (imports, templates): not measured
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    connections.close_all()
    return timings


def hold_a_read(task: tuple[int, int, float]) -> float:
    """In a worker process: read a person inside a transaction kept open ``hold`` seconds; return its length."""
    from django.db import connections, transaction

    from appui.accounts.models import Membership
    from appui.people.access import access_person

    membership_pk, person_pk, hold = task
    membership = Membership.objects.select_related("user", "structure").get(pk=membership_pk)
    started = time.perf_counter()
    with transaction.atomic():
        access_person(membership=membership, pk=person_pk)
        time.sleep(hold)
    connections.close_all()
    return time.perf_counter() - started


def parallel_reads(pool, pairs, requests: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    results = pool.map(read_person, [(m, p, requests) for m, p in pairs])
    elapsed = time.perf_counter() - started
    return elapsed, [t for timings in results for t in timings]


def write_events(count: int) -> None:
    """Write ``count`` sealed events as the application would, in transactions of 5,000, each linked on commit."""
    from django.db import transaction
    from django.utils import timezone

    from appui.audit.enums import AuditAction, AuditPurpose
    from appui.audit.models import AuditEvent
    from appui.audit.services import audit_link_pending, seal_event

    for start in range(0, count, 5000):
        with transaction.atomic():
            events = [
                seal_event(
                    actor=None,
                    structure=None,
                    action=AuditAction.PERSON_VIEW,
                    purpose=AuditPurpose.ACCOMPANIMENT,
                    person_id=index,
                    detail={"n": index},
                    created_at=timezone.now(),
                )
                for index in range(start, min(start + 5000, count))
            ]
            AuditEvent.objects.bulk_create(events, batch_size=1000)
        audit_link_pending(only=[e.pk for e in events])


def main() -> None:
    args = parse_args()
    tmpdir = setup_django()
    try:
        from django.core.management import call_command
        from django.db import connection, connections

        from appui.audit.services import audit_verify

        refuse_used_database()
        call_command("migrate", verbosity=0, interactive=False)
        pairs = create_structures(max(args.processes, 2))
        database = f"{connection.vendor} {connection.settings_dict['NAME']}"
        connections.close_all()  # the workers open their own connections
        context = multiprocessing.get_context("fork")

        with context.Pool(1) as pool:
            one_elapsed, one = parallel_reads(pool, pairs[:1], args.requests)
        with context.Pool(args.processes) as pool:
            all_elapsed, many = parallel_reads(pool, pairs[: args.processes], args.requests)
        with context.Pool(2) as pool:
            held = pool.apply_async(hold_a_read, [(pairs[0][0], pairs[0][1], args.hold)])
            time.sleep(min(0.5, args.hold / 4))  # the held transaction has written its event by now
            beside_started = time.perf_counter()
            beside = pool.apply(read_person, [(pairs[1][0], pairs[1][1], 20)])
            beside_elapsed = time.perf_counter() - beside_started
            held_for = held.get()

        written_started = time.perf_counter()
        write_events(args.events)
        written = time.perf_counter() - written_started
        verify_started = time.perf_counter()
        report = audit_verify()
        verified = time.perf_counter() - verify_started

        print()
        print(f"Appui audit journal benchmark — {database}")
        print(
            f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}, {platform.machine()}, DEBUG off, "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (at the end)"
        )
        print()
        header = f"{'scenario':<52} {'n':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        print(header)
        print("-" * len(header))
        for label, elapsed, timings in (
            ("person page, 1 process", one_elapsed, one),
            (f"person page, {args.processes} processes, {args.processes} structures", all_elapsed, many),
            (f"person page beside a transaction held {args.hold:g} s", beside_elapsed, beside),
        ):
            print(
                f"{label:<52} {len(timings):>6} {len(timings) / elapsed:>8.1f} {percentile(timings, 50):>8.1f} "
                f"{percentile(timings, 95):>8.1f} {max(timings) * 1000:>8.1f}"
            )
        print()
        print(f"held transaction lasted {held_for:.1f} s; the 20 reads beside it took {beside_elapsed:.2f} s in all")
        print(
            f"{args.events} events written and linked in {written:.1f} s; verify_audit checked {report.events} "
            f"in {verified:.1f} s ({report.events / verified:,.0f} events/s), intact: {report.intact}"
        )
    finally:
        if tmpdir:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
