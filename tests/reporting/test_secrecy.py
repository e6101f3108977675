"""The "< 5" rule of the territory view, on its own."""

from appui.reporting.secrecy import hidden_counts
from appui.reporting.statistics import Breakdown, Row
from appui.web.statistics.presentation import breakdown_section, figure


def test_every_count_under_5_is_hidden_and_shown_as_less_than_5():
    assert [figure(n, masked=True).text for n in (0, 1, 4, 5, 12)] == ["< 5", "< 5", "< 5", "5", "12"]
    assert [figure(n, masked=False).text for n in (0, 4)] == ["0", "4"]


def test_a_single_small_count_that_subtraction_would_reveal_hides_the_next_smallest():
    assert hidden_counts([40, 3, 12]) == [False, True, True]
    assert hidden_counts([40, 3, 0, 12]) == [False, True, True, False]  # two hidden cells already
    assert hidden_counts([40, 0, 12]) == [False, True, False]  # a lone 0 reveals no one
    assert hidden_counts([7, 9]) == [False, False]


def test_hidden_rows_have_no_share_and_no_bar():
    section = breakdown_section(
        Breakdown(
            "g",
            "Genre",
            "bénéficiaires",
            [Row("f", "Féminin", 40), Row("m", "Masculin", 3), Row("", "Non communiqué", 12)],
        ),
        masked=True,
    )
    texts = [[c.text for c in row.cells] for row in section.rows]
    assert texts == [["40", "72,7 %"], ["< 5", "—"], ["masqué", "—"]]
    assert [bar.width > 0 for bar in section.chart.bars] == [True, False, False]
    assert section.chart.bars[1].text == "< 5" and "3" not in section.chart.bars[1].text
