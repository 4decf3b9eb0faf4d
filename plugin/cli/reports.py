"""``leaderled report local|lrs``: the L&D report figures, from the database
or from the LRS alone, as a table or JSON.

``lrs`` reads every statement the configured LRS returns (a progress bar on
stderr while it pulls), classifies them and counts the same figures; only the
roster (people and teams) comes from the database, as statements name
neither. On the same data the two print the same figures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from tqdm import tqdm

from lrs_client import Filters
from plugin.cli.lrs import Connection, connection_options
from plugin.config import Settings
from plugin.db import session_scope
from plugin.models.people import Team
from plugin.models.records import RecordKind
from plugin.services.reports import Indicators, ReportPeriod, Scope, compute
from plugin.services.reports.export import as_json
from plugin.services.reports.from_lrs import Directory, compute_from_statements, pulled

PAGE_SIZE = 500


def _period(first: date | None, last: date | None, period: str, on: date | None) -> ReportPeriod:
    if (first is None) != (last is None):
        raise click.UsageError("give --from and --to together")
    if first is not None and last is not None:
        if last < first:
            raise click.UsageError("--to must not be before --from")
        return ReportPeriod.custom(first, last)
    return ReportPeriod.containing(period, on or datetime.now(UTC).date())


def _scope(period: ReportPeriod, teams: tuple[int, ...], kinds: tuple[str, ...]) -> Scope:
    if teams:
        with session_scope() as session:
            known = set(session.scalars(select(Team.id).where(Team.id.in_(teams))))
        missing = sorted(set(teams) - known)
        if missing:
            raise click.UsageError(f"no team with id {', '.join(map(str, missing))}")
    return Scope(
        period,
        frozenset(teams) or None,
        frozenset(RecordKind(k) for k in kinds) or None,
    )


def _statements(connection: Connection, page_size: int) -> Iterator[dict[str, Any]]:
    client = connection.client()
    try:
        with tqdm(unit="st", file=sys.stderr, desc="pull", mininterval=0.5) as bar:
            yield from pulled(client.query(Filters(limit=page_size)).pages(), bar.update)
    finally:
        client.close()


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.1f} h"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def table(found: Indicators) -> str:
    """The figures as plain text, one block per indicator."""
    period = found.scope.period
    teams = (
        "all teams"
        if found.scope.team_ids is None
        else ", ".join(f"team {t}" for t in sorted(found.scope.team_ids))
    )
    lines = [f"Report {period.start.date()} to {period.last_day}, {teams}", ""]
    lt = found.leaders_teaching
    lines.append(f"Leaders who teach     {lt.teaching} of {lt.leaders} ({_share(lt.share)})")
    lines.append("Teaching by kind")
    for k in found.hours_by_kind:
        lines.append(f"  {k.kind.value:<26}{k.records:>7} records {_hours(k.seconds):>10}")
    lines.append(f"Reach                 {found.reach.people} people taught")
    for r in found.reach.by_leader:
        lines.append(f"  leader {r.leader_id:<18}{r.people:>7} people")
    lines.append("Coaching per team member (sessions, days since the last)")
    for c in found.coaching:
        days = "never" if c.days_since is None else f"{c.days_since} days"
        lines.append(f"  team {c.team_id} person {c.person_id:<10}{c.sessions:>5}   {days}")
    ratings = found.ratings
    average = "-" if ratings.average is None else f"{ratings.average:.2f}"
    lines.append(f"Learner ratings       {ratings.ratings} (average {average}), 1-5: "
                 f"{' '.join(map(str, ratings.by_value))}")  # fmt: skip
    ttt = found.train_the_trainer
    lines.append(
        f"Train-the-trainer     of {ttt.leaders} leaders: {ttt.trained} trained, "
        f"{ttt.paired} paired, {ttt.given_feedback} given feedback"
    )
    lines.append(
        f"Expectations          {found.expectations.acknowledgements} acknowledged by "
        f"{found.expectations.people} people"
    )
    lines.append(f"Goals                 {found.goals.set} set, {found.goals.met} met")
    lines.append("Knowledge sessions per topic")
    for t in found.topics:
        lines.append(f"  {t.topic or '(none)':<26}{t.sessions:>7} sessions {_hours(t.seconds):>10}"
                     f" {t.attendees:>6} attendances")  # fmt: skip
    lines.append("Knowledge sessions per company value")
    for v in found.values:
        lines.append(f"  {v.value or '(none)':<26}{v.sessions:>7} sessions {_hours(v.seconds):>10}")
    lines.append("70-20-10 mix (experiential / social / formal, count and hours)")
    rows = [("organisation", found.mix.organisation)]
    rows += [(f"team {row.key}", row.mix) for row in found.mix.teams]
    rows += [(f"person {row.key}", row.mix) for row in found.mix.people]
    for label, mix in rows:
        lines.append(
            f"  {label:<20}{mix.experiential_count:>6}{mix.social_count:>6}{mix.formal_count:>6}"
            f"  {_hours(mix.experiential_seconds):>9}{_hours(mix.social_seconds):>9}"
            f"{_hours(mix.formal_seconds):>9}"
        )
    lines.append("Formal per team (completions, passed, failed, pass rate, leader-led hours)")
    for f in found.formal:
        lines.append(
            f"  team {f.team_id:<15}{f.completions:>6}{f.passed:>6}{f.failed:>6}"
            f"{_share(f.pass_rate):>7}{_hours(f.leader_led_seconds):>10}"
        )
    return "\n".join(lines)


@click.command("report")
@click.argument("source", type=click.Choice(["local", "lrs"]))
@click.option("--team", "teams", type=int, multiple=True, help="A team id (repeatable).")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option(
    "--period",
    type=click.Choice(["month", "quarter", "year"]),
    default="quarter",
    show_default=True,
    help="Without --from/--to: the period containing --on.",
)
@click.option("--on", type=click.DateTime(["%Y-%m-%d"]), help="A day in the period (today).")
@click.option(
    "--kind", "kinds", type=click.Choice([k.value for k in RecordKind]), multiple=True,
    help="Only these record kinds (repeatable).",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--page-size", type=click.IntRange(1, 10000), default=PAGE_SIZE, show_default=True)
@with_appcontext
@connection_options
def report(
    connection: Connection,
    *,
    source: str,
    teams: tuple[int, ...],
    first: datetime | None,
    last: datetime | None,
    period: str,
    on: datetime | None,
    kinds: tuple[str, ...],
    fmt: str,
    page_size: int,
) -> None:
    """The L&D report figures from SOURCE: local (the database) or lrs (the LRS alone)."""
    chosen = _period(
        first.date() if first else None,
        last.date() if last else None,
        period,
        on.date() if on else None,
    )
    scope = _scope(chosen, teams, kinds)
    settings: Settings = current_app.config["LEADERLED"]
    if source == "local":
        with session_scope() as session:
            found = compute(session, scope)
    else:
        with session_scope() as session:
            directory = Directory.load(session)
        found = compute_from_statements(
            scope,
            _statements(connection, page_size),
            directory,
            profile_base=settings.resolved_profile_base,
        )
    if fmt == "json":
        click.echo(json.dumps(as_json(found), indent=2, ensure_ascii=False))
    else:
        click.echo(table(found))
