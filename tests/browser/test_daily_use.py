"""Daily use in a real browser, at desktop and phone widths: « Ma journée », the error summary, the commune
suggestions, the mandate's consent text as it is chosen, the DPO's desk. Every screen is checked with axe and saved
under var/screenshots/."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI
from .test_diagnostic_keyboard import first_person_path

pytestmark = pytest.mark.browser
WIDTHS = [pytest.param(DESKTOP_VIEWPORT, id="bureau"), pytest.param(PHONE_VIEWPORT, id="telephone")]


@pytest.mark.parametrize("viewport", WIDTHS)
def test_my_day_and_an_error_summary_reached_with_the_keyboard(open_ui: Callable[..., UI], viewport) -> None:
    ui = open_ui(as_user="social@ccas-demo.fr", viewport=viewport)
    page = ui.page
    ui.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ma journée")
    expect(page.get_by_role("searchbox", name="Rechercher une personne")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Mes suivis à faire"))).to_be_visible()
    ui.check_accessibility()
    if viewport == PHONE_VIEWPORT:
        # The structure's name is not cut on a phone (it sits in the menu, wrapped).
        page.get_by_role("button", name="Menu").click()
        name = page.locator("#menu-mobile .appui-structure")
        expect(name).to_be_visible()
        assert name.evaluate("e => e.getBoundingClientRect().right <= window.innerWidth")
        page.get_by_role("button", name="Fermer").click()

    # A form sent empty: the page comes back with the summary focused; its first link leads to the field.
    ui.goto("/personnes/nouvelle/")
    page.locator("#id_last_name").fill("Essai")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Erreur — "))
    expect(page.locator("#id_last_name")).to_have_value("Essai")  # nothing typed is lost
    ui.check_accessibility()
    ui.press("Tab")
    link = summary.get_by_role("link").first
    expect(link).to_be_focused()
    target = link.get_attribute("href")
    ui.press("Enter")
    expect(page.locator(str(target))).to_be_focused()
    ui.check_accessibility()  # the same page, at the field's anchor


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_consent_text_follows_the_choices(open_ui: Callable[..., UI], viewport) -> None:
    ui = open_ui(as_user="social@ccas-demo.fr", viewport=viewport)
    page = ui.page
    ui.goto(f"{first_person_path(ui)}mandats/nouveau/")
    consent = page.locator("#texte-consentement")
    expect(consent).to_contain_text("aucune catégorie choisie")
    page.get_by_label("Logement").focus()
    ui.press("Space")
    expect(consent).to_contain_text("catégories suivantes : Logement")
    page.get_by_label("6 mois").focus()
    ui.press("Space")
    expect(consent).not_to_contain_text("durée à choisir")
    ui.check_accessibility()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_dpo_desk_and_journal(open_ui: Callable[..., UI], viewport) -> None:
    ui = open_ui(as_user="dpo@ccas-demo.fr", viewport=viewport)
    page = ui.page
    ui.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Demandes des personnes à traiter"))).to_be_visible()
    expect(page.get_by_role("heading", name="Journal des accès")).to_be_visible()
    ui.check_accessibility()
    ui.goto("/rgpd/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données personnelles")
    ui.check_accessibility()
    ui.goto("/rgpd/journal/?action=person.view")
    expect(page.get_by_role("table")).to_be_visible()
    ui.check_accessibility()
