"""Scoring rules, on fixed answer sets (see appui/diagnostics/scoring.py for the rules)."""

from fractions import Fraction

import pytest

from appui.accompaniments.enums import Autonomy
from appui.diagnostics.bank import load_bank
from appui.diagnostics.enums import Recommendation
from appui.diagnostics.scoring import level_for, recommend, score
from tests.diagnostics.factories import answers, answers_by_area

FULL = Autonomy.FULLY_ASSISTED
PARTIAL = Autonomy.PARTIALLY
AUTONOMOUS = Autonomy.AUTONOMOUS


@pytest.fixture(scope="module")
def bank():
    return load_bank("v1")


def _areas(result):
    return {area.code: area for area in result.areas}


@pytest.mark.parametrize(
    ("value", "level", "recommendation"),
    [
        ("0", FULL, Recommendation.ON_BEHALF),
        ("1", PARTIAL, Recommendation.DO_WITH),
        ("2", AUTONOMOUS, Recommendation.NONE),
        ("3", AUTONOMOUS, Recommendation.NONE),
    ],
)
def test_uniform_answers_give_the_same_level_in_every_area_and_overall(bank, value, level, recommendation):
    result = score(bank, answers(value))
    assert [area.level for area in result.areas] == [level] * 5
    assert all(area.score == int(value) and area.answered == area.total for area in result.areas)
    assert result.score == int(value)
    assert result.level == level
    assert result.recommendation == recommendation
    assert result.answered == result.total == len(bank.skill_questions)
    assert not result.partial


def test_each_area_is_scored_on_its_own_questions(bank):
    result = score(bank, answers_by_area({"1": "3", "2": "1", "3": "0", "4": "2", "5": ["1", "2", "1", "2", "3"]}))
    areas = _areas(result)
    assert {code: area.score for code, area in areas.items()} == {
        "1": 3,
        "2": 1,
        "3": 0,
        "4": 2,
        "5": Fraction(9, 5),
    }
    assert {code: area.level for code, area in areas.items()} == {
        "1": AUTONOMOUS,
        "2": PARTIAL,
        "3": FULL,
        "4": AUTONOMOUS,
        "5": PARTIAL,
    }
    assert areas["5"].mean == 1.8


def test_no_wish_to_answer_is_left_out_of_the_average_not_counted_as_zero(bank):
    result = score(bank, answers_by_area({"1": ["3", "nsp", "nsp", "1"], "2": "2", "3": "2", "4": "2", "5": "2"}))
    area = _areas(result)["1"]
    assert area.answered == 2 and area.total == 4
    assert area.score == 2  # (3 + 1) / 2, not (3 + 0 + 0 + 1) / 4
    assert area.level == AUTONOMOUS


def test_an_area_without_answers_is_not_evaluated_and_does_not_pull_the_overall_level_down(bank):
    result = score(bank, answers_by_area({"1": "2", "2": "2", "4": "2", "5": "2"}))  # area 3: all "nsp"
    area = _areas(result)["3"]
    assert area.score is None and area.level is None and area.mean is None
    assert area.level_label == "Non évalué"
    assert result.score == 2 and result.level == AUTONOMOUS


def test_nothing_answered_is_not_evaluated_and_asks_to_complete(bank):
    result = score(bank, answers("nsp"))
    assert result.score is None and result.level is None
    assert result.level_label == "Non évalué"
    assert result.recommendation == Recommendation.NOT_ASSESSED
    assert result.partial


def test_fewer_than_half_answered_is_flagged_partial(bank):
    half = len(bank.skill_questions) // 2
    ids = [q.id for q in bank.skill_questions]
    some = answers("nsp", **dict.fromkeys(ids[: half - 1], "2"))
    assert score(bank, some).partial
    assert not score(bank, answers("nsp", **dict.fromkeys(ids[:half], "2"))).partial


def test_overall_level_weighs_each_area_the_same(bank):
    # Area 2 has 8 questions, all "0"; the 4 other areas score 3, 3, 2 and 2.
    result = score(bank, answers_by_area({"1": "3", "2": "0", "3": "3", "4": "2", "5": "2"}))
    assert result.score == Fraction(3 + 0 + 3 + 2 + 2, 5) == 2
    assert result.level == AUTONOMOUS  # the mean of the 26 answers (44 / 26 = 1.7) would have said "partial"
    assert result.recommendation == Recommendation.WORKSHOP
    assert set(result.workshop_themes) == {
        "email",
        "reseaux_sociaux",
        "navigation",
        "securite",
        "sante_numerique",
        "banque_achats",
    }


@pytest.mark.parametrize(
    ("score_value", "level"),
    [
        (None, None),
        (Fraction(0), FULL),
        (Fraction(99, 100), FULL),
        (Fraction(1), PARTIAL),
        (Fraction(199, 100), PARTIAL),
        (Fraction(2), AUTONOMOUS),
        (Fraction(3), AUTONOMOUS),
    ],
)
def test_level_thresholds(score_value, level):
    assert level_for(score_value) == level


def test_means_are_exact_at_the_thresholds(bank):
    # Area means 1/3, 5/3, 1, 1, 1: a float sum would give 0.99999; the exact mean is 1, "partially".
    thirds = ["0", "0", "1", "0"]  # area 1: 1/4
    result = score(bank, answers_by_area({"1": thirds, "2": "1", "3": ["1", "1", "2", "3"], "4": "1", "5": "1"}))
    areas = _areas(result)
    assert areas["1"].score == Fraction(1, 4) and areas["3"].score == Fraction(7, 4)
    assert result.score == 1
    assert result.level == PARTIAL


@pytest.mark.parametrize(
    ("level", "weak", "expected"),
    [
        (None, (), Recommendation.NOT_ASSESSED),
        (FULL, ("email",), Recommendation.ON_BEHALF),
        (PARTIAL, ("email",), Recommendation.DO_WITH),
        (AUTONOMOUS, ("email",), Recommendation.WORKSHOP),
        (AUTONOMOUS, (), Recommendation.NONE),
    ],
)
def test_recommendation_follows_the_overall_level(level, weak, expected):
    assert recommend(level, weak) == expected


def test_workshop_themes_come_from_weak_answers_most_frequent_first(bank):
    result = score(bank, answers("3", com_lire_email="0", com_envoyer_pj="1", sec_fraude="0", cre_pdf="2"))
    assert result.workshop_themes == ("email", "securite")
    assert result.workshop_theme_labels == ["E-mail", "Prévention en sécurité numérique"]
    assert result.recommendation == Recommendation.WORKSHOP


def test_themes_are_given_with_every_recommendation(bank):
    result = score(bank, answers("0"))
    assert result.recommendation == Recommendation.ON_BEHALF
    assert result.workshop_themes[:2] == ("navigation", "securite")  # the most frequent weak themes


def test_obstacles_are_listed_but_never_change_the_levels(bank):
    plain = score(bank, answers("1", obstacle=None))
    with_obstacles = score(
        bank, answers("1", obs_equipement="non", obs_internet="limite", obs_lecture="un_peu", obs_autre="les_deux")
    )
    assert with_obstacles.obstacles == ("pas_equipement", "lecture_ecriture", "autre_langue", "handicap")
    assert plain.obstacles == ()
    assert [a.score for a in with_obstacles.areas] == [a.score for a in plain.areas]
    assert with_obstacles.recommendation == plain.recommendation == Recommendation.DO_WITH


def test_unknown_or_empty_answers_are_ignored_by_the_pure_function(bank):
    result = score(bank, {"info_recherche": "7", "pas_une_question": "2", "info_site_officiel": ""})
    assert result.answered == 0 and result.level is None
