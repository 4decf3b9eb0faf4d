"""The report filters: every way to choose a period, and every bad value a
message on its field (the page answers 400 with it)."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from plugin.models.records import RecordKind
from plugin.views.report_filters import FilterErrors, parse, previous_periods

TODAY = date(2026, 11, 18)


def _parse(**args: str | list[str]) -> object:
    multi: MultiDict[str, str] = MultiDict()
    for key, value in args.items():
        for one in value if isinstance(value, list) else [value]:
            multi.add(key.rstrip("_"), one)
    return parse(multi, TODAY)


def test_nothing_chosen_is_this_quarter_every_team_every_kind() -> None:
    chosen = parse(MultiDict(), TODAY)
    assert (chosen.period, chosen.at) == ("quarter", "2026-Q4")
    assert (chosen.first_day, chosen.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert chosen.team_ids == ()
    assert chosen.kinds == ()


@pytest.mark.parametrize(
    ("period", "at", "first", "last"),
    [
        ("month", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("month", "2024-2", date(2024, 2, 1), date(2024, 2, 29)),
        ("month", "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("quarter", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("quarter", "2025q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("year", "2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("month", "", date(2026, 11, 1), date(2026, 11, 30)),
    ],
)
def test_a_month_quarter_or_year(period: str, at: str, first: date, last: date) -> None:
    chosen = _parse(period=period, at=at)
    assert (chosen.first_day, chosen.last_day) == (first, last)  # type: ignore[attr-defined]


def test_custom_days_teams_and_kinds() -> None:
    chosen = _parse(
        period="custom",
        from_="2026-01-15",
        to="2026-02-15",
        team=["3", "5", "3"],
        kind=["coaching_moment", "knowledge_session"],
    )
    assert (chosen.first_day, chosen.last_day) == (date(2026, 1, 15), date(2026, 2, 15))  # type: ignore[attr-defined]
    assert chosen.team_ids == (3, 5)  # type: ignore[attr-defined]
    assert chosen.kinds == (RecordKind.COACHING_MOMENT, RecordKind.KNOWLEDGE_SESSION)  # type: ignore[attr-defined]
    assert chosen.query()["from"] == "2026-01-15"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"period": "week"}, "period", "month, quarter, year"),
        ({"period": "month", "at": "2026-13"}, "at", "2026-11"),
        ({"period": "quarter", "at": "2026-Q5"}, "at", "2026-Q4"),
        ({"period": "year", "at": "twenty"}, "at", "2026"),
        ({"period": "year", "at": "1066"}, "at", "between 2000 and 2100"),
        ({"period": "custom", "from_": "2026-02-30", "to": "2026-03-01"}, "from", "first day"),
        ({"period": "custom", "from_": "2026-03-01"}, "to", "last day"),
        ({"period": "custom", "from_": "2026-03-01", "to": "2026-02-01"}, "to", "on or after"),
        ({"period": "custom", "from_": "2020-01-01", "to": "2026-01-01"}, "to", "three years"),
        ({"team": "north"}, "team", "team"),
        ({"team": "1" * 40}, "team", "team"),
        ({"kind": "gossip"}, "kind", "kinds"),
    ],
)
def test_bad_values_are_messages_on_their_fields(
    args: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(FilterErrors) as raised:
        _parse(**args)
    assert field in raised.value.errors
    assert words in raised.value.errors[field]


def test_a_trend_is_the_periods_ending_with_the_chosen_one() -> None:
    spans = previous_periods(_parse(period="quarter", at="2026-Q1"), 3)  # type: ignore[arg-type]
    assert spans == [
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ]
    months = previous_periods(_parse(period="custom", from_="2026-01-15", to="2026-03-02"), 2)  # type: ignore[arg-type]
    assert [m[0] for m in months] == ["2026-02", "2026-03"]
