"""The progress chart of a person's diagnostics, drawn server-side as SVG (no JavaScript, no inline style).

Grouped bars: one group per DigComp area and one for the overall score, one bar per diagnostic (oldest
lightest). Every bar carries its value as text, and the page always shows the same data as a table, which is
the accessible version: the SVG is one image with a text alternative.
"""

import textwrap
from dataclasses import dataclass, field

from django.utils import formats, timezone

from appui.diagnostics.models import Diagnostic
from appui.diagnostics.scoring import DiagnosticResult

MAX_SERIES = 5
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56
MAX_SCORE = 3
LABEL_CHARS = 18
# DSFR blue-france tones, light to dark; every bar also gets a dark outline (non-text contrast 3:1).
PALETTE = ("#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091")
OUTLINE = "#000091"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    value_label: str
    label_x: float
    label_y: float


@dataclass
class Group:
    label: str
    label_x: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """Return the label cut into lines short enough for the width of a group."""
        return textwrap.wrap(self.label, LABEL_CHARS) or [""]


@dataclass
class Series:
    date_label: str
    fill: str
    values: list[str]


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    ticks: list[tuple[float, str]]
    groups: list[Group]
    series: list[Series]
    description: str


def _value(mean: float | None) -> str:
    return "non évalué" if mean is None else formats.number_format(mean, 1)


def progress_chart(diagnostics: list[Diagnostic]) -> Chart | None:
    """Return the geometry of the chart of the last diagnostics (oldest first), or None without any."""
    shown = diagnostics[-MAX_SERIES:]
    if not shown:
        return None
    results: list[DiagnosticResult] = [d.result for d in shown]
    dates = [formats.date_format(timezone.localtime(d.created_at), "d/m/Y") for d in shown]
    fills = PALETTE[len(PALETTE) - len(shown) :]
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    labels = [area.plain_label for area in results[0].areas] + ["Ensemble"]
    group_width = plot_width / len(labels)
    bar_width = (group_width - 16) / len(shown)
    groups = []
    for g, label in enumerate(labels):
        start = LEFT + g * group_width + 8
        group = Group(label=label, label_x=LEFT + g * group_width + group_width / 2)
        for s, result in enumerate(results):
            mean = result.mean if g == len(labels) - 1 else result.areas[g].mean
            height = 0.0 if mean is None else plot_height * mean / MAX_SCORE
            x = start + s * bar_width
            group.bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(baseline - height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(height, 1),
                    fill=fills[s],
                    value_label="–" if mean is None else formats.number_format(mean, 1),
                    label_x=round(x + (bar_width - 2) / 2, 1),
                    label_y=round(baseline - height - 4, 1),
                )
            )
        groups.append(group)
    series = [
        Series(
            date_label=dates[s],
            fill=fills[s],
            values=[_value(a.mean) for a in result.areas] + [_value(result.mean)],
        )
        for s, result in enumerate(results)
    ]
    ticks = [(round(baseline - plot_height * v / MAX_SCORE, 1), str(v)) for v in range(MAX_SCORE + 1)]
    overall = ", ".join(f"{s.date_label} : {s.values[-1]}" for s in series)
    description = f"Score d'ensemble sur 3, du plus ancien au plus récent : {overall}. Le détail est dans le tableau."
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        baseline=baseline,
        ticks=ticks,
        groups=groups,
        series=series,
        description=description,
    )
