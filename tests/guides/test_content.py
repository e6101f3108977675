"""Every guide file of the repository: it validates, renders, prints, and links to an official page."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from appui.accompaniments.enums import Theme
from appui.guides.library import CONTENT_DIR, guide_files, is_official_url, parse_guide
from tests.diagnostics.test_pages import assert_csp_ready

GUIDE_SLUGS = [path.stem for path in guide_files()]
REQUIRED_SLUGS = {
    "actualiser-france-travail",
    "declaration-trimestrielle-rsa-prime-activite",
    "creer-compte-ameli",
    "demande-aide-logement",
    "declaration-revenus",
    "pre-demande-carte-identite",
    "complementaire-sante-solidaire",
    "cheque-energie",
    "demande-retraite",
    "creer-adresse-email",
    "utiliser-franceconnect",
    "scanner-un-document",
}


def _text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_15_guides_exist():
    assert len(GUIDE_SLUGS) == 15
    assert REQUIRED_SLUGS <= set(GUIDE_SLUGS)


@pytest.mark.parametrize("slug", GUIDE_SLUGS)
def test_each_guide_file_is_complete(slug):
    guide = parse_guide((CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8"), slug=slug)
    assert guide.title and len(guide.goal) >= 10
    assert is_official_url(guide.official_url)
    assert guide.official_url.startswith("https://")
    assert guide.last_checked == datetime.date(2026, 11, 26)
    assert 1 <= guide.duration_minutes <= 60
    assert set(guide.themes) <= set(Theme.values)
    steps = guide.body.split("## Étapes", 1)[1].split("## Si ça bloque", 1)[0]
    assert sum(1 for line in steps.splitlines() if line[:1].isdigit()) >= 3
    for section in ("## Avant de commencer", "## Documents à préparer", "## Étapes", "## Si ça bloque"):
        assert section in guide.body


@pytest.mark.django_db
@pytest.mark.parametrize("slug", GUIDE_SLUGS)
def test_each_guide_renders_prints_and_links_to_its_official_page(slug, structure, member_of, client_for):
    client = client_for(member_of(structure))
    guide = parse_guide((CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8"), slug=slug)

    page = _text(client.get(reverse("web:guide_detail", args=[slug])))
    assert_csp_ready(page)
    assert f"<h1>{guide.title}</h1>" in page
    assert f'href="{guide.official_url}"' in page
    assert "Vérifié le 26/11/2026" in strip_tags(page)
    assert "<ol>" in page and "<h2>Étapes</h2>" in page and "<h2>Si ça bloque</h2>" in page
    assert reverse("web:guide_print", args=[slug]) in page

    handout = _text(client.get(reverse("web:guide_print", args=[slug])))
    assert_csp_ready(handout)
    assert "data-appui-print" in handout and ">Imprimer</button>" in handout
    assert 'class="appui-handout"' in handout and "guides.css" in handout
    assert guide.official_url in handout  # written out: a printed link cannot be clicked
    assert f"Guide remis par {structure.name}" in handout


@pytest.mark.django_db
def test_the_guide_list_shows_every_guide_and_filters_by_theme(structure, member_of, client_for):
    client = client_for(member_of(structure))
    page = _text(client.get(reverse("web:guide_list")))
    assert_csp_ready(page)
    assert "15 guides" in page
    for slug in GUIDE_SLUGS:
        assert reverse("web:guide_detail", args=[slug]) in page
    housing = _text(client.get(reverse("web:guide_list"), {"theme": "logement"}))
    assert reverse("web:guide_detail", args=["demande-aide-logement"]) in housing
    assert reverse("web:guide_detail", args=["creer-adresse-email"]) not in housing
    unknown = _text(client.get(reverse("web:guide_list"), {"theme": "<script>"}))
    assert "15 guides" in unknown


@pytest.mark.django_db
def test_an_unknown_guide_is_404(structure, member_of, client_for):
    client = client_for(member_of(structure))
    for name in ("guide_detail", "guide_print", "guide_adapt"):
        assert client.get(reverse(f"web:{name}", args=["guide-qui-n-existe-pas"])).status_code == 404
