"""The household in a real browser, at desktop and phone widths: a new record with its commune picked in the
suggestions by keyboard; adding a spouse proposes to update the family situation; the spouse becomes a followed
person from a prefilled form. Every screen is checked with axe and saved under var/screenshots/.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("viewport", "holder", "spouse"),
    [
        pytest.param(DESKTOP_VIEWPORT, ("Marchetti", "Lucie"), "Ilyès", id="bureau"),
        pytest.param(PHONE_VIEWPORT, ("Ndiaye", "Fatou"), "Oumar", id="telephone"),
    ],
)
def test_a_spouse_updates_the_family_situation_and_becomes_a_followed_person(
    open_ui: Callable[..., UI], viewport: dict[str, int], holder: tuple[str, str], spouse: str
) -> None:
    phone = {"is_mobile": True, "has_touch": True} if viewport is PHONE_VIEWPORT else {}
    ui = open_ui(as_user="social@ccas-demo.fr", viewport=viewport, **phone)
    page = ui.page
    last_name, first_name = holder

    # A new record; the commune is picked by its name among the suggestions, with the keyboard.
    ui.goto("/personnes/nouvelle/")
    page.locator("#id_last_name").fill(last_name)
    page.locator("#id_first_name").fill(first_name)
    page.locator("#id_birth_date").fill("1979-10-21")
    page.locator("#id_address").fill("4 place Lazare-Goujon")
    combobox = page.locator("#id_commune_code_0")
    combobox.fill("Villeurb")
    expect(page.get_by_role("option", name="Villeurbanne (69) · 69100")).to_be_visible()
    expect(combobox).to_have_attribute("aria-expanded", "true")
    ui.check_accessibility()  # the open list of suggestions
    ui.press("ArrowDown")
    ui.press("Enter")
    expect(page.locator("input[name=commune_code_code]")).to_have_value("69266")
    page.locator("#id_address").focus()
    ui.press("Enter")  # implicit submission: the first submit button is "Enregistrer"
    holder_path = ui.wait_for_path(r"/personnes/(\d+)/").group(0).removeprefix(ui.base_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first_name} {last_name.upper()}")

    # A spouse in the household: the record says nothing of a couple, so the next page proposes to say it.
    ui.activate(page.get_by_role("link", name="Ajouter un membre du foyer"))
    ui.wait_for_path(re.escape(f"{holder_path}foyer/ajouter/"))
    page.get_by_label("Lien avec la personne").select_option("conjoint")
    page.get_by_label("Prénom").fill(spouse)
    page.get_by_label("Date de naissance").fill("1977-05-02")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    ui.wait_for_path(re.escape(f"{holder_path}foyer/situation/"))
    expect(page.get_by_text("Vous venez d'ajouter un·e conjoint·e au foyer")).to_be_visible()
    married = page.get_by_role("radio", name="Marié·e", exact=True)
    married.focus()
    ui.press("Space")
    expect(married).to_be_checked()
    ui.check_accessibility()
    ui.activate(page.get_by_role("button", name="Mettre à jour la situation familiale"))
    ui.wait_for_path(re.escape(holder_path))
    expect(page.get_by_role("status").filter(has_text="La situation familiale est mise à jour.")).to_be_visible()
    situation = page.locator("#titre-situation").locator("xpath=..")
    expect(situation).to_contain_text("Marié·e")

    # The spouse becomes a followed person: the new record's form arrives filled from the household.
    ui.activate(page.get_by_role("link", name=f"Suivre cette personne : créer sa fiche ({spouse})"))
    ui.wait_for_path(r"/personnes/nouvelle/\?membre_du_foyer=\d+")
    expect(page.locator("#id_first_name")).to_have_value(spouse)
    expect(page.locator("#id_last_name")).to_have_value(last_name)
    expect(page.locator("#id_birth_date")).to_have_value("1977-05-02")
    expect(page.locator("#id_address")).to_have_value("4 place Lazare-Goujon")
    page.locator("#id_address").focus()
    ui.press("Enter")
    spouse_path = ui.wait_for_path(r"/personnes/(\d+)/").group(0).removeprefix(ui.base_url)
    assert spouse_path != holder_path
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{spouse} {last_name.upper()}")
