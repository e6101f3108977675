"""The statistics pages through the test client: scopes, filters, charts with their tables, the territory view."""

import html
import re

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from appui.reporting.models import TerritoryCoordination
from tests.accounts.factories import UserFactory
from tests.conftest import logged_in_client, verified_device

from .dataset import START, TODAY, build


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _period() -> dict[str, str]:
    return {"periode": "personnalisee", "du": START.isoformat(), "au": TODAY.isoformat()}


@pytest.fixture
def dataset(db):
    return build()


def _count(dataset, structures, author=None, kind=None) -> int:
    """Count the ledger's activities of the period (independently of the statistics queries)."""
    return sum(
        1
        for e in dataset.ledger
        if e.structure in structures
        and START <= e.date <= TODAY
        and (author is None or e.author == author)
        and (kind is None or e.kind == kind)
    )


def _key_figure(page: str, label: str) -> str:
    match = re.search(r'appui-key-number">([^<]*)</span> <span class="appui-key-label">' + re.escape(label), page)
    assert match, label
    return match.group(1)


@pytest.mark.django_db
def test_manager_sees_the_structure_by_member_and_by_place(dataset):
    client = logged_in_client(dataset.members["mA"])
    page = _text(client.get(reverse("web:statistics"), _period()))
    assert "Statistiques — CCAS Villeurbanne" in page
    assert _key_figure(page, "Activités") == str(_count(dataset, {"A"}))
    assert "Par membre de l'équipe" in page and dataset.members["mA2"].user.get_full_name() in page
    assert "Antenne des Buers" in page
    # Every chart is an image with a title and a description, followed by its table.
    assert page.count('role="img"') == page.count("<desc id=") > 10
    assert page.count("<table") >= page.count('role="img"')
    assert "Ce que seul Appui suit" in page and "Euros par mois obtenus" in page
    assert "Mandats créés, par catégorie" in page


@pytest.mark.django_db
def test_a_member_sees_only_their_own_activity(dataset):
    client = logged_in_client(dataset.members["mA2"])
    page = _text(client.get(reverse("web:statistics"), _period()))
    assert "Statistiques — Mon activité" in page
    assert _key_figure(page, "Activités") == str(_count(dataset, {"A"}, author="mA2"))
    assert "Par membre de l'équipe" not in page and 'name="membre"' not in page


@pytest.mark.django_db
def test_filters_and_an_invalid_period_are_explained(dataset):
    client = logged_in_client(dataset.members["mA"])
    page = _text(client.get(reverse("web:statistics"), {**_period(), "type": "collectif"}))
    assert _key_figure(page, "Activités") == str(_count(dataset, {"A"}, kind="collectif"))
    wrong = _text(client.get(reverse("web:statistics"), {"periode": "personnalisee", "du": TODAY.isoformat()}))
    assert "Indiquez les deux dates de la période." in wrong


@pytest.mark.django_db
def test_accueil_does_not_see_the_social_status_breakdown(dataset, member_of):
    accueil = member_of(dataset.structures["A"], Role.ACCUEIL)
    page = _text(logged_in_client(accueil).get(reverse("web:statistics")))
    assert "Tranche d'âge" in page and "Statut</h3>" not in page
    assert logged_in_client(accueil).get(reverse("web:statistics_export_csv")).status_code == 403


@pytest.mark.django_db
def test_territory_view_shows_counts_under_5_as_less_than_5(dataset):
    coordinator = UserFactory()
    verified_device(coordinator)
    TerritoryCoordination.objects.create(user=coordinator, territory_kind="departement", territory_code="69")
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(coordinator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(coordinator).persistent_id
    session.save()
    # A coordination account without a structure lands on its territory.
    assert client.get(reverse("web:dashboard"))["Location"] == reverse("web:territory_statistics")
    raw = client.get(reverse("web:territory_statistics"), _period()).content.decode()
    page = html.unescape(raw)
    assert "Rhône (69)" in page and "CCAS Villeurbanne" in page and "Centre social Lyon" in page
    assert "Mairie Vénissieux" not in page and "Association Lille" not in page
    # A's activities and B's, summed; B alone has fewer than 5, so its count is hidden.
    in_a, in_b = _count(dataset, {"A"}), _count(dataset, {"B"})
    assert in_a >= 5 > in_b > 0
    assert _key_figure(page, "Activités") == str(in_a + in_b)
    structures = {k: html.unescape(v) for k, v in re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', raw)}
    assert structures["CCAS Villeurbanne"] == str(in_a) and structures["Centre social Lyon"] == "< 5"
    # No count from 1 to 4 appears in any table cell of the territory page; no person, no member.
    cells = [html.unescape(c) for c in re.findall(r"<td>([^<]*)</td>", raw)]
    assert not [c for c in cells if c.strip() in {"0", "1", "2", "3", "4"}], cells
    assert "< 5" in cells
    assert dataset.members["mA"].user.last_name not in page and dataset.persons["p1"].last_name not in page


@pytest.mark.django_db
def test_territory_view_is_not_found_without_a_coordination(dataset):
    client = logged_in_client(dataset.members["mA"])
    assert client.get(reverse("web:territory_statistics")).status_code == 404


@pytest.mark.django_db
def test_the_manager_decides_the_sharing_and_it_is_journaled(dataset):
    from appui.audit.models import AuditEvent
    from appui.reporting.models import StatisticsSharing

    d = dataset.structures["D"]
    manager = logged_in_client(
        __import__("tests.accounts.factories", fromlist=["MembershipFactory"]).MembershipFactory(
            structure=d, role=Role.RESPONSABLE
        )
    )
    page = _text(manager.get(reverse("web:statistics_sharing")))
    assert "Rhône (69)" in page and "Métropole de Lyon" in page
    manager.post(reverse("web:statistics_sharing"), {"with_departement": "on"})
    sharing = StatisticsSharing.objects.get(structure=d)
    assert sharing.with_departement and not sharing.with_epci
    assert AuditEvent.objects.filter(action="statistics.sharing", structure=d).exists()
    assert logged_in_client(dataset.members["mD"]).get(reverse("web:statistics_sharing")).status_code == 403
