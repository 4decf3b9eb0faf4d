"""The chart geometry: a bar's segments are its row's shares laid end to end,
a line's points sit on a rounded axis, labels thin out to fit a phone."""

from __future__ import annotations

import pytest

from plugin.views.charts import BARS_WIDTH, line_chart, nice_ceiling, stacked_bars


def test_a_stacked_bar_is_its_rows_shares_end_to_end() -> None:
    chart = stacked_bars(
        [("North", [("experiential", 7), ("social", 2), ("formal", 1)]), ("South", [])]
    )
    north, south = chart.bars
    assert [s.series for s in north.segments] == ["experiential", "social", "formal"]
    assert [s.share for s in north.segments] == pytest.approx([70, 20, 10])
    assert [s.x for s in north.segments] == pytest.approx([0, 224, 288])
    assert sum(s.width for s in north.segments) == pytest.approx(BARS_WIDTH)
    assert not north.empty
    assert south.empty
    assert south.segments == ()
    assert south.y > north.y
    assert chart.height > south.y + chart.bar_height


def test_zero_and_negative_values_draw_no_segment() -> None:
    (bar,) = stacked_bars([("Ada", [("experiential", 0), ("social", -3), ("formal", 2)])]).bars
    assert [(s.series, s.share) for s in bar.segments] == [("formal", 100)]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.3, 0.5), (1, 1), (7, 10), (12, 20), (21, 25), (480, 500)]
)
def test_the_axis_top_is_a_round_number_at_or_above_the_largest_value(
    value: float, top: float
) -> None:
    assert nice_ceiling(value) == pytest.approx(top)


def test_a_line_runs_left_to_right_and_up_with_its_values() -> None:
    chart = line_chart(["2026-01", "2026-02", "2026-03"], [("hours", [0, 5, 10])])
    (line,) = chart.lines
    xs = [p.x for p in line.points]
    ys = [p.y for p in line.points]
    assert xs == sorted(xs)
    assert xs[0] == chart.left
    assert ys[0] == chart.bottom  # zero on the axis
    assert ys[0] > ys[1] > ys[2]  # SVG y grows downwards
    assert [v for _y, v in chart.y_ticks] == [0, 2.5, 5, 7.5, 10]
    assert line.path.startswith(f"{chart.left:.1f},{chart.bottom:.1f} ")


def test_a_single_period_is_one_point_in_the_middle() -> None:
    (line,) = line_chart(["2026-Q4"], [("hours", [3])]).lines
    (point,) = line.points
    assert 100 < point.x < 300


def test_long_series_show_at_most_six_labels() -> None:
    labels = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]
    chart = line_chart(labels, [("hours", list(range(13)))])
    assert len(chart.x_labels) <= 6
    assert chart.x_labels[0][1] == "2026-01"
