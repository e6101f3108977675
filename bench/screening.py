#!/usr/bin/env python
"""Benchmark of the rights screening: one household, and a whole caseload.

Usage::

    .venv/bin/python bench/screening.py [--single 60] [--webapi 30] [--simulator 8] [--sizes 1000,10000,100000]
        [--job-size 100000] [--job-workers 1,2] [--small-runs 20] [--parts abcd] [--database-url postgres://…]

Check it at a small size (a few minutes on a busy machine)::

    .venv/bin/python bench/screening.py --single 5 --webapi 3 --simulator 2 --sizes 1000 --job-size 2000 \
        --small-runs 3

Full measurement, on a quiet machine, with a throwaway PostgreSQL database (its tables are created here)::

    createdb appui_bench && DATABASE_URL=postgres://postgres@127.0.0.1/appui_bench .venv/bin/python bench/screening.py

It prints, side by side in one run:

(a) one household the way public web simulators do it: one ``POST /calculate`` per situation to a local OpenFisca
    Web API (``openfisca serve``, started here on 127.0.0.1, one gunicorn worker, warmed, stopped at the end):
    (a1) the situation a simulator form produces (this month, resources of the last 3 months, no benefits of past
         months, no revenu fiscal de référence: OpenFisca recomputes the past), and
    (a2) the complete situation Appui builds, sent the same way (same inputs as (b), through HTTP and JSON);
(b) Appui's interactive screening of one household: (b1) the screening itself, in process, and (b2) the whole
    ``POST /api/v1/rights/screenings/`` request through Django (token, JSON in and out) on a throwaway SQLite file;
(c) caseload screenings of 1,000, 10,000 and 100,000 households read from a generated CSV file: chunks of 10,000
    households, one array simulation each, in one forked process per core (the computation alone);
(d) the background job as it runs in production, with 1 then 2 warm worker processes (``manage.py run_worker``,
    started here and stopped at the end): the latency of a small caseload (24 households, the job page's way:
    from the job's creation to its results stored), then the full job at 100,000 households (``--job-size``):
    the file read once and cut into chunk tasks, each chunk screened by a worker, its results encrypted there and
    stored in bulk (``COPY`` on PostgreSQL). Time is from the job's creation to its last result stored; memory is
    the sum of the workers' RSS (and PSS).

Latencies are wall-clock times (p50, p95); throughput is households per second; peak memory is sampled every
50 ms over the process tree (sum of RSS, and sum of PSS which counts shared copy-on-write pages once).
Nothing is downloaded; the Web API server listens on 127.0.0.1 only.
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import csv
import datetime
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2026-11"
COMMUNES = ["69266", "69123", "75056", "75111", "13055", "59350", "33063", "31555", "44109", "67482", "2A004", "97411"]
HOUSING = ["locataire_prive", "locataire_hlm", "locataire_meuble", "foyer", "proprietaire", "heberge", "sans_domicile"]
TARGETS = {
    "single_p95": 0.5,
    "speedup": 5.0,
    "rate": 8000.0,
    "seconds_100k": 15.0,
    "memory_mb": 1500.0,
    "job_seconds_100k": 10.0,
    "job_memory_mb": 1500.0,
    "small_job_seconds": 1.0,
}
SMALL_JOB = 24


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=60, help="single screenings measured in process (60)")
    parser.add_argument("--webapi", type=int, default=30, help="Web API requests with Appui's situation (30)")
    parser.add_argument("--simulator", type=int, default=8, help="Web API requests, simulator-style (8)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="caseload sizes (1000,10000,100000)")
    parser.add_argument("--job-size", type=int, default=100_000, help="households of the full background job (100000)")
    parser.add_argument("--job-workers", default="1,2", help="worker processes for the background job (1,2)")
    parser.add_argument("--small-runs", type=int, default=20, help="small caseloads timed per worker count (20)")
    parser.add_argument("--parts", default="abcd", help="parts to run, among a, b, c, d (abcd)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="database of part (d) (default: $DATABASE_URL, else a throwaway SQLite file); PostgreSQL: COPY",
    )
    parser.add_argument("--workers", type=int, default=0, help="caseload worker processes (default: one per core)")
    parser.add_argument("--port", type=int, default=0, help="port of the local OpenFisca Web API (default: free)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- Process-tree memory sampling ------------------------------------------------------------------------------
class MemorySampler:
    """Sample the memory of this process and its children: RSS every 50 ms (cheap), PSS every 0.5 s.

    PSS (proportional set size) counts the copy-on-write pages that the forked workers share with the parent once;
    RSS counts them in every process, an upper bound. Reading PSS walks the page tables of each process: doing it
    20 times a second would steal a core from the workers being measured.
    """

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, pss: bool) -> None:
        import psutil

        total_rss = total_pss = 0
        for proc in [self.process, *self.process.children(recursive=True)]:
            try:
                if pss:
                    info = proc.memory_full_info()
                    total_pss += getattr(info, "pss", info.rss)
                else:
                    info = proc.memory_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total_rss += info.rss
        self.peak_rss = max(self.peak_rss, total_rss / 2**20)
        if pss:
            self.peak_pss = max(self.peak_pss, total_pss / 2**20)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            self._sample(pss=tick % 10 == 0)
            tick += 1
            self._stop.wait(0.05)

    def __enter__(self) -> "MemorySampler":
        self._sample(pss=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(pss=True)


# --- Households --------------------------------------------------------------------------------------------------
def random_answers(rng: random.Random):  # type: ignore[no-untyped-def]
    """Return a household with complete answers (singles, couples, children, pensioners, disabled adults…)."""
    from appui.rights.situation import AdultAnswers, ChildAnswers, HouseholdAnswers

    adults = []
    for _ in range(rng.choice([1, 1, 2])):
        activity = rng.choice(["actif", "actif", "chomeur", "inactif", "retraite", "etudiant"])
        age = rng.randint(62, 88) if activity == "retraite" else rng.randint(19, 64)
        resources = {}
        if activity == "actif":
            resources["salaire"] = round(rng.uniform(300, 2600), 2)
        elif activity == "chomeur":
            resources["chomage"] = round(rng.uniform(0, 1300), 2)
        elif activity == "retraite":
            resources["retraite"] = round(rng.uniform(400, 1800), 2)
        adults.append(
            AdultAnswers(
                label="adulte",
                birth_date=datetime.date(2026 - age, rng.randint(1, 12), rng.randint(1, 28)),
                activity=activity,
                resources=resources,
                disability=rng.choice(["aucun"] * 8 + ["50_79", "80_plus"]),
                ass_condition=rng.random() < 0.5,
            )
        )
    children = [
        ChildAnswers(
            label="enfant",
            birth_date=datetime.date(rng.randint(2008, 2026), rng.randint(1, 10), rng.randint(1, 28)),
            schooling=None,
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3]) if adults[0].activity != "retraite" else 0)
    ]
    housing = rng.choice(HOUSING)
    return HouseholdAnswers(
        adults=adults,
        children=children,
        housing_status=housing,
        rent=round(rng.uniform(250, 1100), 2) if housing.startswith("locataire") or housing == "foyer" else 0.0,
        commune_code=rng.choice(COMMUNES),
        rfr=float(round(12 * 0.9 * sum(sum(a.resources.values()) for a in adults))),
        benefits_received=rng.choice([{}, {}, {"aide_logement": 180.0}, {"allocations_familiales": 149.89}]),
    )


CSV_HEADER = [
    "reference",
    "date_naissance",
    "activite",
    "salaire",
    "chomage",
    "retraite",
    "taux_incapacite",
    "conjoint_date_naissance",
    "conjoint_activite",
    "conjoint_salaire",
    "conjoint_chomage",
    "conjoint_retraite",
    "enfants_dates_naissance",
    "logement",
    "loyer",
    "code_commune",
    "rfr",
    "prestations_percues",
]


def caseload_csv(count: int, rng: random.Random) -> str:
    """Return a caseload CSV of ``count`` households: about 3 % with unknown cells, 0.2 % of bad rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    for i in range(count):
        answers = random_answers(rng)
        first = answers.adults[0]
        spouse = answers.adults[1] if len(answers.adults) > 1 else None

        def money(value: float) -> str:
            return f"{value:.2f}".replace(".", ",")

        row = [
            f"F-{i:06d}",
            first.birth_date.strftime("%d/%m/%Y"),
            {"actif": "salarie", "chomeur": "demandeur_emploi", "inactif": "sans_activite"}.get(
                first.activity, first.activity
            ),
            money(first.resources.get("salaire", 0)),
            money(first.resources.get("chomage", 0)),
            money(first.resources.get("retraite", 0)),
            {"aucun": "0", "50_79": "60", "80_plus": "80"}[first.disability],
            spouse.birth_date.isoformat() if spouse else "",
            spouse.activity if spouse else "",
            money(spouse.resources.get("salaire", 0)) if spouse else "",
            money(spouse.resources.get("chomage", 0)) if spouse else "",
            money(spouse.resources.get("retraite", 0)) if spouse else "",
            "|".join(c.birth_date.strftime("%d/%m/%Y") for c in answers.children),
            answers.housing_status,
            money(answers.rent or 0),
            answers.commune_code,
            f"{answers.rfr:.0f}",
            "|".join(f"{k}={money(v)}" for k, v in answers.benefits_received.items()) or "aucune",
        ]
        if rng.random() < 0.03:  # unknown resources and rfr: assumptions
            row[3:6] = ["", "", ""]
            row[16] = ""
        if rng.random() < 0.002:  # a bad row, reported with its line
            row[1] = "31/02/1980"
        writer.writerow(row)
    return buffer.getvalue()


