"""A near-duplicate warned at creation (nothing typed lost, the existing record opens beside the form), and a
search with a typo, on a desktop and on a phone; every page passes axe-core."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support import DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def fill_person(ui: UI, *, last_name: str, first_name: str, birth_date: str, phone: str) -> None:
    page = ui.page
    page.locator("#id_last_name").fill(last_name)
    page.locator("#id_first_name").fill(first_name)
    page.locator("#id_birth_date").fill(birth_date)
    page.locator("#id_phone").fill(phone)
    page.locator("#id_address").fill("3 place Lazare-Goujon")


@pytest.mark.parametrize(
    ("viewport", "names"),
    [(DESKTOP_VIEWPORT, ("LEFEBVRE", "Sara", "Sarah")), (PHONE_VIEWPORT, ("KOUASSI", "Aya", "Ayah"))],
    ids=["bureau", "telephone"],
)
def test_a_near_duplicate_is_announced_then_confirmed(
    viewport: dict[str, int], names: tuple[str, str, str], open_ui: Callable[..., UI]
) -> None:
    last_name, first_name, near_first_name = names
    size = "bureau" if viewport is DESKTOP_VIEWPORT else "telephone"
    phone = {"is_mobile": True, "has_touch": True} if viewport is PHONE_VIEWPORT else {}
    ui = open_ui(as_user="social@ccas-demo.fr", viewport=viewport, **phone)
    page = ui.page

    ui.goto("/personnes/nouvelle/")
    fill_person(ui, last_name=last_name, first_name=first_name, birth_date="1990-03-04", phone="06 11 22 33 44")
    page.get_by_role("button", name="Enregistrer").click()
    existing = ui.wait_for_path(r"/personnes/(\d+)/").group(1)

    ui.goto("/personnes/nouvelle/")
    fill_person(ui, last_name=last_name.lower(), first_name=near_first_name, birth_date="1990-03-04", phone="")
    page.get_by_role("button", name="Enregistrer").click()
    ui.wait_for_path("/personnes/nouvelle/")
    alert = page.locator("#doublons-probables")
    expect(alert).to_contain_text("Cette personne a peut-être déjà une fiche")
    link = alert.get_by_role("link", name=f"ouvrir cette fiche de {first_name} {last_name} (nouvel onglet)")
    expect(link).to_have_attribute("href", f"/personnes/{existing}/")
    expect(link).to_have_attribute("target", "_blank")
    # Nothing typed is lost.
    expect(page.locator("#id_first_name")).to_have_value(near_first_name)
    expect(page.locator("#id_address")).to_have_value("3 place Lazare-Goujon")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"doublon-probable-{size}.png"), full_page=True)

    # The existing record opens in a new tab; the form stays as it was.
    with page.context.expect_page() as new_tab:
        link.click()
    record = new_tab.value
    record.wait_for_load_state()
    assert record.url.endswith(f"/personnes/{existing}/")
    record.close()
    expect(page.locator("#id_first_name")).to_have_value(near_first_name)

    confirm = page.get_by_role("button", name="Ce n'est pas la même personne : créer la fiche")
    ui.activate(confirm)
    created = ui.wait_for_path(r"/personnes/(\d+)/").group(1)
    assert created != existing
    expect(page.get_by_role("heading", level=1)).to_contain_text(near_first_name)


def test_a_typo_in_the_live_search_shows_the_closest_names(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="social@ccas-demo.fr")
    page = ui.page
    ui.goto("/personnes/nouvelle/")
    fill_person(ui, last_name="Nguyen", first_name="Théo", birth_date="1971-06-21", phone="+33 6 98 76 54 32")
    page.get_by_role("button", name="Enregistrer").click()
    ui.wait_for_path(r"/personnes/(\d+)/")

    ui.goto("/personnes/")
    search = page.get_by_label("Rechercher par nom, année de naissance, numéro de dossier, téléphone ou e-mail")
    search.fill("nguien theo")
    expect(page.locator("#resultats-approchants")).to_contain_text("Aucun nom ne correspond exactement")
    expect(page.locator("#resultats tbody")).to_contain_text("NGUYEN Théo")
    ui.wait_for_path(r"/personnes/\?q=nguien(%20|\+)theo")
    page.screenshot(path=str(SCREENSHOTS / "recherche-approchante.png"), full_page=True)

    search.fill("06 98 76 54 32")
    expect(page.locator("#nombre-resultats")).to_contain_text("1 résultat")
    expect(page.locator("#resultats tbody")).to_contain_text("NGUYEN Théo")
    ui.wait_for_path(r"/personnes/\?q=06((%20|\+)\d\d){4}")
