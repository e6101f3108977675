#!/usr/bin/env python
"""Load test: the production server (granian + a background worker) on PostgreSQL, under 20 simulated users.

Usage, on a quiet machine, with a new, empty, throwaway PostgreSQL database (its tables are created here; the
script refuses a database that already holds tables)::

    createdb appui_load
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/appui_load

To measure again after a change without filling again, keep the run's folder: ``--keep /tmp/appui-load`` fills
the database and keeps its keys and plan there; the next run with the same ``--keep`` and database reuses them.

Check it at a tiny size (about two minutes)::

    .venv/bin/python bench/load.py --database-url postgres://…/appui_load_small --persons 2000 \\
        --accompaniments 20000 --users 5 --duration 20

1. It fills the database fast (``COPY``, a benchmark fixture: no audit, no per-row validation): one structure,
   ``--users`` social workers each with an authenticator app, ``--persons`` persons (100,000) with their name
   search index, ``--accompaniments`` accompaniments (1,000,000) over two years by these workers.
2. It gathers the static files and starts the production server as ``deploy/`` does: granian (WSGI, whitenoise)
   and one background worker, listening on 127.0.0.1 only, in production settings (``APPUI_DEBUG=0``).
3. It runs Locust headless (``bench/load_locust.py``): each simulated user logs in with the second factor, then
   searches persons, opens records, records accompaniments, opens the rights page and, when the page exists, the
   statistics page, in a realistic mix with 1 to 3 seconds of thought between actions (``--think``). The first
   ``--warm-up`` seconds (20) are not counted; then ``--duration`` seconds (120) are measured.
4. It prints p50 and p95 per kind of page, requests per second and errors, against the targets (every page kind
   p95 under 150 ms, statistics under 1 s, no error). Servers are stopped at the end; the database is left as is.
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import csv
import datetime
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "André", "Mercier", "Dupont",
    "Guérin", "Rousseau", "Chevalier", "François", "Lemaître", "Bénard", "Hébert", "Noël", "Côté", "Crépin",
    "Diallo", "Traoré", "Nguyen", "Haddad", "Benali", "Da Silva", "Pereira", "Kouassi", "Yılmaz", "N'Diaye",
]  # fmt: skip
FIRST_NAMES = [
    "Marie", "Hélène", "Élodie", "Françoise", "Aïcha", "Léa", "Chloé", "Inès", "Océane", "Fatima",
    "Jean", "Gérard", "Stéphane", "Théo", "Sébastien", "Kévin", "René", "Jérôme", "Mamadou", "Youssef",
]  # fmt: skip
COMMUNES = ["69266", "69123", "69029", "69259", "69290", "75056", "13055", "33063"]
THEMES = ["papiers", "logement", "emploi", "sante", "numerique", "budget", "famille", "droits"]
PASSWORD = "charge-appui-2026-banc"  # noqa: S105 (a throwaway benchmark account)
# p95 targets per kind of page, in seconds (the statistics page computes over the whole structure).
TARGETS = {"statistiques": 1.0}
DEFAULT_TARGET = 0.150


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a new, empty PostgreSQL database")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--accompaniments", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20, help="simulated users at once (20)")
    parser.add_argument("--duration", type=int, default=120, help="seconds of measured load (120)")
    parser.add_argument("--warm-up", type=int, default=20, help="seconds of load before measuring (20)")
    parser.add_argument("--think", default="1,3", help="seconds of thought between two actions, min,max (1,3)")
    parser.add_argument("--web-workers", type=int, default=2, help="granian processes (2)")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per granian process (4)")
    parser.add_argument("--statistics-path", default="/statistiques/", help="statistics page, measured if it exists")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the keys, static files and plan in DIR; a later run with the same DIR and database reuses the "
        "filled database instead of filling a new one (to measure again after a change)",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """Return the environment of a production server on this machine (no TLS: loopback only)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "appui.settings",
        "DATABASE_URL": database_url,
        "APPUI_DEBUG": "0",
        "APPUI_SECRET_KEY": secrets.token_urlsafe(48),
        "APPUI_ALLOWED_HOSTS": "127.0.0.1",
        "APPUI_FIELD_KEYS_FILE": str(workdir / "field-keys.json"),
        "APPUI_AUDIT_KEYS_FILE": str(workdir / "audit-keys.json"),
        "APPUI_AUDIT_ANCHOR_DIR": str(workdir / "audit-anchors"),
        "APPUI_STATIC_ROOT": str(workdir / "static"),
        "APPUI_SSL_REDIRECT": "0",
        "APPUI_SECURE_COOKIES": "0",
        "APPUI_CONN_MAX_AGE": "60",
        "APPUI_LOG_LEVEL": "ERROR",
    }


