#!/usr/bin/env python
"""Benchmark of the statistics: the page of one structure over a year, the territory page, the API, and the
full activities export.

Usage::

    .venv/bin/python bench/statistics.py --accompaniments 20000 --persons 2000          # a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appui_bench .venv/bin/python bench/statistics.py

The default size is the target: 1,000,000 accompaniments and 100,000 persons over 24 months in 10 structures of
the Rhône that share their figures with the département's coordination. Without ``DATABASE_URL`` the benchmark
uses a new SQLite file in a temporary directory, removed at the end. With ``DATABASE_URL`` it migrates that
database: give it a new, empty, throwaway database (the script refuses one that already holds tables).

The fixture is written by a bulk generator, not by the services (no audit, no validation): persons with
``bulk_create``; activities and their participations with COPY on PostgreSQL and ``executemany`` on SQLite,
in chronological order so that each person's first activity is marked as the services would; then the daily
roll-ups are built by ``rebuild_days``, as the services keep them. About 5 % of the
activities are workshops of 3 to 12 participants. Then it requests the pages through Django's test client
logged in (second factor included), end to end, and prints p50/p95; and it streams the CSV export of every
activity of the 24 months (the export function the page streams, over all structures), reporting its time
and the peak resident memory of the process during the export (sampled every 10 ms, with psutil).
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import datetime
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COMMUNES = ["69266", "69123", "69259", "69290", "69029", "69034", "69256", "69282", "69383", "69387"]
THEMES = [
    "materiel", "navigation", "email", "bureautique", "reseaux_sociaux", "sante_numerique", "banque_achats",
    "securite", "papiers", "famille", "social_sante", "travail", "logement", "argent", "etrangers", "transports",
]  # fmt: skip
EQUIPMENT = [["ordinateur"], ["telephone"], ["ordinateur", "telephone"], ["tablette"], ["aucun"], []]
MODES = ["fait_avec"] * 6 + ["information"] * 3 + ["orientation"]
DURATIONS = [15, 15, 30, 30, 30, 45, 60, 60, 90, 120]
BANDS = ["18-24", "25-39", "25-39", "40-59", "40-59", "60-69", "70+"]
STATUSES = ["", "sans_emploi", "en_emploi", "retraite", "scolarise"]
GENDERS = ["feminin", "feminin", "masculin", ""]
MIN_REQUESTS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accompaniments", type=int, default=1_000_000, help="activities (1000000)")
    parser.add_argument("--persons", type=int, default=100_000, help="persons (100000)")
    parser.add_argument("--structures", type=int, default=10, help="structures (10)")
    parser.add_argument("--months", type=int, default=24, help="months of activity, up to today (24)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (30)")
    parser.add_argument("--budget", type=float, default=60, help="seconds of measurement per page (60)")
    parser.add_argument("--xlsx", action="store_true", help="also time the XLSX export of one structure's year")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def setup_django() -> str | None:
    # This script is named like the standard library's "statistics" module, which Django's SQLite backend
    # imports: keep the script's own folder off the import path.
    here = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
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


def create_structures(count: int):  # type: ignore[no-untyped-def]
    """Create the structures (sharing with the département), their places and 10 members each."""
    from django.core.management import call_command

    from appui.accounts.enums import Role, StructureType
    from appui.accounts.services import membership_create, structure_create, user_create
    from appui.places.models import Place
    from appui.places.services import OWN_PLACES_SOURCE
    from appui.reporting.models import StatisticsSharing

    call_command("migrate", verbosity=0, interactive=False)
    structures = []
    for i in range(count):
        structure = structure_create(
            name=f"Structure {i + 1} du banc d'essai", type=StructureType.CCAS, commune_code=COMMUNES[i % len(COMMUNES)]
        )
        StatisticsSharing.objects.create(structure=structure, with_departement=True, with_epci=True)
        for name in ("Antenne nord", "Antenne sud"):
            Place.objects.create(
                structure=structure,
                name=name,
                commune_code=structure.commune_code,
                source=OWN_PLACES_SOURCE,
                source_id=uuid.uuid4().hex,
            )
        members = [
            membership_create(
                user=user_create(email=f"m{i}-{j}@appui.invalid", first_name="Membre", last_name=f"{i}-{j}"),
                structure=structure,
                role=Role.RESPONSABLE if j == 0 else Role.MEDIATEUR,
                bound_by_secrecy=True,
            )
            for j in range(10)
        ]
        structures.append(
            (structure, members, list(Place.objects.of_structure(structure.pk).values_list("pk", flat=True)))
        )
    return structures


def fill_persons(structures, count: int, rng: random.Random) -> dict[int, list[tuple]]:  # type: ignore[no-untyped-def]
    """Insert the persons; return, per structure, (id, followed, gender, band, status, commune) of each."""
    from appui.people.models import Person

    result: dict[int, list[tuple]] = {}
    per_structure = count // len(structures)
    today = datetime.date.today()
    for index, (structure, _, _) in enumerate(structures):
        batch = []
        for i in range(per_structure):
            anonymous = rng.random() < 0.1
            batch.append(
                Person(
                    structure=structure,
                    file_number=f"B-{index}-{i:06d}",
                    is_anonymous=anonymous,
                    last_name="" if anonymous else f"Nom{i}",
                    first_name="" if anonymous else "Prénom",
                    birth_year=None if anonymous else 1940 + rng.randrange(65),
                    age_band=rng.choice(BANDS) if anonymous else "",
                    gender=rng.choice(GENDERS),
                    commune_code=rng.choice(COMMUNES),
                    informed_at=None if anonymous else today,
                )
            )
        created = Person.objects.bulk_create(batch, batch_size=5000)
        result[structure.pk] = [
            (p.pk, not p.is_anonymous, p.gender, p.age_band or rng.choice(BANDS), rng.choice(STATUSES), p.commune_code)
            for p in created
        ]
    return result


ACTIVITY_COLUMNS = (
    "id", "structure_id", "person_id", "author_id", "date", "duration_minutes", "place_kind", "place_id",
    "place_commune_code", "remote_channel", "kind", "participants", "workshop_title", "workshop_level", "equipment",
    "themes", "online_services", "mode", "autonomy", "procedure_status", "referred_to", "outcome", "next_step",
    "follow_up_date", "follow_up_done", "notes", "notes_under_secrecy", "private_note", "created_at", "updated_at",
    "row_uid", "version",
)  # fmt: skip
PARTICIPATION_COLUMNS = (
    "id", "accompaniment_id", "structure_id", "date", "person_id", "followed", "gender", "age_band", "social_status",
    "commune_code", "is_first",
)  # fmt: skip


def generate(structures, persons, total: int, months: int, rng: random.Random) -> Iterator[tuple[tuple, list[tuple]]]:  # type: ignore[no-untyped-def]
    """Yield (activity row, participation rows) in chronological order, ids from 1."""
    from django.utils import timezone

    today = datetime.date.today()
    start = today - datetime.timedelta(days=months * 30)
    days = (today - start).days + 1
    seen: set[int] = set()
    activity_id = participation_id = 0
    now = timezone.now()
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        for _ in range(total // days + (1 if offset < total % days else 0)):
            structure, members, places = rng.choice(structures)
            people = persons[structure.pk]
            activity_id += 1
            workshop = rng.random() < 0.05
            where = rng.random()
            place_kind, place_id, commune, channel = "lieu_activite", rng.choice(places), "", ""
            if where > 0.9:
                place_kind, place_id, channel = "a_distance", None, "telephone"
            elif where > 0.85:
                place_kind, place_id, commune = "domicile", None, rng.choice(COMMUNES)
            beneficiaries = rng.sample(people, k=rng.randint(0, 3)) if workshop else [rng.choice(people)]
            anonymous = rng.randint(3, 9) if workshop else 0
            themes = rng.sample(THEMES, k=rng.choice([1, 1, 2]))
            activity = (
                activity_id, structure.pk, None if workshop else beneficiaries[0][0], rng.choice(members).user_id,
                day, rng.choice(DURATIONS), place_kind, place_id, commune, channel,
                "collectif" if workshop else "individuel", len(beneficiaries) + anonymous,
                "Atelier" if workshop else "", "", json.dumps(rng.choice(EQUIPMENT)), json.dumps(themes), "[]",
                "fait_avec" if workshop else rng.choice(MODES), "", "", "", "", "", None, False, "", True, "", now, now,
                uuid.UUID(int=rng.getrandbits(128), version=4), 1,
            )  # fmt: skip
            rows = []
            for pid, followed, gender, band, status, home in beneficiaries:
                participation_id += 1
                rows.append(
                    (participation_id, activity_id, structure.pk, day, pid, followed, gender, band, status, home,
                     pid not in seen)
                )  # fmt: skip
                seen.add(pid)
            for _ in range(anonymous):
                participation_id += 1
                rows.append(
                    (participation_id, activity_id, structure.pk, day, None, False, rng.choice(GENDERS), "", "", "",
                     True)
                )  # fmt: skip
            yield activity, rows


def fill_activities(structures, persons, total: int, months: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection, transaction

    activity_table = "accompaniments_accompaniment"
    participation_table = "accompaniments_participation"
    rows = generate(structures, persons, total, months, rng)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(connection, activity_table, participation_table, rows)
        else:
            _executemany(connection, activity_table, participation_table, rows)
    from appui.reporting.rollups import rebuild_days

    with transaction.atomic():
        rebuild_days()  # the daily roll-ups, as the services keep them
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (activity_table, participation_table):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
    # Vacuumed and analysed, as autovacuum keeps a production database (index-only scans need the visibility map).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _copy(connection, activity_table, participation_table, rows) -> None:  # type: ignore[no-untyped-def]
    """Write with two COPY streams through a buffer of participations (psycopg 3)."""
    participations: list[tuple] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {activity_table} ({', '.join(ACTIVITY_COLUMNS)}) FROM STDIN") as copy:
            for activity, people in rows:
                copy.write_row(activity)
                participations.extend(people)
        with raw.copy(f"COPY {participation_table} ({', '.join(PARTICIPATION_COLUMNS)}) FROM STDIN") as copy:
            for row in participations:
                copy.write_row(row)


def _executemany(connection, activity_table, participation_table, rows) -> None:  # type: ignore[no-untyped-def]
    activities: list[tuple] = []
    participations: list[tuple] = []

    def flush(cursor) -> None:  # type: ignore[no-untyped-def]
        marks = ", ".join(["%s"] * len(ACTIVITY_COLUMNS))
        insert = f"INSERT INTO {activity_table} ({', '.join(ACTIVITY_COLUMNS)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(insert, activities)
        marks = ", ".join(["%s"] * len(PARTICIPATION_COLUMNS))
        insert = f"INSERT INTO {participation_table} ({', '.join(PARTICIPATION_COLUMNS)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(insert, participations)
        activities.clear()
        participations.clear()

    with connection.cursor() as cursor:
        for activity, people in rows:
            activities.append(activity)
            participations.extend(people)
            if len(activities) >= 20_000:
                flush(cursor)
        flush(cursor)


def logged_in_client(user, membership=None):  # type: ignore[no-untyped-def]
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp

    from appui.accounts.second_factor import totp_enrollment_confirm, totp_enrollment_start
    from appui.web.middleware import SESSION_KEY

    device = totp_enrollment_start(user=user)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
    assert totp_enrollment_confirm(user=user, device=device, token=token) is not None
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    if membership is not None:
        session[SESSION_KEY] = membership.pk
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(request: Callable[[], object], n: int, budget: float) -> list[float]:
    request()  # warm-up
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    for i in range(n):
        if i >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return timings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


class PeakMemory:
    """Sample the process's resident memory every 10 ms while the block runs."""

    def __enter__(self) -> "PeakMemory":
        import psutil

        self.process = psutil.Process()
        self.baseline = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def export_all(structures, months: int) -> tuple[int, float, int, int, int]:  # type: ignore[no-untyped-def]
    """Stream the CSV of every activity of every structure; return rows, seconds, bytes, peak and baseline RSS."""
    from appui.reporting.exports import activity_rows, csv_stream
    from appui.reporting.statistics import Filters, Scope, activities_in

    today = datetime.date.today()
    scope = Scope(structure_ids=tuple(s.pk for s, _, _ in structures))
    filters = Filters(start=today - datetime.timedelta(days=months * 31), end=today)
    size = rows = 0
    with PeakMemory() as memory:
        start = time.perf_counter()
        counted = (
            row
            for row in activity_rows(
                activities_in(scope, filters), structure_id=structures[0][0].pk, may_open_archived=False
            )
        )
        for chunk in csv_stream(counted):
            size += len(chunk)
            rows += chunk.count(b"\r\n")
        seconds = time.perf_counter() - start
    return rows - 1, seconds, size, memory.peak, memory.baseline


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"postgresql {version // 10000}.{version % 10000}"
    import sqlite3

    return f"sqlite {sqlite3.sqlite_version}"


