"""Charts of the statistics page, drawn server-side as SVG (no JavaScript, no inline style).

Each chart is one image with a title and a text alternative; the page always shows the same data as a table
next to it, which is the accessible version. Hidden counts (territory view) get no bar.
"""

import textwrap
from dataclasses import dataclass

WIDTH = 760
BAR_HEIGHT, BAR_GAP, TOP = 22, 10, 8
LABEL_WIDTH, LABEL_CHARS = 250, 34
VALUE_SPACE = 90
COLUMN_HEIGHT, COLUMN_BOTTOM, COLUMN_LEFT = 220, 40, 48
FILL, OUTLINE, TEXT = "#6a6af4", "#000091", "#161616"


@dataclass(frozen=True)
class Point:
    """One value of a chart: its label, its number (0 when hidden) and the text to show."""

    label: str
    value: float
    text: str
    hidden: bool = False


@dataclass
class Bar:
    label_lines: list[str]
    y: float
    text_y: float
    width: float
    value_x: float
    text: str


@dataclass
class BarChart:
    width: int
    height: int
    bar_x: int
    bars: list[Bar]
    description: str


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float


@dataclass
class ColumnChart:
    width: int
    height: int
    baseline: float
    plot_left: int
    plot_right: int
    columns: list[Column]
    ticks: list[tuple[float, str]]
    description: str


def _describe(points: list[Point], unit: str) -> str:
    shown = [p for p in points if not p.hidden and p.value > 0]
    if not shown:
        return f"Aucun {unit} à représenter sur la période."
    top = max(shown, key=lambda p: p.value)
    return f"Le plus grand nombre de {unit} : {top.label} ({top.text}). Le détail est dans le tableau."


def bar_chart(points: list[Point], unit: str) -> BarChart:
    """Return horizontal bars, one per point, in the order given."""
    plot = WIDTH - LABEL_WIDTH - VALUE_SPACE
    biggest = max((p.value for p in points if not p.hidden), default=0) or 1
    bars = []
    y = float(TOP)
    for point in points:
        lines = textwrap.wrap(point.label, LABEL_CHARS)[:2] or [""]
        height = max(BAR_HEIGHT, 14 * len(lines) + 6)
        width = 0.0 if point.hidden else round(plot * point.value / biggest, 1)
        bars.append(
            Bar(
                label_lines=lines,
                y=round(y + (height - BAR_HEIGHT) / 2, 1),
                text_y=round(y + height / 2 - 7 * (len(lines) - 1), 1),
                width=width,
                value_x=round(LABEL_WIDTH + width + 6, 1),
                text=point.text,
            )
        )
        y += height + BAR_GAP
    return BarChart(width=WIDTH, height=int(y + TOP), bar_x=LABEL_WIDTH, bars=bars, description=_describe(points, unit))


def column_chart(points: list[Point], unit: str, label_every: int = 1) -> ColumnChart:
    """Return vertical columns (a series over time), with a label every ``label_every`` columns."""
    plot_right = WIDTH - 8
    plot_width = plot_right - COLUMN_LEFT
    biggest = max((p.value for p in points if not p.hidden), default=0) or 1
    step = plot_width / max(len(points), 1)
    columns = []
    for i, point in enumerate(points):
        height = 0.0 if point.hidden else COLUMN_HEIGHT * point.value / biggest
        x = COLUMN_LEFT + i * step
        columns.append(
            Column(
                x=round(x + step * 0.1, 1),
                y=round(TOP + COLUMN_HEIGHT - height, 1),
                width=round(step * 0.8, 1),
                height=round(height, 1),
                label=point.label if i % label_every == 0 else "",
                label_x=round(x + step / 2, 1),
            )
        )
    ticks = [(round(TOP + COLUMN_HEIGHT * (1 - f), 1), _tick(biggest * f)) for f in (0, 0.5, 1)]
    return ColumnChart(
        width=WIDTH,
        height=TOP + COLUMN_HEIGHT + COLUMN_BOTTOM,
        baseline=TOP + COLUMN_HEIGHT,
        plot_left=COLUMN_LEFT,
        plot_right=plot_right,
        columns=columns,
        ticks=ticks,
        description=_describe(points, unit),
    )


def _tick(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
