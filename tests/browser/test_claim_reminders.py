"""Following up a claim in a real browser: the claim due today on « Ma journée », its reminder moved in the follow-up
form (a past date refused with the error summary, nothing lost), then shown on the person's page. Every screen is
checked with axe and saved under var/screenshots/."""

import datetime
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import UI

pytestmark = pytest.mark.browser

WORKER = "social@ccas-demo.fr"


def test_a_claim_due_today_is_reminded_then_moved_and_shown_on_the_person_page(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user=WORKER)
    page = ui.page
    ui.goto("/")
    # The demo's worker recorded claims a month ago or more: their reminder is today.
    section = page.get_by_role("region", name=re.compile(r"^Droits à relancer \(\d+\)"))
    expect(section).to_be_visible()
    expect(section).to_contain_text("Relance prévue le")
    ui.screenshot("ma-journee-droits-a-relancer")
    right = section.locator("a[href*='/droits/simulations/']").first
    benefit = str(right.get_attribute("href")).rsplit("#droit-", 1)[1]
    ui.activate(right)
    ui.wait_for_path(r"/droits/simulations/\d+/#droit-[a-z_]+")
    detail = ui.path().split("#")[0]

    reminder = page.locator(f"#id_{benefit}-reminder_on")
    today = datetime.date.fromisoformat(str(reminder.input_value()))  # the default: the server's today
    form = page.locator("form", has=reminder)

    # A reminder in the past: refused, the error summary is focused, what was typed is kept.
    reminder.fill((today - datetime.timedelta(days=2)).isoformat())
    form.get_by_role("button", name=re.compile("^Enregistrer le suivi")).click()
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("La date de relance ne peut pas être passée.")
    expect(page.locator(f"#id_{benefit}-reminder_on")).to_have_value((today - datetime.timedelta(days=2)).isoformat())
    ui.check_accessibility()
    ui.screenshot("suivi-droit-relance-refusee")

    # In two weeks: recorded, back on the screening.
    later = today + datetime.timedelta(days=14)
    page.locator(f"#id_{benefit}-reminder_on").fill(later.isoformat())
    page.locator("form", has=page.locator(f"#id_{benefit}-reminder_on")).get_by_role(
        "button", name=re.compile("^Enregistrer le suivi")
    ).click()
    ui.wait_for_path(re.escape(detail))
    expect(page.locator(f"#id_{benefit}-reminder_on")).to_have_value(later.isoformat())
    expect(page.get_by_text("Suivi enregistré")).to_be_visible()

    # The person's page lists the right with its new reminder date.
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role("link").nth(1).click()
    ui.wait_for_path(r"/personnes/\d+/")
    followed = page.locator("#suivi-droits")
    expect(followed).to_contain_text(f"Relance prévue le {later:%d/%m/%Y}")
    ui.screenshot("fiche-suivi-des-droits")
