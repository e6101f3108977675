"""Fixtures of the browser tests: a real Appui server process and a headless system Chromium.

The server runs ``manage.py runserver`` on its own temporary SQLite database, filled with the demo data, so
these tests never touch the database of the other tests (and never request pytest-django's ``db``).
Every page a test visits goes through axe-core (see ``support.UI``): ``UI.check_accessibility()`` fails on
any violation of impact "serious" or "critical", and the ``open_ui`` fixture fails a test that visited a page
without checking it.

Chromium is the Debian package (``/usr/bin/chromium``, or ``APPUI_CHROMIUM``): Playwright never downloads
a browser here. Without it the tests are skipped, unless ``APPUI_REQUIRE_BROWSER=1`` makes that a failure.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .support import DESKTOP_VIEWPORT, UI, known_console_errors, non_blocking_violations

if TYPE_CHECKING:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, BrowserContext

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE = REPO_ROOT / "manage.py"
CHROMIUM = os.environ.get("APPUI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_required() -> bool:
    return os.environ.get("APPUI_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def _missing_browser_reason() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium introuvable ({CHROMIUM}) : installez le paquet « chromium » pour les tests navigateur."
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright ou axe-playwright-python manquant ({exc})."
    return None


@pytest.fixture(scope="session", autouse=True)
def _require_browser() -> None:
    """Skip the browser tests without Chromium, or fail them when APPUI_REQUIRE_BROWSER=1."""
    reason = _missing_browser_reason()
    if reason is None:
        return
    if _browser_required():
        pytest.fail(f"APPUI_REQUIRE_BROWSER=1 mais {reason}", pytrace=False)
    pytest.skip(reason)


# --- The server -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database: Path) -> dict[str, str]:
    """Return the environment of the server: its own SQLite file, whatever DATABASE_URL the tests inherit."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "APPUI_DEBUG": "1",
            "APPUI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(MANAGE), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} a échoué ({result.returncode}) :\n{result.stdout}\n{result.stderr}")


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Le serveur s'est arrêté (code {process.returncode}) :\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"Le serveur ne répond pas sur {url} après {timeout:.0f} s :\n{log.read_text(errors='replace')}")


# The environment of the server (its database), for a test that starts a background worker on it.
SERVER_ENVIRONMENT: dict[str, str] = {}


@pytest.fixture(scope="session")
def appui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run a real Appui server (runserver, demo data, fresh SQLite file); yield its base URL.

    No background worker runs: a test that needs one starts it with ``SERVER_ENVIRONMENT``.
    """
    workdir = tmp_path_factory.mktemp("appui-browser")
    env = _server_env(workdir / "db.sqlite3")
    SERVER_ENVIRONMENT.update(env)
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "load_demo", "--persons", "20", "--accompaniments", "60")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"{base_url}/connexion/", process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --- The browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    """Chromium, for the tests of one module. Playwright's synchronous API keeps an asyncio loop in the main
    thread while it runs, which Django's database code takes for an async context: stopped at the end of each
    browser module, it is never alive while the other tests run (tests are shuffled within a module, not across)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe() -> "Axe":
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def login_states() -> dict[str, object]:
    """Cookies of the accounts already logged in through the form, by e-mail: log in once per account."""
    return {}


@pytest.fixture
def open_ui(
    appui_server: str, browser: "Browser", axe: "Axe", login_states: dict[str, object]
) -> Iterator[Callable[..., UI]]:
    """Return a factory of browser tabs: ``open_ui(as_user="social@ccas-demo.fr", viewport=PHONE_VIEWPORT)``.

    Each tab gets its own browser context. With ``as_user``, the tab starts logged in (the first time, the
    account logs in through the login form, checked with axe too). At the end of the test, every page visited
    must have been checked with axe, and the browser must have reported no JavaScript or console error.
    """
    opened: list[tuple[BrowserContext, UI]] = []

    def open_(*, as_user: str | None = None, viewport: dict[str, int] | None = None, **options: object) -> UI:
        if as_user is not None and as_user not in login_states:
            login_ui = open_()
            login_ui.login(as_user)
            login_states[as_user] = login_ui.page.context.storage_state()
        if as_user is not None:
            options["storage_state"] = login_states[as_user]
        context = browser.new_context(viewport=viewport or DESKTOP_VIEWPORT, locale="fr-FR", **options)
        context.set_default_timeout(10_000)
        ui = UI(page=context.new_page(), base_url=appui_server, axe=axe)
        opened.append((context, ui))
        return ui

    yield open_
    try:
        for _, ui in opened:
            ui.assert_clean()
    finally:
        for context, _ in opened:
            context.close()


@pytest.fixture
def ui(open_ui: Callable[..., UI]) -> UI:
    """A desktop browser tab on the Appui server."""
    return open_ui()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if non_blocking_violations:
        terminalreporter.section("axe : violations non bloquantes (moderate / minor)")
        for (rule, impact, help_text), targets in sorted(non_blocking_violations.items()):
            terminalreporter.write_line(f"{rule} [{impact}] {help_text}")
            for target in sorted(targets)[:10]:
                terminalreporter.write_line(f"    {target}")
    if known_console_errors:
        terminalreporter.section("navigateur : erreurs console connues (non bloquantes)")
        for message, paths in sorted(known_console_errors.items()):
            terminalreporter.write_line(message)
            terminalreporter.write_line(f"    sur {len(paths)} page(s), dont : {', '.join(sorted(paths)[:5])}")
