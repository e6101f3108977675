"""Real processes: workers killed with SIGKILL, several workers sharing one screening, ``make run``'s command.

These tests start ``manage.py run_worker`` processes on a database of their own (a file for SQLite, an extra
``<test database>_procs`` database for PostgreSQL), kill some of them, and check what is stored against a
screening of the same households in the test process. Each worker builds and warms OpenFisca (about 6 s).
"""

import datetime
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from appui.rights.caseload import entries_from_csv, run_caseload
from appui.rights.csv_format import read_rows
from appui.rights.screening import current_period

from ..rights.test_caseload import BAD, GOOD, csv_text

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def households(count: int) -> str:
    """Return a caseload of ``count`` rows: the reference households, renamed, with a bad row every 100."""
    rows = []
    for i in range(count):
        template = BAD[0] if i % 100 == 99 else GOOD[i % len(GOOD)]
        rows.append(f"H{i:06d};" + template.split(";", 1)[1])
    return csv_text(rows)


class ProcessDatabase:
    """A database shared by this test and the processes it starts, with a raw reader for polling."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "processus.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            base = urlparse(os.environ["DATABASE_URL"])
            self.name = f"{settings.DATABASES['default']['NAME']}_procs"
            self.admin_url = base._replace(path="/postgres").geturl()
            self.url = base._replace(path=f"/{self.name}").geturl()
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=20) as db:
                return db.execute(sql, params).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql.replace("?", "%s"), params).fetchall()

    def drop(self) -> None:
        if self.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def process_db(tmp_path):
    database = ProcessDatabase(tmp_path)
    yield database
    database.drop()


def environment(database: ProcessDatabase) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "APPUI_DEBUG": "1",
        "PYTHONPATH": str(ROOT),
        # A lost worker is noticed within seconds, and its task retried at once.
        "APPUI_WORKER_HEARTBEAT_SECONDS": "0.5",
        "APPUI_WORKER_LOST_AFTER": "4",
        "APPUI_TASK_RETRY_DELAYS": "0",
        "APPUI_WORKER_POLL_SECONDS": "0.05",
    }


def prepare(database: ProcessDatabase, tmp_path: Path, text: str, chunk_size: int) -> tuple[int, dict[str, str]]:
    env = environment(database) | {"APPUI_CASELOAD_CHUNK_SIZE": str(chunk_size)}
    source = tmp_path / "foyers.csv"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 (this interpreter, a test helper)
        [PYTHON, "-m", "tests.runtime.scenario", "setup", "--csv", str(source)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(done.stdout.strip().splitlines()[-1]), env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a process writing to ``log`` (the child keeps its own copy of the file descriptor)."""
    with log.open("w") as output:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603


def start_worker(env: dict[str, str], worker_id: str, log: Path) -> subprocess.Popen:
    return start([PYTHON, "manage.py", "run_worker", "--worker-id", worker_id, "--no-schedule"], env, log)


def wait_for(check, timeout: float, what: str, logs: list[Path]):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"{what}: not after {timeout:.0f} s\n{tails}")


