"""The manager invites a member: the page says the e-mail left, shows no link, and offers to send it again."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support import DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP_VIEWPORT, "bureau"), (PHONE_VIEWPORT, "telephone")])
def test_a_manager_invites_then_resends_without_ever_seeing_the_link(
    open_ui: Callable[..., UI], viewport: dict[str, int], name: str
) -> None:
    ui = open_ui(as_user="responsable@ccas-demo.fr", viewport=viewport)
    page = ui.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    email = f"invitee-{name}@ccas-demo.fr"
    ui.goto("/equipe/inviter/")
    page.get_by_label("Adresse e-mail professionnelle").fill(email)
    page.get_by_label("Prénom").fill("Nora")
    page.get_by_label("Nom", exact=True).fill("Benali")
    page.get_by_text("Médiateur numérique").first.click()
    ui.activate(page.get_by_role("button", name="Inviter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation envoyée")  # same address, new page
    ui.wait_for_path("/equipe/inviter/")
    expect(page.get_by_role("status")).to_contain_text(email)
    assert not re.search(r"/invitation/[^/\s\"'<]+/[^/\s\"'<]+/", page.content())
    page.screenshot(path=SCREENSHOTS / f"invitation-envoyee-{name}.png", full_page=True)

    ui.activate(page.get_by_role("link", name="Retour à l'équipe"))
    ui.wait_for_path("/equipe/")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Invitation en attente")
    expect(row).to_contain_text("Invitation envoyée le")
    page.screenshot(path=SCREENSHOTS / f"equipe-invitation-en-attente-{name}.png", full_page=True)
    ui.activate(row.get_by_role("button", name=re.compile("^Renvoyer l'invitation")))
    expect(page.get_by_text(f"L'invitation a été renvoyée à {email}.")).to_be_visible()  # back on the team page
    ui.wait_for_path("/equipe/")
    assert not re.search(r"/invitation/[^/\s\"'<]+/[^/\s\"'<]+/", page.content())
    page.screenshot(path=SCREENSHOTS / f"invitation-renvoyee-{name}.png", full_page=True)
