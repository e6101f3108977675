"""The digital-autonomy diagnostic and the procedure guides, in a real browser.

A person answers the diagnostic alone in "mode personne" with the keyboard only (Tab, Space, Enter: no mouse
click), from the worker's page to the result with its chart; and every diagnostic and guide page passes axe-core
(worker form, its errors, person-mode screens, result, guide list, guide, printable guide).
"""

import re

import pytest
from playwright.sync_api import expect

from .support import DEMO_PASSWORD, DESKTOP_VIEWPORT, PHONE_VIEWPORT, UI

pytestmark = pytest.mark.browser

USER = "social@ccas-demo.fr"
GUIDE = "/guides/demande-aide-logement/"
NO_ANSWER = "Je ne veux pas répondre"
WITH_HELP = "Oui, avec de l'aide"


def first_person_path(ui: UI) -> str:
    """Open the person list and return the path of the first person's page."""
    ui.goto("/personnes/")
    href = ui.page.locator("#resultats tbody a").first.get_attribute("href")
    assert href and href.startswith("/personnes/"), href
    return href


def choose(ui: UI, label: str, key: str) -> None:
    """Tab to the answer button with this label and press the key (Space or Enter)."""
    button = ui.page.locator("[data-appui-read-aloud-choices]").get_by_role("button", name=label, exact=True)
    ui.tab_to(button)
    ui.press(key)


@pytest.mark.parametrize(
    "viewport", [pytest.param(DESKTOP_VIEWPORT, id="bureau"), pytest.param(PHONE_VIEWPORT, id="telephone")]
)
def test_a_person_completes_the_diagnostic_alone_with_the_keyboard(open_ui, viewport) -> None:  # type: ignore[no-untyped-def]
    phone = {"is_mobile": True, "has_touch": True} if viewport is PHONE_VIEWPORT else {}
    ui: UI = open_ui(as_user=USER, viewport=viewport, **phone)
    page = ui.page
    person = first_person_path(ui)
    ui.goto(f"{person}diagnostics/")

    # The worker opens the person mode from the person's diagnostics page.
    ui.tab_to(page.get_by_role("link", name=re.compile("^Mode personne")), max_presses=40)
    ui.press("Enter")
    ui.wait_for_path(re.escape(f"{person}diagnostics/mode-personne/"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_focused()  # a screen reader starts with the title
    expect(page.locator("#menu-principal")).to_be_hidden()  # the worker's menus are out of the way
    ui.tab_to(page.get_by_role("button", name="Commencer"))
    ui.press("Enter")

    progress = page.locator("#progression")
    expect(progress).to_have_text(re.compile(r"^Question 1 sur \d+$"))
    total = int(progress.inner_text().rsplit(" ", 1)[1])
    expect(heading).to_be_focused()  # every question screen starts on the question
    ui.check_accessibility()  # an obstacle question screen

    listen = page.get_by_role("button", name="Écouter la question")
    if page.evaluate("'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function'"):
        expect(listen).to_be_visible()
        ui.tab_to(listen)
        ui.press("Enter")  # reads aloud; any JavaScript error fails the test at the end
    else:
        expect(listen).to_be_hidden()  # no speech synthesis: the button never shows

    skipped = False
    for number in range(1, total + 1):
        expect(progress).to_have_text(f"Question {number} sur {total}")
        if number > 1:  # on the first screen, the focus went to "Écouter la question"
            expect(heading).to_be_focused()
        first_label = page.locator("[data-appui-read-aloud-choices] button").first.inner_text()
        key = "Space" if number % 2 else "Enter"
        if first_label.startswith("Non, je ne sais pas"):  # a skill question
            if not skipped:
                ui.check_accessibility()  # the first skill question screen
                choose(ui, NO_ANSWER, key)
                skipped = True
            else:
                choose(ui, WITH_HELP, key)
        else:
            choose(ui, first_label, key)

    expect(heading).to_have_text("Vous avez répondu à toutes les questions")
    expect(heading).to_be_focused()
    ui.check_accessibility()
    ui.tab_to(page.get_by_role("button", name="Envoyer mes réponses"))
    ui.press("Enter")

    # The device locks: the person sees thanks and no menu; the worker types their password to see the result.
    ui.wait_for_path(r"/mode-personne/verrou/")
    expect(page.get_by_text("Merci ! Vos réponses sont enregistrées.")).to_be_visible()
    expect(page.locator("#menu-principal")).to_have_count(0)
    ui.check_accessibility()
    lock = ui.path()
    # From the locked session, no page of the team answers: each address leads back to the lock.
    for address in ("/", "/personnes/", f"{person}", "/rgpd/journal/", "/deconnexion/"):
        ui.page.goto(ui.base_url + address)
        ui.wait_for_path(re.escape(lock))
        expect(page.locator("#menu-principal")).to_have_count(0)
    # The worker comes back with the keyboard: Tab to the password, type it, Enter.
    ui.tab_to(page.get_by_label("Votre mot de passe"), max_presses=20)
    ui.type(DEMO_PASSWORD)
    ui.press("Enter")

    ui.wait_for_path(r"/diagnostics/\d+/")  # the result page, checked with axe
    expect(page.get_by_role("status")).to_contain_text("terminé")
    expect(page.get_by_role("heading", name="Faire avec la personne")).to_be_visible()
    expect(page.locator("figure svg[role=img]")).to_be_visible()
    expect(page.get_by_role("table", name="Score par domaine et par diagnostic (sur 3)")).to_be_visible()


def test_diagnostic_and_guide_pages_pass_axe(open_ui) -> None:  # type: ignore[no-untyped-def]
    ui: UI = open_ui(as_user=USER)
    page = ui.page
    person = first_person_path(ui)

    # The worker's one-page form, then sent incomplete: its error messages must be accessible too.
    ui.goto(f"{person}diagnostics/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    page.get_by_role("button", name="Enregistrer le diagnostic").focus()
    with page.expect_navigation():  # the same address answers again, with the errors
        ui.press("Enter")
    ui.wait_for_path(re.escape(f"{person}diagnostics/nouveau/"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient")  # the error summary, focused, one link per question
    expect(summary).to_be_focused()

    ui.goto(f"{person}diagnostics/")
    ui.goto("/guides/")
    expect(page.locator(".appui-guide-list > li")).to_have_count(15)
    ui.goto("/guides/?theme=logement")
    ui.goto(GUIDE)
    expect(page.get_by_role("link", name="Aller sur caf.fr")).to_have_attribute("href", re.compile(r"^https://"))
    ui.activate(page.get_by_role("link", name="Version à imprimer"))
    ui.wait_for_path(re.escape(f"{GUIDE}imprimer/"))
    print_button = page.get_by_role("button", name="Imprimer")
    expect(print_button).to_be_visible()
    expect(print_button).to_have_attribute("data-appui-print", "")

    # On paper: the guide only, no navigation, no button.
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.locator("footer.fr-footer")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.locator(".appui-handout h1")).to_be_visible()
    assert page.locator(".appui-handout").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 18
    page.emulate_media(media="screen")
