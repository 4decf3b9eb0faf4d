"""Who may see which report: L&D any team or all, a leader only their own teams
(another team is "not found"), a learner none; and the period helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from plugin.db import session_scope
from plugin.models.records import RecordKind
from plugin.services.errors import Invalid, NotAllowed, NotFound
from plugin.services.reports import ReportPeriod, Scope, scope_for, scope_for_teams
from tests.plugin.services.reports.report_world import ReportWorld, build

Q1 = ReportPeriod.quarter(2025, 1)


@pytest.fixture
def seeded(app: Flask) -> Iterator[tuple[Session, ReportWorld]]:
    with session_scope(app) as session:
        world = build(session)
        session.commit()
        yield session, world


def test_lnd_sees_the_whole_organisation_or_any_team(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    cy = w.people["cy"]
    assert scope_for(session, cy, Q1) == Scope(Q1)
    south = frozenset({w.teams["south"]})  # cy is L&D in north only: L&D sees every team
    assert scope_for(session, cy, Q1, team_ids=south) == Scope(Q1, south)
    with pytest.raises(NotFound):
        scope_for(session, cy, Q1, team_ids=[w.teams["south"] + 1000])


def test_a_leader_sees_only_the_teams_they_lead(seeded: tuple[Session, ReportWorld]) -> None:
    session, w = seeded
    north = frozenset({w.teams["north"]})
    assert scope_for(session, w.people["ada"], Q1) == Scope(Q1, north)
    assert scope_for(session, w.people["ada"], Q1, team_ids=north) == Scope(Q1, north)
    with pytest.raises(NotFound):
        scope_for(session, w.people["ada"], Q1, team_ids=[w.teams["south"]])
    with pytest.raises(NotFound):
        scope_for(session, w.people["ada"], Q1, team_ids=[w.teams["north"], w.teams["south"]])


def test_a_learner_gets_no_report(seeded: tuple[Session, ReportWorld]) -> None:
    session, w = seeded
    with pytest.raises(NotAllowed):
        scope_for(session, w.people["bo"], Q1)
    with pytest.raises(NotAllowed):
        scope_for(session, w.people["bo"], Q1, team_ids=[w.teams["north"]])


def test_kinds_are_kept_and_an_empty_choice_is_refused(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    chosen = scope_for(session, w.people["cy"], Q1, kinds=[RecordKind.COACHING_MOMENT])
    assert chosen.kinds == frozenset({RecordKind.COACHING_MOMENT})
    with pytest.raises(Invalid):
        scope_for(session, w.people["cy"], Q1, kinds=[])


def test_token_scopes_follow_the_same_rules() -> None:
    assert scope_for_teams(Q1, None) == Scope(Q1)
    assert scope_for_teams(Q1, frozenset({1, 2}), team_ids=[2]) == Scope(Q1, frozenset({2}))
    assert scope_for_teams(Q1, frozenset({1, 2})) == Scope(Q1, frozenset({1, 2}))
    with pytest.raises(NotFound):
        scope_for_teams(Q1, frozenset({1}), team_ids=[3])
    with pytest.raises(NotAllowed):
        scope_for_teams(Q1, frozenset())


def test_periods_are_half_open_utc_spans() -> None:
    utc = UTC
    assert ReportPeriod.month(2024, 12) == ReportPeriod(
        datetime(2024, 12, 1, tzinfo=utc), datetime(2025, 1, 1, tzinfo=utc)
    )
    assert ReportPeriod.quarter(2025, 4).end == datetime(2026, 1, 1, tzinfo=utc)
    assert ReportPeriod.year(2025).start == datetime(2025, 1, 1, tzinfo=utc)
    custom = ReportPeriod.custom(date(2025, 2, 3), date(2025, 2, 3))
    assert custom.end == datetime(2025, 2, 4, tzinfo=utc)
    assert custom.last_day == date(2025, 2, 3)
    assert ReportPeriod.containing("quarter", date(2025, 8, 19)) == ReportPeriod.quarter(2025, 3)
    with pytest.raises(ValueError, match="end after"):
        ReportPeriod.custom(date(2025, 2, 3), date(2025, 2, 1))
    with pytest.raises(ValueError, match="aware"):
        ReportPeriod(datetime(2025, 1, 1), datetime(2025, 2, 1))
    with pytest.raises(ValueError):
        ReportPeriod.quarter(2025, 5)