def setup_django(env: dict[str, str], *, reuse: bool = False) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(REPO_ROOT))
    from appui.audit.keys import new_audit_keyring_json
    from appui.core.crypto import new_keyring_json

    if not reuse:
        Path(env["APPUI_FIELD_KEYS_FILE"]).write_text(new_keyring_json(), encoding="utf-8")
        Path(env["APPUI_AUDIT_KEYS_FILE"]).write_text(new_audit_keyring_json(), encoding="utf-8")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Cette mesure se fait sur PostgreSQL : donnez --database-url postgres://…")
    # A reused database (filled by an earlier run with the same --keep folder, whose keys are there) is migrated
    # to the code measured now.
    if not reuse and connection.introspection.table_names():
        sys.exit("La base contient déjà des tables : donnez une base neuve et vide (elle est remplie ici).")

    call_command("migrate", verbosity=0, interactive=False)


# --- Filling ------------------------------------------------------------------------------------------------------
def copy_instances(model, instances) -> None:  # type: ignore[no-untyped-def]
    """Insert model instances with COPY, each value prepared by its field as the ORM would (encryption included)."""
    from django.db import connection
    from django.db.models import AutoField, BigAutoField

    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for instance in instances:
            copy.write_row([f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])


def create_members(count: int):  # type: ignore[no-untyped-def]
    """Create the structure and its social workers, each with a confirmed authenticator; return their logins."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from appui.accounts.enums import Role, StructureType
    from appui.accounts.services import membership_create, structure_create, user_create

    structure = structure_create(name="CCAS de la mesure de charge", type=StructureType.CCAS, commune_code="69266")
    logins, memberships = [], []
    for i in range(count):
        user = user_create(email=f"charge{i}@appui.invalid", first_name="Charge", last_name=f"N{i}")
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        membership = membership_create(
            user=user, structure=structure, role=Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True
        )
        device = TOTPDevice.objects.create(user=user, name="mesure de charge", confirmed=True)
        logins.append({"email": user.email, "password": PASSWORD, "key": base64.b32encode(device.bin_key).decode()})
        memberships.append(membership)
    return structure, memberships, logins


def fill(structure, memberships, persons: int, accompaniments: int, rng: random.Random) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Insert the persons (and their search index) and the accompaniments; return the first and last person id."""
    from django.db import connection, transaction

    from appui.accompaniments.models import Accompaniment
    from appui.core.text import normalize
    from appui.people.models import Person

    try:  # the name search index, as person_create() builds it, when the search uses one
        from appui.people.models import PersonSearchToken
        from appui.people.search_index import person_prefixes
    except ImportError:
        PersonSearchToken = None  # noqa: N806

    today = datetime.date(2026, 11, 1)
    started = time.perf_counter()
    batch = 20_000
    for start in range(0, persons, batch):
        people = []
        for i in range(start, min(start + batch, persons)):
            last = rng.choice(LAST_NAMES) + (f" {rng.randint(2, 99)}" if rng.random() < 0.25 else "")
            first = rng.choice(FIRST_NAMES)
            birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(73 * 365))
            people.append(
                Person(
                    structure=structure,
                    file_number=f"{2000 + i // 100000}-{i % 100000:05d}",
                    last_name=last,
                    first_name=first,
                    birth_date=birth,
                    birth_year=birth.year,
                    informed_at=today - datetime.timedelta(days=rng.randrange(900)),
                    search_text=normalize(f"{last} {first}"),
                    commune_code=rng.choice(COMMUNES),
                    phone=f"06{rng.randrange(10**8):08d}",
                )
            )
        with transaction.atomic():
            copy_instances(Person, people)
            if PersonSearchToken is not None:
                ids = Person.objects.filter(file_number__in=[p.file_number for p in people]).values_list(
                    "file_number", "pk"
                )
                by_number = dict(ids)
                copy_instances(
                    PersonSearchToken,
                    (
                        PersonSearchToken(person_id=by_number[p.file_number], structure_id=structure.pk, prefix=prefix)
                        for p in people
                        for prefix in sorted(person_prefixes(p))
                    ),
                )
        print(f"  {min(start + batch, persons):>9} personnes ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    ids = list(Person.objects.filter(structure=structure).values_list("pk", flat=True))
    authors = [m.user_id for m in memberships]
    from appui.places.models import Place

    place_id = Place.objects.of_structure(structure.pk).order_by("id").values_list("pk", flat=True).first()
    for start in range(0, accompaniments, batch * 5):
        rows = []
        for _ in range(start, min(start + batch * 5, accompaniments)):
            day = today - datetime.timedelta(days=rng.randrange(730))
            rows.append(
                Accompaniment(
                    structure=structure,
                    person_id=rng.choice(ids),
                    author_id=rng.choice(authors),
                    date=day,
                    duration_minutes=rng.choice([15, 20, 30, 45, 60]),
                    place_kind="lieu_activite",
                    place_id=place_id,
                    themes=rng.sample(THEMES, rng.randint(1, 2)),
                    mode=rng.choice(["fait_avec", "information", "orientation"]),
                    notes="Point sur le dossier, pièces à apporter la prochaine fois." if rng.random() < 0.1 else "",
                    follow_up_date=day + datetime.timedelta(days=14) if rng.random() < 0.05 else None,
                )
            )
        with transaction.atomic():
            copy_instances(Accompaniment, rows)
        done = min(start + batch * 5, accompaniments)
        print(f"  {done:>9} accompagnements ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    with connection.cursor() as cursor:  # fresh statistics, as a production database would have
        cursor.execute("ANALYZE")
    return min(ids), max(ids)


# --- Servers and load ---------------------------------------------------------------------------------------------
def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603 (this virtualenv's programs, fixed arguments)
            command, env=env, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_healthy(url: str, processes: list[subprocess.Popen], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("Un serveur s'est arrêté au démarrage (voir ses journaux).")
        try:
            with urllib.request.urlopen(url + "/sante/", timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise RuntimeError("Le serveur n'a pas répondu « ok » sur /sante/.")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def statistics_exists(url: str, path: str) -> bool:
    """Return whether the statistics page exists (a route answers 302 to the login page; an unknown one 404)."""
    request = urllib.request.Request(url + path, method="HEAD")  # noqa: S310 (loopback)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code != 404
    return True


def report(stats_csv: Path, duration: int) -> int:
    """Print p50/p95 per kind of page, requests per second and errors; return the number of missed targets."""
    with stats_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print()
    header = ("Page", "requêtes", "erreurs", "p50 ms", "p95 ms", "req/s", "objectif p95", "")
    lines = []
    missed = 0
    for row in rows:
        name = row["Name"]
        if name == "Aggregated" or row["Request Count"] == "0":
            continue
        target = TARGETS.get(name, DEFAULT_TARGET)
        p95 = float(row["95%"])
        failures = int(row["Failure Count"])
        measured = not name.startswith("connexion")
        ok = not measured or (p95 <= target * 1000 and failures == 0)
        missed += 0 if ok else 1
        lines.append(
            (
                name,
                row["Request Count"],
                row["Failure Count"],
                row["50%"],
                row["95%"],
                f"{float(row['Requests/s']):.1f}",
                f"{target * 1000:.0f}" if measured else "—",
                "" if ok else "NON ATTEINT",
            )
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    lines.append(
        (
            "Total",
            total["Request Count"],
            total["Failure Count"],
            total["50%"],
            total["95%"],
            f"{float(total['Requests/s']):.1f}",
            "",
            "",
        )
    )
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    fmt = "  ".join("{:<" + str(w) + "}" if i == 0 else "{:>" + str(w) + "}" for i, w in enumerate(widths))
    print(fmt.format(*header))  # the logins happened during the warm-up: not counted
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(fmt.format(*line))
    print(
        f"\n{float(total['Requests/s']):.1f} requêtes par seconde sur {duration} s ; "
        f"{total['Failure Count']} erreur(s)."
    )
    return missed + (1 if int(total["Failure Count"]) else 0)


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="appui-bench-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = production_environment(args.database_url, workdir)
    secret_file = workdir / "secret-key"  # the audit chain is keyed from it: the same on a reused database
    if args.keep:
        if not secret_file.exists():
            secret_file.write_text(env["APPUI_SECRET_KEY"], encoding="utf-8")
        env["APPUI_SECRET_KEY"] = secret_file.read_text(encoding="utf-8")
    base_file = workdir / "base.json"
    base = json.loads(base_file.read_text(encoding="utf-8")) if base_file.exists() else None
    if base is not None and base["database_url"] != args.database_url:
        sys.exit(f"{base_file} décrit une autre base ({base['database_url']}).")
    processes: list[subprocess.Popen] = []
    try:
        setup_django(env, reuse=base is not None)
        if base is None:
            print("Remplissage de la base…", file=sys.stderr)
            structure, memberships, logins = create_members(args.users)
            first_id, last_id = fill(structure, memberships, args.persons, args.accompaniments, rng)
            base = {"database_url": args.database_url, "logins": logins, "first": first_id, "last": last_id}
            base.update(persons=args.persons, accompaniments=args.accompaniments)
            if args.keep:
                base_file.write_text(json.dumps(base), encoding="utf-8")
        else:
            print("Base déjà remplie par une mesure précédente : réutilisée.", file=sys.stderr)
            logins, first_id, last_id = base["logins"][: args.users], base["first"], base["last"]
            args.persons, args.accompaniments = base["persons"], base["accompaniments"]
        from django.core.management import call_command
        from django.db import connections

        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        granian = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(args.web_workers), "--blocking-threads", str(args.web_threads), "--no-ws",
                   "--no-access-log", "appui.wsgi:application"]  # fmt: skip
        processes.append(start(granian, env, workdir / "web.log"))
        processes.append(start([sys.executable, "manage.py", "run_worker"], env, workdir / "worker.log"))
        print(f"Serveur de production sur {url} (préchauffage d'OpenFisca)…", file=sys.stderr)
        wait_healthy(url, processes)
        plan = {
            "logins": logins,
            "first_person": first_id,
            "last_person": last_id,
            "names": [name.lower()[:n] for name in LAST_NAMES for n in (3, len(name))],
            "statistics": args.statistics_path if statistics_exists(url, args.statistics_path) else "",
        }
        (workdir / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        print(f"Charge : {args.users} utilisateurs pendant {args.duration} s…", file=sys.stderr)
        locust = subprocess.run(  # noqa: S603 (this virtualenv's Locust, fixed arguments)
            [str(BIN / "locust"), "-f", str(REPO_ROOT / "bench" / "load_locust.py"), "--headless", "--host", url,
             "--users", str(args.users), "--spawn-rate", str(args.users),
             "--run-time", f"{args.duration + args.warm_up}s",
             "--stop-timeout", "10", "--csv", str(workdir / "stats"), "--only-summary", "--loglevel", "WARNING"],
            env={
                **os.environ,
                "APPUI_LOAD_PLAN": str(workdir / "plan.json"),
                "APPUI_LOAD_WARMUP": str(args.warm_up),
                "APPUI_LOAD_WAIT": args.think,
            },
            cwd=REPO_ROOT,
            check=False,
        )  # fmt: skip
        if not plan["statistics"]:
            print(f"(page de statistiques {args.statistics_path} absente : non mesurée)")
        print(
            f"Base : {args.persons:,} personnes, {args.accompaniments:,} accompagnements ; granian "
            f"{args.web_workers} processus × {args.web_threads} fils, 1 processus de tâches de fond".replace(",", " ")
        )
        missed = report(workdir / "stats_stats.csv", args.duration)
        return 1 if missed or locust.returncode not in (0, 1) else 0
    finally:
        stop(processes)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
