"""Formal time counted once per session (reports.passes.formal_pass): the rule
``formal_effort_of`` follows, on hand-made registrations around the first
quarter of 2025, with the expected seconds worked out here and the Python
count over loaded rows (reports.rows) and the trend's organisation mix held
to the same figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from plugin.db import session_scope
from plugin.models.formal import FormalRecord
from plugin.services.reports import MixFigures, ReportPeriod, Scope, compute
from plugin.services.reports.naive import load_rows
from plugin.services.reports.rows import compute_rows
from plugin.services.reports.trend import mix_by_period
from tests.plugin.services.reports.report_world import ADL, ReportWorld, at, build

Q1 = ReportPeriod.quarter(2025, 1)
Q2 = ReportPeriod.quarter(2025, 2)
LATER = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def registrations(app: Flask) -> Iterator[tuple[Session, ReportWorld]]:
    with session_scope(app) as session:
        world = build(session)
        p = world.people
        n = 0

        def formal(person: str, verb: str, when: datetime, **values: object) -> None:
            nonlocal n
            n += 1
            outcome = verb in ("passed", "completed")
            session.add(
                FormalRecord(
                    statement_id=f"00000000-0000-4000-8000-0000000001{n:02d}",
                    lrs="main",
                    person_id=p[person],
                    origin="formal",
                    source="cmi5",
                    verb=ADL + verb,
                    timestamp=when,
                    is_outcome=outcome,
                    kind="achievement" if outcome else "other",
                    success=True if verb == "passed" else None,
                    completion=True if verb == "completed" else None,
                    **values,
                )
            )

        # reg-a: an outcome with its own duration, and the session's end: the end's only.
        formal("dee", "passed", at(1, 5), duration_seconds=300.0, registration="reg-a")
        formal("dee", "terminated", at(1, 6), duration_seconds=900.0, registration="reg-a")
        # reg-b: the outcome in Q1, its end in Q2: each quarter counts what it has.
        formal("dee", "passed", at(3, 30), duration_seconds=400.0, registration="reg-b")
        formal("dee", "terminated", at(4, 2), duration_seconds=700.0, registration="reg-b")
        # No registration: the outcome's time counts.
        formal("dee", "completed", at(2, 1), duration_seconds=250.0)
        # reg-c: its end was voided, so the outcome's time counts and the end's does not.
        formal("dee", "passed", at(2, 3), duration_seconds=100.0, registration="reg-c")
        formal(
            "dee",
            "terminated",
            at(2, 4),
            duration_seconds=999.0,
            registration="reg-c",
            voided=True,
        )
        # reg-x: bo's outcome, and an end of dee's with the same registration: an
        # end closes only its own person's session.
        formal("bo", "passed", at(2, 5), duration_seconds=80.0, registration="reg-x")
        formal("dee", "terminated", at(2, 6), duration_seconds=60.0, registration="reg-x")
        session.commit()
        yield session, world


def _person(session: Session, scope: Scope, person_id: int) -> MixFigures:
    people = {row.key: row.mix for row in compute(session, scope, now=LATER).mix.people}
    return people[person_id]


def test_an_outcome_counts_its_time_only_when_its_session_has_no_end_in_the_period(
    registrations: tuple[Session, ReportWorld],
) -> None:
    session, w = registrations
    p = w.people
    # dee in Q1: reg-a's end 900, reg-b's outcome 400, the loose completion 250,
    # reg-c's outcome 100 (its end voided), reg-x's end 60; outcomes: 4.
    dee = _person(session, Scope(Q1), p["dee"])
    assert (dee.formal_count, dee.formal_seconds) == (4, 1710)
    # bo in Q1: F1 (1200 s, no registration) and reg-x's outcome (80 s, not dee's end).
    bo = _person(session, Scope(Q1), p["bo"])
    assert (bo.formal_count, bo.formal_seconds) == (2, 1280)
    # dee in Q2: reg-b's end alone.
    dee = _person(session, Scope(Q2), p["dee"])
    assert (dee.formal_count, dee.formal_seconds) == (0, 700)


@pytest.mark.parametrize("period", [Q1, Q2, ReportPeriod.year(2025)], ids=["q1", "q2", "year"])
def test_python_over_loaded_rows_counts_formal_time_as_the_sql(
    registrations: tuple[Session, ReportWorld], period: ReportPeriod
) -> None:
    session, w = registrations
    records, formal, roster = load_rows(session)
    for scope in (Scope(period), Scope(period, frozenset({w.teams["north"]}))):
        found = compute(session, scope, now=LATER)
        assert compute_rows(scope, records, formal, roster, now=LATER) == found
        assert mix_by_period(session, scope, [period]) == [found.mix.organisation]
