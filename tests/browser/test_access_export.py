"""The right-of-access hand-over in a real browser: register, preparation, inbox, part page, sealing form,
structure contact page; axe-core on each, at desktop and phone widths, keyboard only where it matters."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support import PHONE_VIEWPORT, UI
from .test_pages import first_person_path

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shot(ui: UI, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ui.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_access_request_is_prepared_handed_over_and_sealed(open_ui: Callable[..., UI]) -> None:
    # The manager fills the DPO contact the export gives the person.
    manager = open_ui(as_user="responsable@ccas-demo.fr")
    manager.goto("/equipe/")
    manager.activate(manager.page.get_by_role("link", name="Coordonnées de la structure"))
    manager.wait_for_path("/equipe/coordonnees/")
    manager.page.get_by_label("Contact du délégué", exact=False).fill("dpo@ccas-villeurbanne.example.fr")
    _shot(manager, "structure-coordonnees")
    manager.page.get_by_role("button", name="Enregistrer").click()
    manager.wait_for_path("/equipe/")

    # The DPO records an access request and prepares the export: a zip, and parts to hand over.
    dpo = open_ui(as_user="dpo@ccas-demo.fr")
    person = first_person_path(dpo)
    dpo.goto(person)
    dpo.activate(dpo.page.get_by_role("link", name="Demande d'accès à ses données (art. 15)"))
    dpo.wait_for_path(r"/personnes/\d+/demandes-rgpd/nouvelle/\?type=acces")
    expect(dpo.page.get_by_label("Accès (art. 15)")).to_be_checked()
    dpo.page.get_by_role("button", name="Enregistrer").click()
    dpo.wait_for_path("/rgpd/demandes/")
    with dpo.page.expect_download() as download:
        dpo.page.get_by_role("button", name="Préparer l'export", exact=False).first.click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        assert {"donnees.pdf", "donnees.json"} <= set(archive.namelist())
    dpo.goto("/rgpd/demandes/")
    expect(dpo.page.get_by_text("à compléter", exact=False).first).to_be_visible()
    _shot(dpo, "registre-demandes")
    dpo.activate(dpo.page.get_by_role("link", name="Situation et foyer").first)
    dpo.wait_for_path(r"/rgpd/parties/\d+/")
    expect(dpo.page.get_by_role("heading", name="Qui peut remettre cette partie")).to_be_visible()
    _shot(dpo, "partie-vue-du-dpo")

    # A social worker finds the part on "Ma journée", produces it and records the hand-over.
    social = open_ui(as_user="social@ccas-demo.fr")
    social.goto("/")
    social.activate(social.page.get_by_role("link", name="Voir les données à remettre"))
    social.wait_for_path("/rgpd/donnees-a-remettre/")
    _shot(social, "donnees-a-remettre")
    social.activate(social.page.get_by_role("link", name="Remettre : Situation et foyer", exact=False).first)
    social.wait_for_path(r"/rgpd/parties/\d+/")
    _shot(social, "partie-a-remettre")
    social.page.get_by_role("button", name="Sceller pour la personne").click()  # sent empty: errors are accessible
    social.wait_for_path(r"/rgpd/parties/\d+/sceller/")
    expect(social.page.locator("#id_passphrase")).to_have_attribute("aria-invalid", "true")
    _shot(social, "partie-scellement-erreurs")
    social.page.go_back()
    social.page.wait_for_load_state("load")
    social.page.get_by_label("En main propre").check(force=True)
    with social.page.expect_download() as handed:
        social.page.get_by_role("button", name="Télécharger et noter la remise").click()
    assert handed.value.suggested_filename.endswith("-situation.zip")

    # The same pages on a phone.
    phone = open_ui(as_user="dpo@ccas-demo.fr", viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    phone.goto("/rgpd/demandes/")
    _shot(phone, "registre-demandes-telephone")
    phone_social = open_ui(as_user="social@ccas-demo.fr", viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    phone_social.goto("/rgpd/donnees-a-remettre/")
    link = phone_social.page.locator("a[href^='/rgpd/parties/']").first
    if link.count():
        href = link.get_attribute("href")
        assert href
        phone_social.goto(href)
        _shot(phone_social, "partie-a-remettre-telephone")
    phone_manager = open_ui(as_user="responsable@ccas-demo.fr", viewport=PHONE_VIEWPORT, is_mobile=True)
    phone_manager.goto("/equipe/coordonnees/")
