"""The daily journey of a social worker, in a real browser, mostly with the keyboard.

Log in, create a person, record an accompaniment, find the person again by typing part of their name
without accents, open them from the results. Every page visited passes axe-core (see support.UI).
"""

import datetime
import re
import unicodedata
import zoneinfo
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import SOCIAL_WORKER, UI

pytestmark = pytest.mark.browser

LAST_NAME = "Évrard-Lhôte"
FIRST_NAME = "Anaïs"


def strip_accents(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def today_in_paris() -> str:
    return datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).date().isoformat()


def test_create_person_record_accompaniment_and_find_them(ui: UI) -> None:
    page = ui.page
    ui.login("social@ccas-demo.fr")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Create the person, from the main menu.
    ui.activate(page.locator("#menu-principal").get_by_role("link", name="Nouvelle personne"))
    ui.wait_for_path("/personnes/nouvelle/")
    expect(page.locator("#id_informed_at")).to_have_value(today_in_paris())
    page.locator("#id_last_name").focus()
    ui.type(LAST_NAME)
    ui.press("Tab")
    expect(page.locator("#id_first_name")).to_be_focused()
    ui.type(FIRST_NAME)
    page.locator("#id_birth_date").fill("1962-03-14")
    page.locator("#id_phone").fill("06 12 34 56 78")
    page.locator("#id_address").fill("12 rue des Écoles")
    page.locator("#id_postal_code").fill("69100")
    page.locator("input[name=languages][value=fr]").focus()
    ui.press("Space")
    expect(page.locator("input[name=languages][value=fr]")).to_be_checked()
    # The commune by its name, picked among the suggestions with the keyboard (the INSEE code is stored).
    page.locator("#id_commune_code_0").fill("Villeurb")
    expect(page.get_by_role("option", name="Villeurbanne (69) · 69100")).to_be_visible()
    ui.press("ArrowDown")
    ui.press("Enter")
    expect(page.locator("input[name=commune_code_code]")).to_have_value("69266")
    page.locator("#id_address").focus()
    ui.press("Enter")  # implicit submission: the first submit button is "Enregistrer"
    person_path = ui.wait_for_path(r"/personnes/(\d+)/").group(0).removeprefix(ui.base_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FIRST_NAME} {LAST_NAME.upper()}")
    expect(page.get_by_role("status")).to_contain_text("a été créée")

    # Record an accompaniment, with the prefilled defaults.
    ui.activate(page.get_by_role("link", name="Nouvel accompagnement"))
    ui.wait_for_path(person_path + "accompagnements/nouveau/")
    expect(page.locator("#id_date")).to_have_value(today_in_paris())
    expect(page.locator("input[name=duration][value='30']")).to_be_checked()
    expect(page.locator("input[name=where]").first).to_be_checked()  # the structure's first place
    expect(page.locator("input[name=mode][value=fait_avec]")).to_be_checked()
    theme = page.locator("input[name=themes][value=papiers]")
    theme.focus()
    ui.press("Space")
    expect(theme).to_be_checked()
    page.locator("#id_outcome").focus()
    ui.type("Demande de carte d'identité déposée en ligne.")
    page.get_by_role("button", name="Enregistrer l'accompagnement").focus()
    ui.press("Enter")
    ui.wait_for_path(person_path)
    timeline = page.locator(".appui-timeline > li")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text("papiers")
    expect(timeline.first).to_contain_text("Demande de carte d'identité déposée en ligne.")

    # Find the person again: part of the name, typed without accents, live results (htmx).
    ui.activate(page.locator("#menu-principal").get_by_role("link", name="Personnes"))
    ui.wait_for_path("/personnes/")
    search = page.locator("#id_q")
    search.focus()
    query = strip_accents(f"{LAST_NAME[:6]} {FIRST_NAME[:3]}").lower()  # "evrard ana"
    ui.type(query, delay=20)
    expect(page.locator("#nombre-resultats")).to_have_text(f"1 résultat pour « {query} »")
    expect(page).to_have_url(re.compile(r"/personnes/\?q=evrard"))
    ui.check_accessibility()
    result = page.locator("#resultats").get_by_role("link", name=f"{LAST_NAME.upper()} {FIRST_NAME}")
    ui.tab_to(result)
    ui.press("Enter")
    ui.wait_for_path(person_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FIRST_NAME} {LAST_NAME.upper()}")


def test_search_form_submission_ignores_accents_and_case(open_ui: Callable[..., UI]) -> None:
    """Submitting the search form (Enter) finds a demo person by their name without accents."""
    ui = open_ui(as_user=SOCIAL_WORKER)
    page = ui.page
    ui.goto("/personnes/")
    first = page.locator("#resultats tbody tr").first.get_by_role("link")
    name = first.inner_text()  # "NOM Prénom"
    last_name = name.rsplit(" ", 1)[0]
    query = strip_accents(last_name).lower()
    page.locator("#id_q").focus()
    ui.type(query)
    # Enter submits the form (a full page load); htmx also pushes the same address meanwhile, so wait for
    # the page load itself, not for the address.
    with page.expect_response(lambda r: r.request.is_navigation_request() and "?q=" in r.url):
        ui.press("Enter")
    ui.wait_for_path(r"/personnes/\?q=.+")
    expect(page.locator("#nombre-resultats")).to_contain_text(f"pour « {query} »")
    expect(page.locator("#resultats").get_by_role("link", name=name).first).to_be_visible()

    # A query that matches nobody says so.
    ui.goto("/personnes/?q=1900")
    expect(page.locator("#nombre-resultats")).to_have_text(re.compile(r"^(Aucun résultat|0 résultats?) pour « 1900 »$"))
    expect(page.locator("#resultats")).to_contain_text("Aucune personne ne correspond.")
