"""The folded form of names, phone numbers and e-mail addresses (appui.core.text)."""

import pytest

from appui.core.text import normalize, normalize_email, normalize_phone

ZWSP, ZWJ, WORD_JOINER, SOFT_HYPHEN, BOM = "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff"


@pytest.mark.parametrize(
    ("disguised", "why"),
    [
        ("Lеfèvrе", "Cyrillic е (U+0435) in place of the Latin e"),
        ("LЕFÈVRЕ", "Cyrillic Е (U+0415) in capitals"),
        ("LΕFΈVRΕ", "Greek Epsilon"),
        (f"Lef{ZWSP}èvre", "a zero-width space"),
        (f"L{ZWJ}e{WORD_JOINER}f{SOFT_HYPHEN}è{BOM}vre", "joiners, soft hyphen and byte-order mark"),
        ("ＬＥＦＥＶＲＥ", "full-width letters (NFKC)"),
        ("𝐋𝐞𝐟𝐞𝐯𝐫𝐞", "mathematical bold letters (NFKC)"),
        ("Le\u0301fe\u0300vre", "accents as combining marks"),
    ],
)
def test_look_alike_and_invisible_characters_fold_to_the_plain_name(disguised, why):
    assert normalize(disguised) == normalize("Lefèvre") == "lefevre", why


def test_a_name_written_entirely_with_cyrillic_and_greek_look_alikes_is_the_latin_name():
    assert normalize("КОUАЅЅІ Аyа") == normalize("Kouassi Aya")
    assert normalize("ΚΟΥΑΣΣΙ") != normalize("Kouassi")  # a real Greek Σ is not an S: only look-alikes fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Łukasz Żółć", "lukasz zolc"),
        ("Søren Ødegård", "soren odegard"),
        ("Straße", "strasse"),
        ("İlker Işık", "ilker isik"),
        ("Jean_Luc", "jean luc"),
    ],
)
def test_latin_letters_without_a_decomposition_are_folded_too(raw, expected):
    assert normalize(raw) == expected


def test_names_in_other_scripts_stay_searchable_in_any_case():
    assert normalize("Лейла") and normalize("Лейла") == normalize("ЛЕЙЛА")
    assert normalize("ليلى") == "ليلى"
    assert normalize("Νίκος") == normalize("ΝΊΚΟΣ")


@pytest.mark.parametrize(
    "written",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "6 12 34 56 78",
        "０６ １２ ３４ ５６ ７８",
    ],
)
def test_every_writing_of_a_french_phone_number_gives_one_form(written):
    assert normalize_phone(written) == "0612345678"


def test_overseas_and_foreign_numbers_and_number_parts():
    assert normalize_phone("+262 692 12 34 56") == normalize_phone("0692 12 34 56") == "0692123456"
    assert normalize_phone("+221 77 123 45 67") == normalize_phone("00221 77 123 45 67") == "+221771234567"
    assert normalize_phone("06 12 3") == "06123"
    assert normalize_phone("pas de téléphone") == ""


def test_email_addresses_fold_case_spaces_and_invisible_characters():
    assert normalize_email(f" Helene.Lefevre{ZWSP}@Exemple.FR ") == "helene.lefevre@exemple.fr"