def state(env: dict[str, str], job_id: int) -> dict:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "tests.runtime.scenario", "state", "--job", str(job_id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def expected_results(text: str, rules_engine) -> dict[int, tuple[str, dict]]:  # type: ignore[no-untyped-def]
    """Screen the same file in this process: by line, the monthly total and the rights every run must store."""
    outcome = run_caseload(entries_from_csv(read_rows(text)), period=current_period(), engine=rules_engine, workers=1)
    return {f.line: (f"{f.monthly_total:.2f}", f.rights) for f in outcome.findings}


def stored_results(final: dict) -> dict[int, tuple[str, dict]]:
    return {line: (total, rights) for _, line, total, rights in final["results"]}


def _aware(value) -> datetime.datetime:  # type: ignore[no-untyped-def]
    """Return a timestamp read raw from the database as an aware UTC datetime (SQLite stores UTC text)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def kill_mid_run(database, env, job_id, *, worker_ids, victim, logs, tmp_path):  # type: ignore[no-untyped-def]
    """Start the workers, kill ``victim`` with SIGKILL while it screens a chunk; return the chunk it held.

    The kill comes once two chunks are done and the victim has just claimed one (far from its end); the chunk
    it held is then read back from the database, frozen as the dead worker left it. Should the victim finish that
    chunk in the instant before the signal, another victim is started and killed the same way.
    """
    workers = {worker_id: start_worker(env, worker_id, tmp_path / f"{worker_id}.log") for worker_id in worker_ids}
    logs.extend(tmp_path / f"{worker_id}.log" for worker_id in worker_ids)
    sql = 'SELECT "index", status, worker_id, started_at FROM rights_caseloadchunk WHERE job_id = ?'

    def just_started(name: str) -> bool:
        chunks = database.query(sql, (job_id,))
        done = sum(1 for _, status, _, _ in chunks if status == "termine")
        now = datetime.datetime.now(datetime.UTC)
        fresh = [
            index
            for index, status, worker, started in chunks
            if status == "en_cours" and worker == name and (now - _aware(started)).total_seconds() < 0.3
        ]
        return done >= 2 and bool(fresh)

    for attempt in range(3):
        name = victim if attempt == 0 else f"{victim}-{attempt}"
        if name not in workers:
            workers[name] = start_worker(env, name, tmp_path / f"{name}.log")
            logs.append(tmp_path / f"{name}.log")
        wait_for(lambda name=name: just_started(name), 240, f"{name} starting a chunk", logs)
        workers[name].send_signal(signal.SIGKILL)
        workers[name].wait()
        rows = database.query(sql, (job_id,))
        held = [index for index, status, worker, _ in rows if status == "en_cours" and worker == name]
        if held:
            return workers, held[0]
    raise AssertionError("no worker could be killed in the middle of a chunk")


def finish(database, env, job_id, workers, logs):  # type: ignore[no-untyped-def]
    status_sql = "SELECT status FROM rights_caseloadscreening WHERE id = ?"
    try:
        wait_for(
            lambda: database.query(status_sql, (job_id,))[0][0] in {"terminee", "echouee"}, 300, "job finished", logs
        )
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return state(env, job_id)


def test_a_worker_killed_mid_screening_leaves_the_same_results_and_no_duplicate(process_db, tmp_path, engine):
    text = households(5_000)
    job_id, env = prepare(process_db, tmp_path, text, chunk_size=1_000)
    logs: list[Path] = []
    workers, killed = kill_mid_run(
        process_db, env, job_id, worker_ids=["premier"], victim="premier", logs=logs, tmp_path=tmp_path
    )
    workers["second"] = start_worker(env, "second", tmp_path / "second.log")
    logs.append(tmp_path / "second.log")
    final = finish(process_db, env, job_id, workers, logs)

    assert final["status"] == "terminee", final["failure"]
    assert final["processed"] == final["total"] == 5_000
    attempts = {chunk["index"]: chunk["attempts"] for chunk in final["chunks"]}
    assert attempts[killed] == 2  # the chunk the killed worker held ran again…
    assert all(n == 1 for index, n in attempts.items() if index != killed)  # …and no finished chunk was redone
    positions = [position for position, *_ in final["results"]]
    assert len(positions) == len(set(positions))
    assert stored_results(final) == expected_results(text, engine)
    chunk_tasks = [t for t in final["tasks"] if t["task_path"].endswith("screen_caseload_chunk")]
    assert len(chunk_tasks) == 5 and all(t["status"] == "SUCCESSFUL" for t in chunk_tasks)
    assert sorted(len(t["worker_ids"]) for t in chunk_tasks)[-1] == 2


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in {"postgres", "postgresql"},
    reason="la montée en charge se vérifie sur PostgreSQL (plusieurs machines partagent une base PostgreSQL)",
)
def test_three_workers_share_30000_households_each_chunk_done_once_even_when_one_is_killed(
    process_db, tmp_path, engine
):
    """Scale-out proof, sized for CI: 3 worker processes, 30,000 households in 30 chunks, one worker killed."""
    text = households(30_000)
    job_id, env = prepare(process_db, tmp_path, text, chunk_size=1_000)
    logs: list[Path] = []
    workers, killed = kill_mid_run(
        process_db, env, job_id, worker_ids=["w1", "w2", "w3"], victim="w2", logs=logs, tmp_path=tmp_path
    )
    final = finish(process_db, env, job_id, workers, logs)

    assert final["status"] == "terminee", final["failure"]
    assert final["processed"] == final["total"] == 30_000 and len(final["chunks"]) == 30
    assert all(chunk["status"] == "termine" for chunk in final["chunks"])
    attempts = {chunk["index"]: chunk["attempts"] for chunk in final["chunks"]}
    assert attempts[killed] == 2 and all(n == 1 for index, n in attempts.items() if index != killed)
    assert {chunk["worker_id"] for chunk in final["chunks"]} >= {"w1", "w3"}  # the survivors shared the work
    positions = [position for position, *_ in final["results"]]
    # Kept: the households assessed with rights, and those that could not be assessed (listed apart).
    assert len(positions) == len(set(positions)) == final["with_rights"] + final["to_complete"]
    assert stored_results(final) == expected_results(text, engine)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_runs_command_starts_web_and_worker_and_a_csv_screening_finishes(process_db, tmp_path):
    """``make run`` ends with ``manage.py run_dev``: on a fresh database, the smoke journey goes through."""
    env = environment(process_db) | {"APPUI_WORKER_POLL_SECONDS": "0.25"}
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "-v0"], ["load_demo", "--persons", "5", "--accompaniments", "5"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)  # noqa: S603
    port = free_port()
    log = tmp_path / "run_dev.log"
    server = start(manage + ["run_dev", f"127.0.0.1:{port}", "--noreload"], env, log)
    try:
        smoke = subprocess.run(  # noqa: S603
            [PYTHON, "deploy/smoke.py", "--url", f"http://127.0.0.1:{port}", "--timeout", "180"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert smoke.returncode == 0, smoke.stdout + smoke.stderr + log.read_text()[-3000:]
        assert "repérage d'un fichier CSV : 5 foyers examinés" in smoke.stdout
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        server.wait(timeout=30)
    started = re.search(r"Serveur web \(pid (\d+)\) et processus de tâches de fond \(pid (\d+)\)", log.read_text())
    assert started, log.read_text()
    for pid in started.groups():  # Ctrl-C stopped both
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
