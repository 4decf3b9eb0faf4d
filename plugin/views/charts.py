"""Charts as server-side SVG: stacked bars (the 70-20-10 mix) and lines over
time, computed here as plain geometry and drawn by ``reports/_charts.html``.

Why our own few lines rather than a charting library: the page's
Content-Security-Policy is ``'self'`` with no inline script or style, and
pygal (the kept library the issue names) writes a ``<style>`` element and
``style`` attributes into every SVG and links its tooltip script from a CDN;
both would be blocked, and its output would need rewriting anyway. Here
every shape carries only a class, coloured by ``leaderled.css``; a chart
never stands alone: the template puts its data table beside it.

Coordinates are in viewBox units; the SVG scales to the width it gets, so
the same chart serves a 375 px phone and a desktop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400
#: Narrower bars chart: its labels stay readable on a 375 px phone.
BARS_WIDTH = 320
#: Room for the value labels left of a line chart's plot.
LEFT = 44
RIGHT = 28
TOP = 12
BOTTOM = 28
LINE_HEIGHT = 200


@dataclass(frozen=True)
class Segment:
    series: str  # the CSS class suffix and the legend key
    x: float
    width: float
    value: float
    share: float  # percent of the bar, 0..100


@dataclass(frozen=True)
class Bar:
    label: str
    label_y: float
    y: float
    segments: tuple[Segment, ...]
    empty: bool


@dataclass(frozen=True)
class StackedBars:
    """One horizontal bar per row, its segments as shares of the row's total;
    the label sits above the bar so a long team name has the whole width."""

    width: int
    height: int
    bar_height: int
    bars: tuple[Bar, ...]


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    *,
    bar_height: int = 18,
) -> StackedBars:
    """``rows`` are (label, [(series, value), ...]); each bar is 100 % of its row."""
    label_room, gap = 18, 10
    step = label_room + bar_height + gap
    bars = []
    for index, (label, values) in enumerate(rows):
        top = TOP + index * step
        total = sum(max(0.0, float(v)) for _s, v in values)
        x = 0.0
        segments = []
        for series, raw in values:
            value = max(0.0, float(raw))
            if not total or not value:
                continue
            width = BARS_WIDTH * value / total
            segments.append(
                Segment(series, round(x, 2), round(width, 2), value, 100 * value / total)
            )
            x += width
        bars.append(Bar(label, top + 13, top + label_room, tuple(segments), not total))
    height = TOP + len(rows) * step + 4
    return StackedBars(BARS_WIDTH, height, bar_height, tuple(bars))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class Line:
    series: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        """The ``points`` attribute of a ``<polyline>``."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    bottom: float  # y of the horizontal axis
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, float], ...]  # (y, value)
    #: (x, label, minor), thinned to fit; a phone's stylesheet hides the minor half.
    x_labels: tuple[tuple[float, str, bool], ...]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above ``value`` (an axis top)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return float(step * power)
    return float(10 * power)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    max_labels: int = 6,
) -> LineChart:
    """One line per series over the same ``labels`` (periods, oldest first)."""
    bottom = LINE_HEIGHT - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = bottom - TOP
    top_value = nice_ceiling(max((float(v) for _s, vs in series for v in vs), default=0.0))
    count = len(labels)

    def x_of(index: int) -> float:
        return LEFT + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y_of(value: float) -> float:
        return bottom - plot_height * max(0.0, float(value)) / top_value

    lines = tuple(
        Line(
            name,
            tuple(
                Point(round(x_of(i), 2), round(y_of(v), 2), labels[i], float(v))
                for i, v in enumerate(values[:count])
            ),
        )
        for name, values in series
    )
    ticks = tuple((round(y_of(top_value * q / 4), 2), top_value * q / 4) for q in range(5))
    every = max(1, math.ceil(count / max_labels))
    shown = [i for i in range(count) if i % every == 0]
    x_labels = tuple((round(x_of(i), 2), labels[i], n % 2 == 1) for n, i in enumerate(shown))
    return LineChart(WIDTH, LINE_HEIGHT, LEFT, bottom, lines, ticks, x_labels)
