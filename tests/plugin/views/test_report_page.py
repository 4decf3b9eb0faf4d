"""The report's tables as a page builds them (the first rows of each, the
count of all) and as a CSV does (every row), from hand-made figures."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from plugin.services.reports import (
    Indicator,
    Indicators,
    LeaderRating,
    LeaderReach,
    MemberCoaching,
    Mix,
    MixFigures,
    MixRow,
    Ratings,
    Reach,
    ReportPeriod,
    Scope,
)
from plugin.views.report_page import Names, Shown, build

WHEN = datetime(2025, 3, 1, tzinfo=UTC)
FOUND = Indicators(
    Scope(ReportPeriod.quarter(2025, 1)),
    reach=Reach(6, (LeaderReach(1, 2), LeaderReach(2, 5), LeaderReach(3, 1))),
    coaching=(
        MemberCoaching(10, 100, 2, WHEN, 30),
        MemberCoaching(11, 100, 0, None, None),  # never coached: the first shown
        MemberCoaching(12, 200, 1, WHEN, 90),
    ),
    ratings=Ratings(3, 12, (0, 0, 1, 1, 1), (LeaderRating(1, 1, 3), LeaderRating(2, 2, 9))),
    mix=Mix(
        MixFigures(1, 1, 0, 60, 60, 0),
        (MixRow(100, MixFigures(1, 1, 0, 60, 60, 0)),),
        (MixRow(10, MixFigures(1, 0, 0, 60, 0, 0)), MixRow(11, MixFigures(0, 1, 0, 0, 60, 0))),
    ),
)
NAMES = Names(
    teams={100: "North", 200: "South"},
    people={1: "Ada", 2: "Gus", 3: "Fay", 10: "Bo", 11: "Dee", 12: "Hal"},
    topics={},
    values={},
)


def _url(indicator: Indicator, key: str | None) -> str:
    return f"/{indicator.value}/{key}"


def _first_cells(app: Flask, limit: int | None) -> dict[str, tuple[list[str], int]]:
    with app.test_request_context("/"):
        report = build(FOUND, NAMES, _url, Shown.of(FOUND, limit))
    return {
        table_id: ([str(r.cells[key]) for r in table.rows], table.count)
        for table_id, key in (
            ("coaching", "person"),
            ("reach", "leader"),
            ("ratings", "leader"),
            ("mix-people", "person"),
        )
        if (table := report.table(table_id)) is not None
    }


def test_a_page_builds_the_first_rows_of_each_table_and_counts_them_all(app: Flask) -> None:
    assert _first_cells(app, 1) == {
        "coaching": (["Dee"], 3),  # never coached comes first, then the longest ago
        "reach": (["Gus"], 3),  # who reached most first
        "ratings": (["Gus"], 2),  # the most ratings first
        "mix-people": ([], 2),  # sorted by name: past the limit, not built at all
    }


def test_a_csv_builds_every_row_in_the_same_order(app: Flask) -> None:
    assert _first_cells(app, None) == {
        "coaching": (["Dee", "Hal", "Bo"], 3),
        "reach": (["Gus", "Ada", "Fay"], 3),
        "ratings": (["Gus", "Ada"], 2),
        "mix-people": (["Bo", "Dee"], 2),
    }
    # Within the limit a page is the whole table.
    assert _first_cells(app, 3) == _first_cells(app, None)
