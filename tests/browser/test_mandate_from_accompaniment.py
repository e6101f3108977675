"""« Fait à sa place » without a mandate, in a real browser at desktop and phone widths: the worker creates the
mandate from the accompaniment form and comes back to it with everything typed and the new mandate chosen.

Every screen is checked with axe and saved under var/screenshots/.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

NOTE = "Demande d'APL commencée sur caf.fr, reste l'avis d'imposition"


def nth_person_path(ui: UI, index: int) -> str:
    """Open the person list and return the path of the person at this rank."""
    ui.goto("/personnes/")
    href = ui.page.locator("#resultats tbody a").nth(index).get_attribute("href")
    assert href and href.startswith("/personnes/"), href
    return href


@pytest.mark.parametrize(
    ("viewport", "rank"),
    [pytest.param(DESKTOP_VIEWPORT, 3, id="bureau"), pytest.param(PHONE_VIEWPORT, 4, id="telephone")],
)
def test_creating_the_missing_mandate_keeps_the_accompaniment_typed(
    open_ui: Callable[..., UI], viewport: dict[str, int], rank: int
) -> None:
    phone = {"is_mobile": True, "has_touch": True} if viewport is PHONE_VIEWPORT else {}
    ui = open_ui(as_user="social@ccas-demo.fr", viewport=viewport, **phone)
    page = ui.page
    person = nth_person_path(ui, rank)
    ui.goto(f"{person}accompagnements/nouveau/")

    # The worker types the accompaniment, done in the person's place, then sees there is no mandate for it.
    page.get_by_role("radio", name="45 min", exact=True).check(force=True)
    page.get_by_role("radio", name="Fait à sa place", exact=True).check(force=True)
    page.get_by_role("checkbox", name="Démarche : logement", exact=True).check(force=True)
    page.locator("#id_notes").fill(NOTE)
    page.locator("#id_private_note").fill("Rappeler jeudi")
    ui.check_accessibility()
    page.get_by_role("button", name="Créer le mandat").click()

    # The mandate form, for this person, with housing proposed and the consent text to match.
    ui.wait_for_path(re.escape(f"{person}mandats/nouveau/") + r"\?brouillon=[\w-]+")
    expect(page.get_by_text("Votre accompagnement en cours est gardé")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Logement", exact=True)).to_be_checked()
    expect(page.locator("#texte-consentement")).to_contain_text("catégories suivantes : Logement")
    page.get_by_label("6 mois").check(force=True)
    page.get_by_label("La personne est présente", exact=False).check(force=True)
    ui.check_accessibility()
    page.get_by_role("button", name="Enregistrer le mandat").click()

    # Back on the accompaniment form: nothing typed is lost, and the new mandate is the one chosen.
    ui.wait_for_path(re.escape(f"{person}accompagnements/nouveau/") + r"\?brouillon=[\w-]+")
    notice = page.get_by_text(re.compile(r"Votre saisie est reprise, avec le mandat n° \d+ choisi"))
    expect(notice).to_be_visible()
    number = re.search(r"n° (\d+)", notice.inner_text())
    assert number
    expect(page.locator("#id_mandate")).to_have_value(number.group(1))
    expect(page.get_by_role("radio", name="Fait à sa place", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="45 min", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Démarche : logement", exact=True)).to_be_checked()
    expect(page.locator("#id_notes")).to_have_value(NOTE)
    expect(page.locator("#id_private_note")).to_have_value("Rappeler jeudi")
    page.get_by_role("button", name="Enregistrer l'accompagnement").click()

    ui.wait_for_path(re.escape(person))
    expect(page.get_by_text("L'accompagnement a été enregistré.")).to_be_visible()
    expect(page.get_by_text(f"Mandat n° {number.group(1)}").first).to_be_visible()
