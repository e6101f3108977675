"""Orienting a person, in a real browser: from the diagnostic's « ateliers à chercher » to the directory (commune
picked with the keyboard in the suggestion list), the referral with the person's consent, and the printed sheet —
on a desktop and on a phone. Every page passes axe-core; so do the directory pages of a structure manager and
the inbox of the structure that receives a referral."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

WORKER = "social@ccas-demo.fr"


def first_person_path(ui: UI) -> str:
    ui.goto("/personnes/")
    href = ui.page.locator("#resultats tbody a").first.get_attribute("href")
    assert href and href.startswith("/personnes/"), href
    return href


def answer_the_diagnostic(ui: UI, person: str) -> str:
    """Fill the worker's diagnostic form ("with help" everywhere) and return the result's path."""
    page = ui.page
    ui.goto(f"{person}diagnostics/nouveau/")
    page.evaluate(
        """() => {
          const groups = {};
          document.querySelectorAll("input[type=radio]").forEach(r => (groups[r.name] ||= []).push(r));
          Object.values(groups).forEach(radios => ((radios.find(r => r.value === "1") || radios[0]).checked = true));
        }"""
    )
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    return ui.wait_for_path(r"/diagnostics/\d+/").group(0).removeprefix(ui.base_url)


def orient_from_the_diagnostic(ui: UI) -> None:
    page = ui.page
    person = first_person_path(ui)
    ui.goto(person)
    answer_the_diagnostic(ui, person)
    expect(page.get_by_text("Ateliers à chercher")).to_be_visible()
    ui.activate(page.get_by_role("link", name="Chercher un atelier et orienter la personne"))

    # The directory opens with the person and the workshops in the query, near the person's commune.
    ui.wait_for_path(r"/annuaire/\?.*")
    expect(page.get_by_text("Vous cherchez un lieu pour orienter")).to_be_visible()
    expect(page.locator("input[name=services][value=maitrise-outils-numeriques]")).to_be_checked()

    # Pick another commune in the suggestions, with the keyboard only.
    commune = page.locator("#id_commune_0")
    commune.fill("")
    commune.focus()
    ui.type("lill", delay=40)
    listbox = page.get_by_role("listbox", name="Communes suggérées")
    expect(listbox).to_be_visible()
    expect(commune).to_have_attribute("aria-expanded", "true")
    ui.press("ArrowDown")
    expect(commune).to_have_attribute("aria-activedescendant", re.compile(r".+-0$"))
    ui.press("Enter")
    expect(commune).to_have_value("Lille (59) · 59000")
    expect(page.locator("input[name=commune_code]")).to_have_value("59350")
    ui.check_accessibility()  # with the suggestion state settled
    page.get_by_role("button", name="Rechercher").click()
    ui.wait_for_path(r"/annuaire/\?.*")
    card = page.locator("article", has_text="Clic Solidaire (démo) — espace numérique de Lille")
    expect(card).to_be_visible()
    ui.activate(card.get_by_role("link", name=re.compile("^Orienter ici")))

    # The referral: what is shared, and the person's consent.
    ui.wait_for_path(r"/personnes/\d+/orienter/\?.*")
    expect(page.locator("input[name=shared_fields][value=numerique]")).to_be_checked()
    with page.expect_navigation():  # the same address answers again, with the error
        page.get_by_role("button", name="Enregistrer l'orientation").click()
    ui.wait_for_path(r"/personnes/\d+/orienter/\?.*")  # refused: no consent yet
    expect(page.get_by_text("L'accord de la personne est nécessaire pour l'orienter.", exact=True)).to_be_visible()
    consent = page.get_by_label("Accord oral de la personne, présente")
    consent.focus()
    ui.press("Space")
    expect(consent).to_be_checked()
    page.locator("#id_contact_name").fill("Malik")
    page.get_by_role("button", name="Enregistrer l'orientation").click()
    ui.wait_for_path(r"/orientations/\d+/")
    expect(page.get_by_role("status")).to_contain_text("L'orientation est enregistrée")

    # The sheet for the person, as printed.
    ui.activate(page.get_by_role("link", name="Fiche pour la personne"))
    ui.wait_for_path(r"/orientations/\d+/fiche-personne/")
    sheet = page.locator(".appui-handout")
    expect(sheet).to_contain_text("25 rue Gambetta")
    expect(sheet).to_contain_text("Demandez : Malik.")
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.locator(".appui-handout h1")).to_have_text("Où aller")
    page.emulate_media(media="screen")


def test_diagnostic_to_orientation_to_printed_sheet_on_a_desktop(open_ui: Callable[..., UI]) -> None:
    orient_from_the_diagnostic(open_ui(as_user=WORKER))


def test_diagnostic_to_orientation_to_printed_sheet_on_a_phone(open_ui: Callable[..., UI]) -> None:
    orient_from_the_diagnostic(open_ui(as_user=WORKER, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True))


def test_directory_pages_of_a_manager_and_the_inbox_of_the_receiving_structure(open_ui: Callable[..., UI]) -> None:
    manager = open_ui(as_user="responsable@clic-solidaire-demo.fr")
    page = manager.page
    for path in ["/annuaire/", "/annuaire/?open_now=on&services=aide-demarches-administratives", "/structure/lieux/"]:
        manager.goto(path)
    manager.goto("/structure/lieux/nouveau/")
    page.get_by_role("button", name="Enregistrer le lieu").click()
    manager.wait_for_path("/structure/lieux/nouveau/")
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    manager.goto("/annuaire/import/")
    manager.goto("/orientations/recues/")
    received = page.locator("tbody a").first
    expect(received).to_be_visible()
    manager.activate(received)
    manager.wait_for_path(r"/orientations/recues/\d+/")
    expect(page.get_by_role("heading", name="Informations partagées")).to_be_visible()
    manager.goto(page.url.removeprefix(manager.base_url) + "prescription/")
    phone = open_ui(as_user="responsable@clic-solidaire-demo.fr", viewport=PHONE_VIEWPORT, is_mobile=True)
    phone.goto("/annuaire/")
    phone.goto("/orientations/")
