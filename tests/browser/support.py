"""Helpers of the browser tests: a browser tab whose every visited page must pass axe-core."""

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import ConsoleMessage, Frame, Locator, Page

DEMO_PASSWORD = "appui-demo-2026"
TOTP_STEP = 30  # seconds, django-otp's default for TOTP devices
BLOCKING_IMPACTS = ("critical", "serious")
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 375, "height": 667}
# Every screen checked with axe is also saved here, so that a reviewer can look at it.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# A social worker of the second demo structure (the journey logs in as social@ccas-demo.fr).
SOCIAL_WORKER = "social@clic-solidaire-demo.fr"

# Console errors that are known, reported and harmless: listed at the end of the run instead of failing it.
# Remove an entry once the app is fixed.
KNOWN_CONSOLE_ERRORS: list[re.Pattern[str]] = [
    # e.g. re.compile(r"^Applying inline style violates .*'sha256-…'"), with the reason and the fix to make.
]
known_console_errors: dict[str, set[str]] = {}  # message -> {path, ...}

# The last TOTP time step used by each account: django-otp refuses a code of a step already used.
_totp_steps_used: dict[str, int] = {}

# Violations below "serious" do not fail a test; conftest lists them at the end of the run.
# (rule id, impact, help) -> {"path target", ...}
non_blocking_violations: dict[tuple[str, str, str], set[str]] = {}


def demo_totp_code(email: str) -> str:
    """Return a code of the authenticator app of a demo account (all demo accounts share one key).

    django-otp accepts each time step once per account, and the step after the current one too (tolerance of
    one step). An account logging in a second time within a step gets the next step's code; a third time, it
    waits for the next step.
    """
    from django_otp.oath import hotp

    from appui.demo.generator import DEMO_TOTP_KEY_HEX

    step = max(int(time.time()) // TOTP_STEP, _totp_steps_used.get(email, -1) + 1)
    wait = (step - 1) * TOTP_STEP - time.time()
    if wait > 0:
        time.sleep(wait + 0.1)
    _totp_steps_used[email] = step
    return f"{hotp(bytes.fromhex(DEMO_TOTP_KEY_HEX), step, digits=6):06d}"  # TOTP = HOTP of the time step


def format_violations(url: str, violations: list[dict]) -> str:
    """Describe axe violations: rule id, impact, help text and the CSS selectors of every failing node."""
    lines = [f"{len(violations)} violation(s) d'accessibilité bloquante(s) sur {url} :"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    cible : {' >> '.join(map(str, node['target']))}")
            lines.append(f"      html : {node.get('html', '').strip()[:200]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@dataclass
class UI:
    """A browser tab on the Appui server.

    Every page loaded in the tab (full navigations and htmx ``hx-push-url`` history entries) is recorded;
    ``check_accessibility()`` runs axe-core on the current page, and ``assert_clean()`` (called by the
    ``open_ui`` fixture after the test) fails if a visited page was never checked, or if the browser
    reported a JavaScript error or a console error.
    """

    page: "Page"
    base_url: str
    axe: "Axe"
    visited: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._on_navigation)
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url} : erreur JavaScript : {error}"))
        self.page.on("console", self._on_console)

    def _on_navigation(self, frame: "Frame") -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.base_url):
            self.visited.append(frame.url)

    def _on_console(self, message: "ConsoleMessage") -> None:
        if message.type != "error":
            return
        if any(known.search(message.text) for known in KNOWN_CONSOLE_ERRORS):
            known_console_errors.setdefault(message.text, set()).add(self.path())
        else:
            self.errors.append(f"{self.page.url} : console : {message.text}")

    # Navigation -------------------------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        """Open a page of the app by its address, check it answered 200 and passes axe."""
        response = self.page.goto(self.base_url + path)
        assert response is not None, path
        assert response.status == 200, f"{path} : HTTP {response.status}"
        self.check_accessibility()

    def wait_for_path(self, pattern: str) -> re.Match[str]:
        """Wait until the tab shows a path matching the regular expression; check the page with axe."""
        regex = re.compile(re.escape(self.base_url) + pattern + r"$")
        self.page.wait_for_url(regex)
        self.page.wait_for_load_state("load")
        self.check_accessibility()
        match = regex.match(self.page.url)
        assert match is not None, self.page.url
        return match

    def path(self) -> str:
        """Return the path (with its query string) of the current page."""
        return self.page.url.removeprefix(self.base_url)

    # Keyboard ---------------------------------------------------------------------------------------------

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str, delay: float = 0) -> None:
        self.page.keyboard.type(text, delay=delay)

    def is_focused(self, locator: "Locator") -> bool:
        return bool(locator.evaluate("el => el === document.activeElement"))

    def activate(self, locator: "Locator") -> None:
        """Focus a link or button and press Enter, as a keyboard user would."""
        locator.focus()
        self.press("Enter")

    def tab_to(self, locator: "Locator", max_presses: int = 15) -> None:
        """Press Tab until the element has the focus."""
        for _ in range(max_presses):
            if self.is_focused(locator):
                return
            self.press("Tab")
        assert self.is_focused(locator), f"{locator} inaccessible au clavier en {max_presses} tabulations."

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        """Log in as a demo account with the keyboard only: password, then the authenticator code.

        Lands on "Ma journée".
        """
        self.goto("/connexion/")
        username = self.page.locator("input[name=username]")
        if not self.is_focused(username):  # the field has autofocus
            username.focus()
        self.type(email)
        self.press("Tab")
        assert self.is_focused(self.page.locator("input[name=password]")), "Tab ne mène pas au mot de passe"
        self.type(password)
        self.press("Enter")
        self.wait_for_path(r"/connexion/verification/\?next=%2F")
        token = self.page.locator("input[name=token]")
        if not self.is_focused(token):  # the field has autofocus
            token.focus()
        self.type(demo_totp_code(email))
        self.press("Enter")
        self.wait_for_path("/")

    # Checks -----------------------------------------------------------------------------------------------

    def check_accessibility(self) -> None:
        """Run axe-core on the page as it is now; fail on any violation of impact serious or critical."""
        results = self.axe.run(self.page)
        url = self.page.url
        self.audited.add(url)
        violations = results.response["violations"]
        for violation in violations:
            if violation["impact"] not in BLOCKING_IMPACTS:
                key = (violation["id"], str(violation["impact"]), violation["help"])
                path = url.removeprefix(self.base_url)
                non_blocking_violations.setdefault(key, set()).update(
                    f"{path}  {' >> '.join(map(str, node['target']))}" for node in violation["nodes"]
                )
        self.screenshot()
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, format_violations(url, blocking)

    def screenshot(self, name: str = "") -> Path:
        """Save the whole page under var/screenshots/, named after the test, the path and the width."""
        test = os.environ.get("PYTEST_CURRENT_TEST", "test").split("::")[-1].split(" ")[0]
        path = self.page.url.removeprefix(self.base_url).split("?")[0].strip("/") or "accueil"
        width = (self.page.viewport_size or {}).get("width", 0)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{test}-{name or path}-{width}".lower()).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{slug}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def assert_clean(self) -> None:
        not_audited = [url for url in dict.fromkeys(self.visited) if url not in self.audited]
        assert not not_audited, f"Pages visitées sans contrôle axe : {not_audited}"
        assert not self.errors, "Erreurs dans le navigateur :\n" + "\n".join(self.errors)