def main() -> None:
    args = parse_args()
    tmpdir = setup_django()
    try:
        from django.conf import settings

        from appui.accompaniments.models import Accompaniment, Participation
        from appui.reporting.models import TerritoryCoordination

        refuse_used_database()
        rng = random.Random(args.seed)
        started = time.perf_counter()
        structures = create_structures(args.structures)
        persons = fill_persons(structures, args.persons, rng)
        filled_persons = time.perf_counter()
        fill_activities(structures, persons, args.accompaniments, args.months, rng)
        filled = time.perf_counter()
        settings.DEBUG = False  # measure without the debug cursor and query log, as in production
        structure, members, _ = structures[0]
        manager = logged_in_client(members[0].user, members[0])
        coordinator = members[1].user.__class__.objects.create_user(
            "coordination@appui.invalid", first_name="C", last_name="T"
        )
        TerritoryCoordination.objects.create(user=coordinator, territory_kind="departement", territory_code="69")
        coordination = logged_in_client(coordinator)
        last_year = (datetime.date.today() - datetime.timedelta(days=200)).isoformat()
        year = {"periode": "annee", "jour": last_year}
        pages = [
            ("statistics page, 1 structure, 1 year", lambda: manager.get("/statistiques/", year)),
            ("statistics page, 1 structure, 1 month", lambda: manager.get("/statistiques/")),
            ("API statistics, 1 structure, 1 year", lambda: manager.get(
                "/api/v1/statistics/", {"du": f"{last_year[:4]}-01-01", "au": f"{last_year[:4]}-12-31"})),
            (
                f"territory page, {args.structures} structures, 1 year",
                lambda: coordination.get("/statistiques/territoire/", year),
            ),
        ]  # fmt: skip
        rows = []
        for name, request in pages:
            timings = measure(request, args.requests, args.budget)
            rows.append((name, len(timings), percentile(timings, 50), percentile(timings, 95), max(timings)))
        measured = time.perf_counter()
        exported, seconds, size, peak, baseline = export_all(structures, args.months)
        xlsx = None
        if args.xlsx:
            with PeakMemory() as memory:
                start = time.perf_counter()
                response = manager.get("/statistiques/export.xlsx", year)
                length = sum(len(chunk) for chunk in response.streaming_content)
                xlsx = (time.perf_counter() - start, length, memory.peak - memory.baseline)

        print()
        print(
            f"Appui statistics benchmark — {database_description()}, {Accompaniment.objects.count()} activities, "
            f"{Participation.objects.count()} participations, {args.persons} persons, {args.structures} structures, "
            f"{args.months} months"
        )
        print(
            f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}, {platform.machine()}, DEBUG off, "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (at the end)"
        )
        print(
            f"setup + persons {filled_persons - started:.1f} s, activities {filled - filled_persons:.1f} s, "
            f"pages {measured - filled:.1f} s"
        )
        print()
        header = f"{'page':<44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        print(header)
        print("-" * len(header))
        for name, n, p50, p95, worst in rows:
            print(f"{name:<44} {n:>4} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f}")
        print()
        print(
            f"CSV export of every activity ({args.months} months, all structures): {exported} rows, {seconds:.1f} s "
            f"({exported / seconds:,.0f} rows/s), {size / 1e6:.0f} MB, peak RSS {peak / 2**20:.0f} MiB "
            f"(+{(peak - baseline) / 2**20:.0f} MiB during the export)"
        )
        if xlsx:
            print(
                f"XLSX export of one structure's year: {xlsx[0]:.1f} s, {xlsx[1] / 1e6:.1f} MB, "
                f"+{xlsx[2] / 2**20:.0f} MiB"
            )

    finally:
        if tmpdir:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
