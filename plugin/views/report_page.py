"""The report page's tables and charts from the figures the reports service
computed: names looked up once, seconds turned into hours, and each figure
given the drill-down link to the records behind it.

Kept apart from the blueprint so the page, the CSV downloads and the tests
build exactly the same tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import current_language, lazy
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.people import Person, Team
from plugin.services.reports import (
    Indicator,
    Indicators,
    LeaderRating,
    LeaderReach,
    MemberCoaching,
    MixFigures,
    MixRow,
    Mode,
)
from plugin.services.roles import name_of
from plugin.views.charts import LineChart, StackedBars, line_chart, stacked_bars
from plugin.views.labels import kind_label
from plugin.views.report_tables import Column, Format, Row, Table

MODES = (Mode.EXPERIENTIAL, Mode.SOCIAL, Mode.FORMAL)
#: Bars in the team chart; the table beside it has every team.
CHART_TEAMS = 12
#: Above this many people the page links the per-person mix's CSV instead; other
#: tables show their first this many rows (``Shown``; the teams' tables by
#: name) and link the whole CSV.
#: An organisation's coaching table is one row per member: thousands of rows
#: are no page for a phone, nor quick to render.
PAGE_ROWS = 200

#: Makes the drill-down URL of (indicator, key); the view binds the filters.
DrillUrl = Callable[[Indicator, str | None], str]


def hours(seconds: int | None) -> float:
    return (seconds or 0) / 3600


def percent(part: float | None) -> float | None:
    return None if part is None else 100 * part


@dataclass(frozen=True)
class Names:
    teams: dict[int, str]
    people: dict[int, str]
    topics: dict[str, str]
    values: dict[str, str]

    def team(self, team_id: int) -> str:
        return self.teams.get(team_id, f"#{team_id}")

    def person(self, person_id: int | None) -> str:
        if person_id is None:
            return ""
        return self.people.get(person_id, f"#{person_id}")


@dataclass(frozen=True)
class Shown:
    """The rows of the per-person tables a report shows, in their order: all of
    them (a CSV), or for a page the first ``limit`` of each and no per-person
    mix past ``limit`` people (it is sorted by name: its names alone were a
    query of 10,000 people for an organisation). The most telling rows first:
    members longest without coaching, leaders who reached most, leaders with
    the most ratings."""

    people: tuple[MixRow, ...]
    coaching: tuple[MemberCoaching, ...]
    reach: tuple[LeaderReach, ...]
    ratings: tuple[LeaderRating, ...]

    @classmethod
    def of(cls, found: Indicators, limit: int | None = None) -> Shown:
        people = found.mix.people if limit is None or len(found.mix.people) <= limit else ()
        coaching = sorted(
            found.coaching, key=lambda c: -(c.days_since if c.days_since is not None else 10**6)
        )
        reach = sorted(found.reach.by_leader, key=lambda r: -r.people)
        ratings = sorted(found.ratings.by_leader, key=lambda r: -r.ratings)
        return cls(people, tuple(coaching[:limit]), tuple(reach[:limit]), tuple(ratings[:limit]))


def names_for(session: Session, found: Indicators, shown: Shown | None = None) -> Names:
    """Every name the tables show (``shown``: the rows ``build`` is given), in four
    queries."""
    shown = shown or Shown.of(found)
    team_ids = {r.key for r in found.mix.teams} | {f.team_id for f in found.formal}
    team_ids |= {c.team_id for c in shown.coaching}
    person_ids = {r.key for r in shown.people} | {c.person_id for c in shown.coaching}
    person_ids |= {r.leader_id for r in shown.reach}
    person_ids |= {r.leader_id for r in shown.ratings}
    return Names(
        teams=team_names(session, team_ids),
        people=person_names(session, person_ids),
        **catalogue_names(session),
    )


def team_names(session: Session, team_ids: Sequence[int] | set[int]) -> dict[int, str]:
    if not team_ids:
        return {}
    rows = session.scalars(select(Team).where(Team.id.in_(set(team_ids))))
    return {t.id: t.title or t.label or t.context_id for t in rows}


def person_names(session: Session, person_ids: Sequence[int] | set[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = session.scalars(select(Person).where(Person.id.in_(set(person_ids))))
    return {p.id: name_of(p) for p in rows}


def catalogue_names(session: Session) -> dict[str, dict[str, str]]:
    language = current_language()
    return {
        "topics": {t.slug: t.name(language) for t in session.scalars(select(TopicCategory))},
        "values": {v.slug: v.name(language) for v in session.scalars(select(CompanyValue))},
    }


@dataclass(frozen=True)
class Report:
    tables: tuple[Table, ...]
    mix_chart: StackedBars
    mix_chart_rows: int
    trend: LineChart | None
    trend_table: Table | None

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.all_tables if t.id == table_id), None)

    @property
    def all_tables(self) -> tuple[Table, ...]:
        return self.tables + ((self.trend_table,) if self.trend_table else ())


def _mix_cells(mix: MixFigures) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for mode in MODES:
        cells[f"{mode}_hours"] = hours(mix.seconds(mode))
        cells[f"{mode}_share"] = percent(mix.share(mode, by="seconds"))
        cells[f"{mode}_count"] = mix.count(mode)
    return cells


MIX_WORDS: dict[str, Any] = {
    "experiential_hours": lazy("On the job: hours"),
    "social_hours": lazy("From others: hours"),
    "formal_hours": lazy("Formal: hours"),
    "experiential_share": lazy("On the job: % of hours"),
    "social_share": lazy("From others: % of hours"),
    "formal_share": lazy("Formal: % of hours"),
    "experiential_count": lazy("On the job: records"),
    "social_count": lazy("From others: records"),
    "formal_count": lazy("Formal: records"),
}
MEASURES = (("hours", Format.DECIMAL), ("share", Format.PERCENT), ("count", Format.COUNT))


def _mix_columns(first: Column) -> tuple[Column, ...]:
    return (
        first,
        *(
            Column(f"{mode}_{measure}", MIX_WORDS[f"{mode}_{measure}"], fmt)
            for measure, fmt in MEASURES
            for mode in MODES
        ),
    )


def _mix_drill(url: DrillUrl, prefix: str) -> dict[str, str]:
    links = {}
    for mode in MODES:
        key = f"{prefix}{mode}"
        link = url(Indicator.MIX, key)
        links[f"{mode}_hours"] = links[f"{mode}_count"] = link
    return links


def overview_table(found: Indicators, url: DrillUrl) -> Table:
    teach = found.leaders_teaching
    ttt = found.train_the_trainer
    goals = found.goals

    def share(part: int, whole: int) -> float | None:
        return 100 * part / whole if whole else None

    rows = (
        Row(
            {
                "figure": lazy("Leaders who teach"),
                "number": teach.teaching,
                "of": teach.leaders,
                "share": share(teach.teaching, teach.leaders),
            },
            {"number": url(Indicator.LEADERS_TEACHING, None)},
        ),
        Row(
            {"figure": lazy("People taught (reach)"), "number": found.reach.people},
            {"number": url(Indicator.REACH, None)},
        ),
        Row(
            {
                "figure": lazy("Leaders trained as trainers"),
                "number": ttt.trained,
                "of": ttt.leaders,
                "share": share(ttt.trained, ttt.leaders),
            },
            {"number": url(Indicator.TRAIN_THE_TRAINER, "trained")},
        ),
        Row(
            {
                "figure": lazy("New trainers paired with a trainer"),
                "number": ttt.paired,
                "of": ttt.leaders,
                "share": share(ttt.paired, ttt.leaders),
            },
            {"number": url(Indicator.TRAIN_THE_TRAINER, "paired")},
        ),
        Row(
            {
                "figure": lazy("Leaders given feedback on their teaching"),
                "number": ttt.given_feedback,
                "of": ttt.leaders,
                "share": share(ttt.given_feedback, ttt.leaders),
            },
            {"number": url(Indicator.TRAIN_THE_TRAINER, "feedback")},
        ),
        Row(
            {
                "figure": lazy("Expectations acknowledged"),
                "number": found.expectations.acknowledgements,
                "of": None,
                "share": None,
                "people": found.expectations.people,
            },
            {"number": url(Indicator.EXPECTATIONS, None)},
        ),
        Row(
            {"figure": lazy("Goals set"), "number": goals.set},
            {"number": url(Indicator.GOALS, "set")},
        ),
        Row(
            {
                "figure": lazy("Goals met"),
                "number": goals.met,
                "of": goals.set,
                "share": share(goals.met, goals.set),
            },
            {"number": url(Indicator.GOALS, "met")},
        ),
        Row(
            {
                "figure": lazy("Learner ratings"),
                "number": found.ratings.ratings,
                "average": found.ratings.average,
            },
            {"number": url(Indicator.RATINGS, None)},
        ),
    )
    return Table(
        "overview",
        lazy("Leader-led learning at a glance"),
        (
            Column("figure", lazy("Figure")),
            Column("number", lazy("Number"), Format.COUNT),
            Column("of", lazy("Out of"), Format.COUNT),
            Column("share", lazy("Share (%)"), Format.PERCENT),
            Column("people", lazy("People"), Format.COUNT),
            Column("average", lazy("Average rating"), Format.DECIMAL),
        ),
        rows,
    )


def build(found: Indicators, names: Names, url: DrillUrl, shown: Shown | None = None) -> Report:
    """Every table and chart of one report: complete (the CSV downloads), or as a
    page shows them (``Shown.of(found, limit)``: the first rows; ``Table.total``
    counts all)."""
    mix = found.mix
    shown = shown or Shown.of(found)
    team_rows = sorted(mix.teams, key=lambda r: names.team(r.key).casefold())
    mix_teams = Table(
        "mix-teams",
        lazy("The 70-20-10 mix per team: hours, share of hours and records"),
        _mix_columns(Column("team", lazy("Team"))),
        (
            Row(
                {"team": lazy("Everyone in this report"), **_mix_cells(mix.organisation)},
                _mix_drill(url, ""),
            ),
            *(
                Row(
                    {"team": names.team(r.key), **_mix_cells(r.mix)},
                    _mix_drill(url, f"team:{r.key}:"),
                )
                for r in team_rows
            ),
        ),
    )
    people_rows = sorted(shown.people, key=lambda r: names.person(r.key).casefold())
    mix_people = Table(
        "mix-people",
        lazy("The 70-20-10 mix per person"),
        _mix_columns(Column("person", lazy("Person"))),
        tuple(
            Row(
                {"person": names.person(r.key), **_mix_cells(r.mix)},
                _mix_drill(url, f"person:{r.key}:"),
            )
            for r in people_rows
        ),
        total=len(mix.people),
    )
    by_kind = Table(
        "hours-by-kind",
        lazy("Teaching by kind"),
        (
            Column("kind", lazy("Kind")),
            Column("records", lazy("Records"), Format.COUNT),
            Column("hours", lazy("Hours"), Format.DECIMAL),
        ),
        tuple(
            Row(
                {"kind": kind_label(k.kind), "records": k.records, "hours": hours(k.seconds)},
                {"records": url(Indicator.HOURS_BY_KIND, str(k.kind))},
            )
            for k in found.hours_by_kind
        ),
    )
    reach = Table(
        "reach",
        lazy("People taught per leader"),
        (Column("leader", lazy("Leader")), Column("people", lazy("People taught"), Format.COUNT)),
        tuple(
            Row(
                {"leader": names.person(r.leader_id), "people": r.people},
                {"people": url(Indicator.REACH, str(r.leader_id))},
            )
            for r in shown.reach
        ),
        total=len(found.reach.by_leader),
    )
    coaching = Table(
        "coaching",
        lazy("Coaching per team member"),
        (
            Column("person", lazy("Team member")),
            Column("team", lazy("Team")),
            Column("sessions", lazy("Coaching and mentoring"), Format.COUNT),
            Column("days", lazy("Days since the last one"), Format.COUNT),
        ),
        tuple(
            Row(
                {
                    "person": names.person(c.person_id),
                    "team": names.team(c.team_id),
                    "sessions": c.sessions,
                    "days": c.days_since,
                },
                {"sessions": url(Indicator.COACHING, str(c.person_id))},
            )
            for c in shown.coaching
        ),
        total=len(found.coaching),
    )
    ratings = Table(
        "ratings",
        lazy("Learner ratings per leader"),
        (
            Column("leader", lazy("Leader")),
            Column("ratings", lazy("Ratings"), Format.COUNT),
            Column("average", lazy("Average (1 to 5)"), Format.DECIMAL),
        ),
        tuple(
            Row(
                {"leader": names.person(r.leader_id), "ratings": r.ratings, "average": r.average},
                {"ratings": url(Indicator.RATINGS, str(r.leader_id))},
            )
            for r in shown.ratings
        ),
        total=len(found.ratings.by_leader),
    )
    topics = Table(
        "topics",
        lazy("Knowledge sessions per topic"),
        (
            Column("topic", lazy("Topic")),
            Column("sessions", lazy("Sessions"), Format.COUNT),
            Column("hours", lazy("Hours"), Format.DECIMAL),
            Column("attendees", lazy("Attendances"), Format.COUNT),
        ),
        tuple(
            Row(
                {
                    "topic": names.topics.get(t.topic, t.topic) if t.topic else lazy("No topic"),
                    "sessions": t.sessions,
                    "hours": hours(t.seconds),
                    "attendees": t.attendees,
                },
                {"sessions": url(Indicator.TOPICS, t.topic or "")},
            )
            for t in found.topics
        ),
    )
    values = Table(
        "values",
        lazy("Knowledge sessions per company value"),
        (
            Column("value", lazy("Company value")),
            Column("sessions", lazy("Sessions"), Format.COUNT),
            Column("hours", lazy("Hours"), Format.DECIMAL),
        ),
        tuple(
            Row(
                {
                    "value": names.values.get(v.value, v.value) if v.value else lazy("None named"),
                    "sessions": v.sessions,
                    "hours": hours(v.seconds),
                },
                {"sessions": url(Indicator.VALUES, v.value or "")},
            )
            for v in found.values
        ),
    )
    formal = Table(
        "formal",
        lazy("Formal learning per team, next to leader-led hours"),
        (
            Column("team", lazy("Team")),
            Column("completions", lazy("Completions"), Format.COUNT),
            Column("passed", lazy("Passed"), Format.COUNT),
            Column("failed", lazy("Failed"), Format.COUNT),
            Column("pass_rate", lazy("Pass rate (%)"), Format.PERCENT),
            Column("leader_led", lazy("Leader-led hours"), Format.DECIMAL),
        ),
        tuple(
            Row(
                {
                    "team": names.team(f.team_id),
                    "completions": f.completions,
                    "passed": f.passed,
                    "failed": f.failed,
                    "pass_rate": percent(f.pass_rate),
                    "leader_led": hours(f.leader_led_seconds),
                },
                {"completions": url(Indicator.FORMAL, str(f.team_id))},
            )
            for f in sorted(found.formal, key=lambda f: names.team(f.team_id).casefold())
        ),
    )
    chart_rows = [(str(lazy("Everyone in this report")), mix.organisation)]
    busiest = sorted(team_rows, key=lambda r: -sum(r.mix.seconds(m) for m in MODES))
    chart_rows += [(names.team(r.key), r.mix) for r in busiest[:CHART_TEAMS]]
    chart = stacked_bars(
        [(label, [(str(m), hours(f.seconds(m))) for m in MODES]) for label, f in chart_rows]
    )
    return Report(
        (
            overview_table(found, url),
            mix_teams,
            mix_people,
            by_kind,
            reach,
            coaching,
            ratings,
            topics,
            values,
            formal,
        ),
        chart,
        len(chart_rows),
        None,
        None,
    )


def with_trend(report: Report, periods: Sequence[tuple[str, MixFigures]]) -> Report:
    """Add the line over time: leader-led (on the job and from others) and
    formal hours in each period, oldest first."""
    labels = [label for label, _found in periods]
    leader_led = [hours(f.seconds(Mode.EXPERIENTIAL) + f.seconds(Mode.SOCIAL)) for _l, f in periods]
    formal = [hours(f.seconds(Mode.FORMAL)) for _l, f in periods]
    table = Table(
        "trend",
        lazy("Hours of learning over time"),
        (
            Column("period", lazy("Period")),
            Column("leader_led", lazy("Leader-led and on the job"), Format.DECIMAL),
            Column("formal", lazy("Formal"), Format.DECIMAL),
        ),
        tuple(
            Row({"period": label, "leader_led": a, "formal": b})
            for label, a, b in zip(labels, leader_led, formal, strict=True)
        ),
    )
    chart = line_chart(labels, [("social", leader_led), ("formal", formal)])
    return Report(report.tables, report.mix_chart, report.mix_chart_rows, chart, table)
