import pytest
from django.core.exceptions import ValidationError

from appui.core.communes import communes_for_postal_code, get_commune, validate_commune_code
from appui.core.text import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Élodie  N'Diaye-Martin", "elodie n diaye martin"),
        ("LEFÈVRE", "lefevre"),
        ("Œuvré Æsop", "oeuvre aesop"),
        ("  ", ""),
        ("Çağlar Şahin", "caglar sahin"),
    ],
)
def test_normalize_removes_accents_case_and_punctuation(raw, expected):
    assert normalize(raw) == expected


def test_communes_referential_knows_communes_arrondissements_and_corsica():
    assert get_commune("69266").name == "Villeurbanne"
    assert get_commune("75056").name == "Paris"
    assert get_commune("75111").name.startswith("Paris 11")
    assert get_commune("2A004").departement == "2A"
    assert get_commune("99999") is None


def test_commune_validation_message_is_french():
    validate_commune_code("59350")
    with pytest.raises(ValidationError, match="code commune INSEE"):
        validate_commune_code("12")


def test_postal_code_lookup():
    assert "69266" in {c.code for c in communes_for_postal_code("69100")}
