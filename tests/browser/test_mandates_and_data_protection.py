"""Mandate, service-alert and data-protection pages pass axe-core (goto() audits every page it opens)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .support import UI
from .test_pages import first_person_path

pytestmark = pytest.mark.browser


def test_mandate_pages(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="social@ccas-demo.fr")
    page = ui.page
    person = first_person_path(ui)
    ui.goto(f"{person}mandats/nouveau/")
    page.get_by_label("Logement").check(force=True)
    page.get_by_label("6 mois").check(force=True)
    page.get_by_label("La personne est présente", exact=False).check(force=True)
    page.get_by_role("button", name="Enregistrer le mandat").click()
    match = ui.wait_for_path(r"/mandats/(\d+)/")
    ui.check_accessibility()
    expect(page.get_by_role("link", name="Télécharger l'attestation (PDF)")).to_be_visible()
    expect(page.get_by_role("heading", name="Révoquer")).to_be_visible()
    ui.goto(f"{person}accompagnements/nouveau/")
    expect(page.get_by_label("Mandat utilisé")).to_be_visible()
    assert match


def test_service_alert_pages(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="mediateur@ccas-demo.fr")
    page = ui.page
    ui.goto("/signalements/nouveau/")
    page.get_by_label("Étape où cela bloque").fill("connexion")
    page.get_by_role("button", name="Envoyer le signalement").click()
    ui.wait_for_path("/signalements/")
    ui.check_accessibility()
    ui.goto("/signalements/?perimetre=territoire")


def test_data_protection_pages_as_dpo(open_ui: Callable[..., UI]) -> None:
    ui = open_ui(as_user="dpo@ccas-demo.fr")
    person = first_person_path(ui)
    ui.goto(person)
    ui.goto(f"{person}demandes-rgpd/nouvelle/")
    ui.goto("/rgpd/demandes/")
    ui.goto("/rgpd/eliminations/")
    ui.goto("/personnes/notice-information/?version=facile")