def simulator_situation(situation) -> dict:  # type: ignore[no-untyped-def]
    """Return the JSON a public simulator sends: this month, resources of the last 3 months, nothing else past."""
    from appui.rights.engine import benefit_variables
    from appui.rights.engine.inputs import past_months
    from appui.rights.engine.webapi import INDIVIDUAL_VARIABLES, MENAGE_VARIABLES

    month = situation.period
    last_3 = past_months(month)[-3:] + [month]
    individus = {}
    for person in situation.persons:
        values = {
            "date_naissance": {"ETERNITY": person.birth_date.isoformat()},
            "activite": {month: person.activity},
            "taux_incapacite": {month: person.disability_rate},
            "scolarite": {month: person.schooling},
            "salaire_net": dict.fromkeys(last_3, person.resource("salaire")),
            "chomage_net": dict.fromkeys(last_3, person.resource("chomage")),
            "retraite_nette": dict.fromkeys(last_3, person.resource("retraite")),
        }
        individus[person.key] = values
    adults = [p.key for p in situation.adults]
    children = [p.key for p in situation.children]
    body = {
        "individus": individus,
        "familles": {"famille": {"parents": adults, "enfants": children}},
        "foyers_fiscaux": {"foyer_fiscal": {"declarants": adults, "personnes_a_charge": children}},
        "menages": {
            "menage": {
                "personne_de_reference": adults[:1],
                "conjoint": adults[1:],
                "enfants": children,
                "statut_occupation_logement": {month: situation.housing},
                "loyer": {month: situation.rent},
                "depcom": {month: situation.depcom},
            }
        },
    }
    for _, variable, unit in benefit_variables():
        asked = {month if unit == "month" else month[:4]: None}
        if variable in INDIVIDUAL_VARIABLES:
            for person in body["individus"].values():
                person[variable] = asked
        elif variable in MENAGE_VARIABLES:
            body["menages"]["menage"][variable] = asked
        else:
            body["familles"]["famille"][variable] = asked
    return body


