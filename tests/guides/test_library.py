"""Validation of the guides' metadata, Markdown sanitising, and the selectors other features use."""

import pytest

from appui.guides.library import BENEFIT_KEYS, GuideError, is_official_url, load_guides, parse_guide
from appui.guides.rendering import render_markdown
from appui.guides.selectors import guide_for_benefit, guides_for_theme

BODY = """## Avant de commencer

- Un compte.

## Documents à préparer

- Un RIB.

## Étapes

1. Aller sur le site.
2. Se connecter.
3. Valider.

## Si ça bloque

- Demander de l'aide.
"""

HEADER = {
    "title": "Un guide d'essai",
    "goal": "Vérifier que le chargeur refuse les erreurs.",
    "themes": "[logement]",
    "official_url": "https://www.caf.fr/",
    "official_site": "caf.fr",
    "duration_minutes": "10",
    "last_checked": "2026-11-26",
}


def _guide(body=BODY, **header):
    fields = {**HEADER, **header}
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def test_a_valid_guide_parses():
    guide = parse_guide(_guide(), slug="essai")
    assert guide.official_site == "caf.fr" and guide.themes == ("logement",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_guide(title=None), "'title' is a required property"),
        (_guide(official_url=None), "'official_url' is a required property"),
        (_guide(last_checked=None), "'last_checked' is a required property"),
        (_guide(official_url="http://www.caf.fr/"), "does not match"),
        (_guide(official_url="https://www.caf-aides-en-ligne.fr/"), "n'est pas un site officiel"),
        (_guide(official_url="https://caf.fr.example.com/"), "n'est pas un site officiel"),
        (_guide(official_url="https://www.caf.fr@pirate.example/"), "n'est pas un site officiel"),
        (_guide(themes="[cuisine]"), "thématique inconnue"),
        (_guide(benefits="[loto]"), "prestation inconnue"),
        (_guide(online_service="minitel"), "service en ligne inconnu"),
        (_guide(last_checked="2026-13-45"), "en-tête illisible"),
        (_guide(last_checked='"2026-02-30"'), "date invalide"),
        (_guide(duration_minutes="dix"), "is not of type 'integer'"),
        (_guide(colour="bleu"), "Additional properties"),
        (_guide(body=BODY.replace("## Si ça bloque", "## Autre")), "sections"),
        (_guide(body=BODY.replace("3. Valider.", "")), "au moins 3 étapes"),
        (BODY, "l'en-tête"),
        ("---\ntitle: [\n---\n" + BODY, "en-tête illisible"),
    ],
)
def test_a_broken_guide_is_refused(text, message):
    with pytest.raises(GuideError) as error:
        parse_guide(text, slug="essai")
    assert message in str(error.value)


def test_a_badly_named_guide_file_is_refused():
    with pytest.raises(GuideError):
        parse_guide(_guide(), slug="../Essai")


def test_two_guides_cannot_claim_the_same_benefit(tmp_path):
    (tmp_path / "un.md").write_text(_guide(benefits="[rsa]"), encoding="utf-8")
    (tmp_path / "deux.md").write_text(_guide(benefits="[rsa]"), encoding="utf-8")
    with pytest.raises(GuideError, match="rsa"):
        load_guides(tmp_path)


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://www.service-public.gouv.fr/particuliers/vosdroits/R11193", True),
        ("https://ants.gouv.fr/", True),
        ("https://assure.ameli.fr/", True),
        ("https://WWW.CAF.FR/", True),
        ("http://www.caf.fr/", False),
        ("https://faux-caf.fr/", False),
        ("https://caf.fr.example.com/", False),
        ("https://user:pass@www.caf.fr/", False),
        ("https://www.caf.fr:8443/", False),
        ("javascript:alert(1)", False),
        ("https://[::1/", False),
    ],
)
def test_official_url_allow_list(url, official):
    assert is_official_url(url) is official


def test_markdown_is_sanitised():
    rendered = str(
        render_markdown(
            "# Titre\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> <a href="https://www.caf.fr/" onclick="x()" style="color:red">caf</a>'
            "\n\n<iframe src='https://pirate.example'></iframe>"
        )
    )
    assert "<h2>Titre</h2>" in rendered and "<h1" not in rendered
    for forbidden in ("<script", "alert(1)</", "javascript:", "<img", "onerror", "onclick", "style=", "<iframe"):
        assert forbidden not in rendered, forbidden
    assert '<a href="https://www.caf.fr/" rel="noopener noreferrer">caf</a>' in rendered


def test_guides_for_theme():
    housing = [guide.slug for guide in guides_for_theme("logement")]
    assert "demande-aide-logement" in housing and "changer-adresse-en-ligne" in housing
    assert [guide.slug for guide in guides_for_theme("email")] == ["creer-adresse-email"]
    assert guides_for_theme("justice") == []


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("rsa", "demande-rsa"),
        ("prime_activite", "demande-prime-activite"),
        ("aides_logement", "demande-aide-logement"),
        ("css", "complementaire-sante-solidaire"),
        ("cheque_energie", "cheque-energie"),
    ],
)
def test_guide_for_benefit(key, slug):
    guide = guide_for_benefit(key)
    assert guide is not None and guide.slug == slug


def test_benefits_without_a_guide_give_none():
    covered = {"rsa", "prime_activite", "aides_logement", "css", "cheque_energie"}
    for key in BENEFIT_KEYS - covered:
        assert guide_for_benefit(key) is None, key
    assert guide_for_benefit("inconnu") is None
