"""Background work seen in a browser: a caseload waiting for a worker then finishing live; the scheduled jobs page.

The browser tests' server runs no background worker: the caseload test starts one on the server's database,
as ``make run`` does, and watches the job page update itself (htmx) from « en attente » to « terminé ».
"""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import MANAGE, REPO_ROOT, SERVER_ENVIRONMENT
from .support import PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

TEMPLATE = REPO_ROOT / "appui" / "rights" / "data" / "reperage_modele.csv"


def test_a_caseload_waits_for_a_worker_then_finishes_on_the_page_itself(
    open_ui: Callable[..., UI], tmp_path: Path
) -> None:
    ui = open_ui(as_user="social@ccas-demo.fr")
    page = ui.page
    ui.goto("/droits/reperage/")
    page.get_by_role("radio", name="Fichier CSV").focus()
    ui.press("Space")
    page.locator("input[type=file]").set_input_files(str(TEMPLATE))
    page.get_by_role("button", name="Lancer le repérage").click()
    ui.wait_for_path(r"/droits/reperage/\d+/")
    progress = page.locator("#progression-reperage")
    expect(progress).to_contain_text("Repérage en attente.")
    expect(progress).to_contain_text("Aucun processus de calcul n'est actif")  # the truth: nothing runs it yet

    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 (this interpreter, manage.py)
            [sys.executable, str(MANAGE), "run_worker", "--no-schedule"],
            cwd=REPO_ROOT,
            env=SERVER_ENVIRONMENT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # The page polls every second; once done, it reloads itself with the results.
        expect(page.get_by_role("heading", name="Repérage terminé")).to_be_visible(timeout=180_000)
        page.wait_for_load_state("load")
        ui.check_accessibility()
        expect(page.locator("#progression-reperage")).to_contain_text("5 foyers examinés")
        expect(page.get_by_role("link", name="Télécharger (CSV)")).to_be_visible()
    finally:
        worker.terminate()
        worker.wait(timeout=60)


@pytest.mark.parametrize("viewport", [None, PHONE_VIEWPORT], ids=["bureau", "telephone"])
def test_the_scheduled_jobs_page_for_the_manager(open_ui: Callable[..., UI], viewport: dict | None) -> None:
    ui = open_ui(as_user="responsable@ccas-demo.fr", viewport=viewport)
    page = ui.page
    ui.goto("/taches-automatiques/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches automatiques")
    expect(page.get_by_role("table")).to_contain_text("Conservation des données")
    history = page.get_by_role("button", name="Journal des accès : vérification de la chaîne d'empreintes")
    ui.activate(history)  # the history of one job opens with the keyboard
    expect(history).to_have_attribute("aria-expanded", "true")
    ui.check_accessibility()
