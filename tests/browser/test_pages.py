"""Every main page passes axe-core (no serious or critical violation), on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from .support import PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser


def first_person_path(ui: UI) -> str:
    """Open the person list and return the path of the first person's page."""
    ui.goto("/personnes/")
    href = ui.page.locator("#resultats tbody a").first.get_attribute("href")
    assert href and href.startswith("/personnes/"), href
    return href


def test_main_pages_as_social_worker(ui: UI) -> None:
    page = ui.page
    ui.login("social@ccas-demo.fr")  # login page, then "Ma journée"
    person = first_person_path(ui)
    for path in [
        "/personnes/?q=a",
        "/personnes/nouvelle/",
        person,
        f"{person}modifier/",
        f"{person}accompagnements/nouveau/",
        "/personnes/aide-ponctuelle/",
        "/personnes/notice-information/",
        "/equipe/",
        "/api-jetons/",
    ]:
        ui.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)

    # Forms showing their errors.
    ui.goto("/personnes/nouvelle/")
    page.get_by_role("button", name="Enregistrer").click()
    ui.wait_for_path("/personnes/nouvelle/")
    expect(page.locator("#id_last_name")).to_have_attribute("aria-invalid", "true")
    ui.goto(f"{person}accompagnements/nouveau/")
    page.get_by_role("button", name="Enregistrer l'accompagnement").click()
    ui.wait_for_path(f"{person}accompagnements/nouveau/")
    expect(page.locator("main")).to_contain_text("thème")


def test_history_and_team_pages_as_manager(ui: UI) -> None:
    page = ui.page
    ui.login("responsable@ccas-demo.fr")
    person = first_person_path(ui)
    ui.goto(person)
    ui.activate(page.get_by_role("link", name="Historique des consultations"))
    ui.wait_for_path(f"{person}historique/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    ui.goto("/equipe/")
    ui.goto("/equipe/inviter/")


def test_phone_viewport(open_ui) -> None:  # type: ignore[no-untyped-def]
    ui = open_ui(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    page = ui.page
    ui.login("social@ccas-demo.fr")

    # The main menu is behind the "Menu" button on a phone.
    menu_button = page.locator("#bouton-menu-mobile")
    expect(menu_button).to_be_visible()
    ui.activate(menu_button)
    menu = page.locator("#menu-mobile")
    people_link = menu.get_by_role("link", name="Personnes")
    expect(people_link).to_be_visible()
    ui.check_accessibility()  # with the menu open
    ui.activate(people_link)
    ui.wait_for_path("/personnes/")

    person = first_person_path(ui)
    ui.goto(person)
    ui.goto(f"{person}accompagnements/nouveau/")
    ui.goto("/personnes/nouvelle/")
    ui.goto("/personnes/notice-information/")
