"""The statistics pages in a real browser: axe on desktop and phone, charts with their tables, printing."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support import PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
YEAR = "?periode=annee"


def _shoot(ui: UI, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ui.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_statistics_page_of_the_manager_on_a_desktop(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="responsable@ccas-demo.fr")
    page = ui.page
    ui.goto("/statistiques/" + YEAR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques — CCAS de Villeurbanne (démo)")
    # Every chart is an image named by its title, with a table of the same figures.
    charts = page.locator("svg[role=img]")
    assert charts.count() > 15
    expect(page.get_by_role("img", name="Accompagnements par mois")).to_be_visible()
    expect(page.get_by_role("table", name="Par membre de l'équipe")).to_be_visible()
    expect(page.get_by_role("table", name="Lieu", exact=True)).to_contain_text("Antenne des Buers")
    _shoot(ui, "statistiques-responsable.png")
    # Filters: the keyboard reaches them; a filter keeps the period.
    page.locator("#id_type").select_option("collectif")
    page.get_by_role("button", name="Afficher").click()
    ui.wait_for_path(r"/statistiques/\?.*type=collectif.*")
    expect(page.get_by_role("table", name="Type d'activité", exact=True)).to_contain_text("Participants aux ateliers")
    # Printed: no header, no form, every section kept.
    page.emulate_media(media="print")
    expect(page.locator("form[aria-labelledby=titre-periode]")).to_be_hidden()
    expect(page.get_by_role("img", name="Accompagnements par mois")).to_be_visible()
    page.emulate_media(media="screen")
    ui.goto("/statistiques/partage/")
    ui.goto("/structure/lieux/")
    ui.goto("/ateliers/nouveau/")


def test_statistics_page_of_a_mediator_on_a_phone(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    ui.login("mediateur@ccas-demo.fr")
    ui.goto("/statistiques/" + YEAR)
    page = ui.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques — Mon activité")
    expect(page.get_by_role("img", name="Genre")).to_be_visible()
    _shoot(ui, "statistiques-mediateur-telephone.png")
    ui.goto("/ateliers/nouveau/")
    _shoot(ui, "atelier-telephone.png")
