"""Every main page passes axe-core (no serious or critical violation), on a desktop and on a phone."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import PHONE_VIEWPORT, SOCIAL_WORKER, UI

pytestmark = pytest.mark.browser


def first_person_path(ui: UI) -> str:
    """Open the person list and return the path of the first person's page."""
    ui.goto("/personnes/")
    href = ui.page.locator("#resultats tbody a").first.get_attribute("href")
    assert href and href.startswith("/personnes/"), href
    return href


def test_main_pages_as_social_worker(open_ui: Callable[..., UI]) -> None:
    # A social worker of the other demo structure: both demo structures get visited.
    ui = open_ui(as_user=SOCIAL_WORKER)  # logs in through the forms (checked with axe) the first time
    page = ui.page
    ui.goto("/")
    person = first_person_path(ui)
    for path in [
        person,
        f"{person}modifier/",
        "/personnes/aide-ponctuelle/",
        "/personnes/notice-information/",
        "/equipe/",
        "/api-jetons/",
    ]:
        ui.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)

    # The two main forms, blank then sent empty: their error messages must be accessible too.
    ui.goto("/personnes/nouvelle/")
    page.get_by_role("button", name="Enregistrer").click()
    ui.wait_for_path("/personnes/nouvelle/")
    expect(page.locator("#id_last_name")).to_have_attribute("aria-invalid", "true")
    ui.goto(f"{person}accompagnements/nouveau/")
    page.locator("input[name=duration][value=autre]").check(force=True)  # the DSFR label covers the radio
    page.get_by_role("button", name="Enregistrer l'accompagnement").click()
    ui.wait_for_path(f"{person}accompagnements/nouveau/")
    expect(page.locator("#id_duration_custom")).to_have_attribute("aria-invalid", "true")


def test_history_and_team_pages_as_manager(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="responsable@ccas-demo.fr")
    page = ui.page
    person = first_person_path(ui)
    ui.goto(person)
    ui.activate(page.get_by_role("link", name="Historique des consultations"))
    ui.wait_for_path(f"{person}historique/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    ui.goto("/equipe/")
    ui.goto("/equipe/inviter/")


def test_phone_viewport(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    page = ui.page
    ui.login("mediateur@ccas-demo.fr")  # login and second-factor pages on a phone too

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