# --- Measurements --------------------------------------------------------------------------------------------------
def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web_api(port: int) -> subprocess.Popen:
    command = [
        str(REPO_ROOT / ".venv" / "bin" / "openfisca"),
        "serve",
        "--country-package",
        "openfisca_france",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    server = subprocess.Popen(  # noqa: S603 (fixed command, local interpreter)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/spec", timeout=5):  # noqa: S310
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None:
                raise RuntimeError("openfisca serve s'est arrêté au démarrage.") from None
            time.sleep(0.5)
    stop_web_api(server)
    raise RuntimeError("openfisca serve n'a pas répondu en 3 minutes.")


def stop_web_api(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 (127.0.0.1 only)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
        return json.load(response)


def timed(function, items) -> list[float]:  # type: ignore[no-untyped-def]
    timings = []
    for item in items:
        start = time.perf_counter()
        function(item)
        timings.append(time.perf_counter() - start)
    return timings


def setup_django(database_url: str) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["APPUI_DEBUG"] = "1"
    tmpdir = tempfile.mkdtemp(prefix="appui-bench-screening-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmpdir}/bench.sqlite3"
    keys = Path(tmpdir) / "field-keys.json"
    os.environ.setdefault("APPUI_FIELD_KEYS_FILE", str(keys))
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    try:
        from appui.core.crypto import new_keyring_json, reset_keyring

        if not keys.exists():
            keys.write_text(new_keyring_json(), encoding="utf-8")
        reset_keyring()
    except ImportError:
        pass
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return tmpdir


def api_client():  # type: ignore[no-untyped-def]
    from django.test import Client

    from appui.accounts.enums import Role, StructureType
    from appui.accounts.services import api_token_create, membership_create, structure_create, user_create

    structure = structure_create(name="CCAS du banc d'essai", type=StructureType.CCAS, commune_code="69266")
    # One account per run: the same database can be measured again.
    user = user_create(email=f"bench-{time.time_ns()}@appui.invalid", first_name="Banc", last_name="Essai")
    membership = membership_create(user=user, structure=structure, role=Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True)
    _, raw = api_token_create(membership=membership, name="banc d'essai")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}", HTTP_HOST="localhost"), membership


def api_body(answers) -> dict:  # type: ignore[no-untyped-def]
    return {
        "period": PERIOD,
        "adults": [
            {
                "birth_date": a.birth_date.isoformat(),
                "activity": a.activity,
                "resources": a.resources,
                "disability": a.disability,
                "ass_condition": a.ass_condition,
            }
            for a in answers.adults
        ],
        "children": [{"birth_date": c.birth_date.isoformat()} for c in answers.children],
        "housing_status": answers.housing_status,
        "rent": answers.rent,
        "commune_code": answers.commune_code,
        "rfr": answers.rfr,
        "benefits_received": answers.benefits_received,
    }


# --- (d) The background job with warm workers -----------------------------------------------------------------------
class Workers:
    """Worker processes (``manage.py run_worker``) started for the measurement, sharing the bench's database."""

    def __init__(self, count: int, log_dir: Path) -> None:
        self.ids = [f"banc-{count}-{i}" for i in range(1, count + 1)]
        self.processes = []
        for worker_id in self.ids:
            with (log_dir / f"{worker_id}.log").open("w") as log:
                self.processes.append(
                    subprocess.Popen(  # noqa: S603 (this interpreter, manage.py)
                        [
                            sys.executable,
                            str(REPO_ROOT / "manage.py"),
                            "run_worker",
                            "--no-schedule",
                            "--worker-id",
                            worker_id,
                        ],
                        cwd=REPO_ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

    def wait_ready(self, timeout: float = 900) -> float:
        """Wait until every worker has built and warmed its engine; return how long it took."""
        from appui.runtime.enums import WorkerState
        from appui.runtime.models import WorkerHeartbeat

        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            ready = WorkerHeartbeat.objects.filter(worker_id__in=self.ids).exclude(state=WorkerState.STARTING)
            if ready.count() == len(self.ids):
                return time.perf_counter() - started
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError("Un processus de calcul s'est arrêté au démarrage (voir ses journaux).")
            time.sleep(0.2)
        raise RuntimeError("Les processus de calcul ne sont pas prêts.")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class ProcessMemory(MemorySampler):
    """Peak memory of given processes only (the workers), not of this process."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__()
        import psutil

        self.targets = [psutil.Process(pid) for pid in pids]

    def _sample(self, pss: bool) -> None:
        import psutil

        total_rss = total_pss = 0
        for proc in self.targets:
            try:
                info = proc.memory_full_info() if pss else proc.memory_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total_rss += info.rss
            total_pss += getattr(info, "pss", info.rss)
        self.peak_rss = max(self.peak_rss, total_rss / 2**20)
        if pss:
            self.peak_pss = max(self.peak_pss, total_pss / 2**20)


def run_job(membership, text: str, *, poll: float) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Create a caseload job as the web page does and wait for its last result; return the wall time and the job."""
    from appui.rights import services
    from appui.rights.enums import CaseloadSource, CaseloadStatus
    from appui.rights.models import CaseloadScreening

    start = time.perf_counter()
    job = services.caseload_screening_create(membership=membership, source=CaseloadSource.CSV, csv_text=text)
    while True:
        status = CaseloadScreening.objects.values_list("status", flat=True).get(pk=job.pk)
        if status in {CaseloadStatus.DONE, CaseloadStatus.FAILED}:
            break
        time.sleep(poll)
    seconds = time.perf_counter() - start
    job.refresh_from_db()
    if job.status != CaseloadStatus.DONE:
        raise RuntimeError(f"Le repérage a échoué : {job.failure_message}")
    return seconds, job


def measure_jobs(args: argparse.Namespace, membership, rng: random.Random, tmpdir: str) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    rows: list[tuple[str, ...]] = []
    checks: list[str] = []
    small = caseload_csv(SMALL_JOB, rng)
    full = caseload_csv(args.job_size, rng)
    rates = {}
    for count in [int(n) for n in args.job_workers.split(",") if n]:
        print(f"(d) {count} processus de calcul : démarrage et préchauffage…", file=sys.stderr)
        workers = Workers(count, Path(tmpdir))
        try:
            warm = workers.wait_ready()
            run_job(membership, small, poll=0.01)  # the first job of a worker loads its database code paths
            latencies = [run_job(membership, small, poll=0.01)[0] for _ in range(args.small_runs)]
            p50, p95 = percentiles(latencies)
            rows.append(
                (
                    f"(d) petit repérage ({SMALL_JOB} foyers), {count} processus préchauffé(s)",
                    f"{args.small_runs}",
                    f"{p50:.2f} s",
                    f"{p95:.2f} s",
                    "",
                    "",
                    "",
                    "",
                )
            )
            print(f"(d) {count} processus : repérage de {args.job_size} foyers…", file=sys.stderr)
            with ProcessMemory([p.pid for p in workers.processes]) as memory:
                seconds, job = run_job(membership, full, poll=0.05)
            rate = args.job_size / seconds
            rates[count] = rate
            rows.append(
                (
                    f"(d) tâche de fond complète, {args.job_size:,} foyers, {count} processus".replace(",", " "),
                    f"{args.job_size}",
                    f"{seconds:.2f} s",
                    "",
                    f"{rate:,.0f}".replace(",", " "),
                    f"{job.with_rights:,}".replace(",", " "),
                    f"{memory.peak_pss:,.0f}".replace(",", " "),
                    f"{memory.peak_rss:,.0f}".replace(",", " "),
                )
            )
            print(f"    préchauffage des processus : {warm:.1f} s", file=sys.stderr)
            if count == max(int(n) for n in args.job_workers.split(",") if n):
                checks.append(
                    f"petit repérage en moins de {TARGETS['small_job_seconds']:.0f} s avec un processus préchauffé : "
                    f"{'atteint' if p95 < TARGETS['small_job_seconds'] else 'NON ATTEINT'} (p95 {p95:.2f} s)"
                )
                if args.job_size == 100_000:
                    checks.append(
                        f"tâche complète de 100 000 foyers en moins de {TARGETS['job_seconds_100k']:.0f} s : "
                        f"{'atteint' if seconds < TARGETS['job_seconds_100k'] else 'NON ATTEINT'} ({seconds:.1f} s)"
                    )
                    checks.append(
                        f"mémoire des processus sous {TARGETS['job_memory_mb']:.0f} Mo : "
                        f"{'atteint' if memory.peak_rss < TARGETS['job_memory_mb'] else 'NON ATTEINT'} "
                        f"(RSS cumulé {memory.peak_rss:.0f} Mo, PSS {memory.peak_pss:.0f} Mo)"
                    )
        finally:
            workers.stop()
    if 1 in rates and 2 in rates:
        checks.append(f"2 processus au lieu d'un : {rates[2] / rates[1]:.2f}× plus de foyers par seconde")
    return rows, checks


def main() -> None:  # noqa: C901 (a linear script)
    args = parse_args()
    rng = random.Random(args.seed)
    tmpdir = setup_django(args.database_url)
    rows: list[tuple[str, ...]] = []
    checks: list[str] = []
    warm_seconds = 0.0
    try:
        from appui.rights.caseload import entries_from_csv, run_caseload
        from appui.rights.csv_format import read_rows
        from appui.rights.engine import get_engine
        from appui.rights.engine.inprocess import tax_benefit_system
        from appui.rights.engine.inputs import derived_amounts
        from appui.rights.engine.webapi import calculate_request
        from appui.rights.screening import screen
        from appui.rights.situation import resolve

        engine = get_engine()
        client, membership = api_client()
        if set(args.parts) & set("abc"):
            started = time.perf_counter()
            engine.warm_up()
            warm_seconds = time.perf_counter() - started
        # One per core, whatever the settings say (the test settings may pin the workers to 1).
        workers = args.workers or len(os.sched_getaffinity(0))
        households = [random_answers(rng) for _ in range(max(args.single, args.webapi, args.simulator))]
        situations = [resolve(h, period=PERIOD) for h in households]
        # (a2) sends Appui's complete situation: its gross and taxable amounts as the in-process engine finds them.
        derived = {id(s): derived_amounts(tax_benefit_system(), [s]) for s in situations} if "a" in args.parts else {}
        a1 = a2 = b1 = b2 = []

        # (a) The local OpenFisca Web API, one request per household.
        if "a" in args.parts:
            port = args.port or free_port()
            print(f"Démarrage de openfisca serve sur 127.0.0.1:{port}…", file=sys.stderr)
            server = start_web_api(port)
            try:
                url = f"http://127.0.0.1:{port}/calculate"
                for situation in situations[:2]:  # warm the server: the first simulation loads lazily
                    post_json(url, calculate_request(situation, derived[id(situation)]))
                    post_json(url, simulator_situation(situation))
                print("(a1) situations « simulateur »…", file=sys.stderr)
                a1 = timed(lambda s: post_json(url, simulator_situation(s)), situations[: args.simulator])
                print("(a2) situations complètes d'Appui…", file=sys.stderr)
                a2 = timed(lambda s: post_json(url, calculate_request(s, derived[id(s)])), situations[: args.webapi])
            finally:
                stop_web_api(server)

        # (b) Appui, one household.
        if "b" in args.parts:
            print("(b) simulation interactive d'Appui…", file=sys.stderr)
            for h in households[:3]:
                screen(h, period=PERIOD, engine=engine)
            b1 = timed(lambda h: screen(h, period=PERIOD, engine=engine), households[: args.single])
            bodies = [api_body(h) for h in households[: args.single]]
            for body in bodies[:3]:
                client.post("/api/v1/rights/screenings/", body, content_type="application/json")

            def api_post(body: dict) -> None:
                response = client.post("/api/v1/rights/screenings/", body, content_type="application/json")
                assert response.status_code == 200, response.content

            b2 = timed(api_post, bodies)

        for label, timings in (
            ("(a1) Web API, situation « simulateur » (1 requête/foyer)", a1),
            ("(a2) Web API, situation complète d'Appui (1 requête/foyer)", a2),
            ("(b1) Appui, simulation interactive (en processus)", b1),
            ("(b2) Appui, POST /api/v1/rights/screenings/ (Django)", b2),
        ):
            if timings:
                p50, p95 = percentiles(timings)
                rows.append((label, f"{len(timings)}", f"{p50:.3f} s", f"{p95:.3f} s", f"{1 / p50:,.1f}", "", "", ""))

        # (c) Caseloads, the computation alone.
        for size in [int(s) for s in args.sizes.split(",") if s] if "c" in args.parts else []:
            text = caseload_csv(size, rng)
            print(f"(c) repérage de {size} foyers…", file=sys.stderr)
            with MemorySampler() as memory:
                start = time.perf_counter()
                outcome = run_caseload(entries_from_csv(read_rows(text)), period=PERIOD, engine=engine, workers=workers)
                seconds = time.perf_counter() - start
            rows.append(
                (
                    f"(c) repérage, {size:,} foyers, {outcome.workers} processus".replace(",", " "),
                    f"{size}",
                    f"{seconds:.2f} s",
                    "",
                    f"{size / seconds:,.0f}".replace(",", " "),
                    f"{len(outcome.findings):,}".replace(",", " "),
                    f"{memory.peak_pss:,.0f}".replace(",", " "),
                    f"{memory.peak_rss:,.0f}".replace(",", " "),
                )
            )
            if size == 100_000:
                checks.append(
                    f"100 000 foyers en moins de {TARGETS['seconds_100k']:.0f} s : "
                    f"{'atteint' if seconds < TARGETS['seconds_100k'] else 'NON ATTEINT'} ({seconds:.1f} s)"
                )
                checks.append(
                    f"mémoire de pointe sous {TARGETS['memory_mb']:.0f} Mo : "
                    f"{'atteint' if memory.peak_pss < TARGETS['memory_mb'] else 'NON ATTEINT'} "
                    f"(PSS {memory.peak_pss:.0f} Mo, RSS cumulé {memory.peak_rss:.0f} Mo)"
                )
            if size == max(int(s) for s in args.sizes.split(",")):
                rate = size / seconds
                checks.insert(
                    0,
                    f"repérage ≥ {TARGETS['rate']:,.0f} foyers/s sur {workers} cœurs : ".replace(",", " ")
                    + f"{'atteint' if rate >= TARGETS['rate'] else 'NON ATTEINT'} ({rate:,.0f} foyers/s)".replace(
                        ",", " "
                    ),
                )

        # (d) The background job as in production: warm workers, chunk tasks, results stored in bulk.
        if "d" in args.parts:
            job_rows, job_checks = measure_jobs(args, membership, rng, tmpdir)
            rows += job_rows
            checks += job_checks

        if b1 and a1 and a2:
            b1_p95 = percentiles(b1)[1]
            a1_p50, a2_p50, b1_p50 = statistics.median(a1), statistics.median(a2), statistics.median(b1)
            checks[:0] = [
                f"simulation unique p95 < {TARGETS['single_p95']} s : "
                f"{'atteint' if b1_p95 < TARGETS['single_p95'] else 'NON ATTEINT'} ((b1) {b1_p95:.3f} s, "
                f"(b2) {percentiles(b2)[1]:.3f} s)",
                f"au moins {TARGETS['speedup']:.0f}× plus rapide que (a) : "
                f"{'atteint' if a1_p50 / b1_p50 >= TARGETS['speedup'] else 'NON ATTEINT'} "
                f"((a1)/(b1) = {a1_p50 / b1_p50:.1f}× en médiane ; "
                f"à situation identique, (a2)/(b1) = {a2_p50 / b1_p50:.1f}×)",
            ]
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    from importlib.metadata import version

    from django.db import connection

    print()
    print(
        f"Appui — simulation des droits : {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cœurs, OpenFisca-Core {version('OpenFisca-Core')}, OpenFisca-France "
        f"{version('OpenFisca-France')}, législation {PERIOD}, préchauffage {warm_seconds:.1f} s, "
        f"base {connection.vendor}"
    )
    header = ("Scénario", "n", "p50 / durée", "p95", "foyers/s", "repérés", "pic PSS Mo", "pic RSS Mo")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join("{:<" + str(widths[0]) + "}" if i == 0 else "{:>" + str(w) + "}" for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
    print()
    print("Objectifs :")
    for check in checks:
        print(f"- {check}")


if __name__ == "__main__":
    main()
