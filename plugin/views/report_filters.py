"""The report filters from a query string: team, period (a month, quarter,
year or custom days) and kind. Parsed strictly: a value that does not parse
is a message naming the field and showing a good example (the page answers
400), never a guess and never a 500.

The same query string drives the page, every CSV download and every
drill-down link, so what a figure links to is what it counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from plugin.i18n import _
from plugin.models.records import RecordKind

PERIODS = ("month", "quarter", "year", "custom")
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
YEAR = re.compile(r"(\d{4})")
#: Longest custom span: enough for any comparison people make, bounded for the server.
MAX_DAYS = 3 * 366
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class ReportFilter:
    period: str
    at: str  # the month, quarter or year as written in the URL ("" for custom)
    first_day: date
    last_day: date  # included
    team_ids: tuple[int, ...] = ()  # () is every team the viewer may see
    kinds: tuple[RecordKind, ...] = ()  # () is every kind

    def query(self, **change: Any) -> dict[str, Any]:
        """The query string that reproduces this filter (with ``change`` applied)."""
        args: dict[str, Any] = {"period": self.period}
        if self.period == "custom":
            args["from"] = self.first_day.isoformat()
            args["to"] = self.last_day.isoformat()
        else:
            args["at"] = self.at
        if self.team_ids:
            args["team"] = list(self.team_ids)
        if self.kinds:
            args["kind"] = [str(k) for k in self.kinds]
        args.update(change)
        return args

    def query_string(self) -> str:
        return urlencode(self.query(), doseq=True)


@dataclass
class FilterErrors(Exception):
    """Field name -> message, in the order the form shows the fields."""

    errors: dict[str, str] = field(default_factory=dict)


def _at_for(period: str, day: date) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _span(period: str, at: str) -> tuple[date, date] | None:
    """First and last day of the month, quarter or year written as ``at``."""
    if period == "month" and (m := MONTH.fullmatch(at)):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        first = date(year, month, 1)
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    if period == "quarter" and (m := QUARTER.fullmatch(at)):
        year, quarter = int(m.group(1)), int(m.group(2))
        first = date(year, 3 * quarter - 2, 1)
        nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return first, nxt - timedelta(days=1)
    if period == "year" and YEAR.fullmatch(at):
        return date(int(at), 1, 1), date(int(at), 12, 31)
    return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse(args: MultiDict[str, str] | Mapping[str, str], today: date) -> ReportFilter:
    """The filter the query string asks for; raises :class:`FilterErrors`.

    Nothing chosen is this quarter, every team the viewer may see, every kind.
    """
    multi = args if isinstance(args, MultiDict) else MultiDict(args)
    errors: dict[str, str] = {}

    teams: list[int] = []
    for raw in multi.getlist("team"):
        if raw == "":
            continue
        if not raw.isdigit() or len(raw) > 12:
            errors["team"] = _("Choose a team from the list.")
            break
        teams.append(int(raw))

    period = multi.get("period", "") or "quarter"
    at = (multi.get("at", "") or "").strip()
    first = last = today
    if period not in PERIODS:
        errors["period"] = _("Choose a month, quarter, year or your own dates.")
    elif period == "custom":
        first_day = _day((multi.get("from", "") or "").strip())
        last_day = _day((multi.get("to", "") or "").strip())
        if first_day is None:
            errors["from"] = _("Enter the first day as a date, such as 2026-01-31.")
        if last_day is None:
            errors["to"] = _("Enter the last day as a date, such as 2026-03-31.")
        if first_day and last_day:
            if last_day < first_day:
                errors["to"] = _("The last day must be on or after the first day.")
            elif (last_day - first_day).days >= MAX_DAYS:
                errors["to"] = _("Choose at most three years.")
            first, last = first_day, last_day
        at = ""
    else:
        at = at or _at_for(period, today)
        span = _span(period, at)
        examples = {"month": "2026-11", "quarter": "2026-Q4", "year": "2026"}
        if span is None:
            errors["at"] = _("Enter the period as in %(example)s.", example=examples[period])
        else:
            first, last = span
    if not errors and not FIRST_YEAR <= first.year <= last.year <= LAST_YEAR:
        errors["at" if period != "custom" else "from"] = _(
            "Choose a period between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR
        )

    kinds: list[RecordKind] = []
    for raw in multi.getlist("kind"):
        if raw == "":
            continue
        try:
            kind = RecordKind(raw)
        except ValueError:
            errors["kind"] = _("Choose kinds of record from the list.")
            break
        if kind not in kinds:
            kinds.append(kind)

    if errors:
        raise FilterErrors(errors)
    return ReportFilter(period, at, first, last, tuple(dict.fromkeys(teams)), tuple(kinds))


def previous_periods(chosen: ReportFilter, count: int) -> list[tuple[str, date, date]]:
    """The ``count`` months (for a month or custom span: months; else the same
    unit) ending with the chosen one, oldest first: the x axis of a trend."""
    unit = "month" if chosen.period in ("month", "custom") else chosen.period
    spans: list[tuple[str, date, date]] = []
    day = chosen.last_day
    for _i in range(count):
        at = _at_for(unit, day)
        span = _span(unit, at)
        assert span is not None
        spans.append((at, *span))
        day = span[0] - timedelta(days=1)
    return list(reversed(spans))
