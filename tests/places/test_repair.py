"""The repairs applied to published values: each one returns the standard's form, or refuses to guess."""

import pytest

from appui.places.importing import repair


@pytest.mark.parametrize(
    ("raw", "expected", "others"),
    [
        ("+33450568749", "+33450568749", []),
        ("04 50 56 87 49", "+33450568749", []),
        ("+33 (0)4 50 56 87 49", "+33450568749", []),
        ("0033 4 50 56 87 49", "+33450568749", []),
        ("450568749", "+33450568749", []),  # the leading zero eaten by a spreadsheet
        ("0590 12 34 56", "+590590123456", []),  # Guadeloupe
        ("0692 12 34 56", "+262692123456", []),  # La Réunion
        ("04.50.56.87.49 / 06 12 34 56 78", "+33450568749", ["+33612345678"]),
        ("non communiqué", None, []),
    ],
)
def test_phone_numbers_become_international(raw, expected, others):
    phone, _, extra = repair.repair_phone(raw)
    assert phone == expected and extra == others


def test_day_hours_are_merged_when_repeated_overlapping_or_padded_and_refused_when_out_of_order():
    assert repair.day_ranges("09:00 - 12:00 / 13:30 - 17:00") == (["09:00-12:00", "13:30-17:00"], False)
    assert repair.day_ranges("08:45 - 16:30 / 08:45 - 16:30") == (["08:45-16:30"], True)
    assert repair.day_ranges("08:30 - 12:00 / 12:00 - 16:00") == (["08:30-16:00"], True)
    assert repair.day_ranges("00:00 - 00:00 / 09:00 - 12:00") == (["09:00-12:00"], True)
    assert repair.day_ranges("9h-12h") == (["09:00-12:00"], False)
    assert repair.day_ranges("09:00-13:00-/3:00-16:00") == (None, False)
    assert repair.day_ranges("-") == ([], False)


def test_week_hours_group_consecutive_identical_days():
    days = {"Mo": "09:00 - 12:00", "Tu": "09:00 - 12:00", "We": "-", "Th": "09:00 - 12:00", "Fr": "14:00 - 17:00"}
    assert repair.weekly_hours_to_osm(days) == ("Mo-Tu 09:00-12:00; Th 09:00-12:00; Fr 14:00-17:00", [], False)


@pytest.mark.parametrize(
    ("raw", "expected", "repaired"),
    [
        ("Mo-Fr 09:00-12:00", "Mo-Fr 09:00-12:00", False),
        ("Mo-Fr 9h00-12h00", "Mo-Fr 09:00-12:00", True),
        ("Mo-Fr 08:30-12:00,13:30-17:00;", "Mo-Fr 08:30-12:00,13:30-17:00", True),
        ("le lundi matin", None, False),
    ],
)
def test_osm_hours_common_slips(raw, expected, repaired):
    assert repair.repair_osm_hours(raw) == (expected, repaired)


def test_other_values():
    assert repair.clean_text("Fresnes-LÃ©guillon") == ("Fresnes-Léguillon", [repair.MOJIBAKE])
    assert repair.repair_date("17/05/2023") == ("2023-05-17", True)
    assert repair.repair_date("2023-02-30") == (None, False)
    assert repair.repair_coordinates("5,4", "43,5") == (43.5, 5.4, True, "")  # comma decimals, swapped
    assert repair.repair_coordinates("0", "0")[:2] == (None, None)
    assert repair.repair_emails("Contact@Exemple.fr; mailto:autre@exemple.fr") == (
        ["contact@exemple.fr", "autre@exemple.fr"],
        [],
        True,
    )
    assert repair.repair_url("www.exemple.fr") == ("https://www.exemple.fr", True)
    assert repair.repair_postal_code("1400") == ("01400", True)
    assert repair.computed_id("Nom", "Adresse", "69100") == repair.computed_id(" nom ", "adresse", "69100")
