"""The three grouped passes the heavy report figures share (issue 11).

A whole organisation's year is hundreds of thousands of records, participants
and formal records; scanning them once per figure was most of the report's
time. Each pass below reads its rows once, grouped just finely enough that
every figure built on it can be folded from the groups in Python:

- :func:`records_pass`: records by (recorder, team, kind): hours by kind,
  leaders who teach, expectations and goals, the self-recorded part of the
  mix, the leader-led seconds per team;
- :func:`participations_pass`: learners by (learner, leader, team, kind,
  role): reach, the participants' part of the mix, coaching in the period;
- :func:`formal_pass`: formal records by person: the formal part of the mix
  and the formal completions and outcomes per team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from plugin.models.formal import FormalRecord
from plugin.models.people import Membership
from plugin.models.records import (
    LeaderLedRecord,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services.reports.kinds import (
    COACHING_KINDS,
    LEADER_KINDS,
    LEARNING_ROLES,
    PARTICIPANT_LEARNING,
)
from plugin.services.reports.scope import Scope
from statements.classification import Origin
from statements.classification.verbs import SESSION_ENDS

R = LeaderLedRecord
P = RecordParticipant
F = FormalRecord


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def kinds_in(scope: Scope, wanted: Sequence[RecordKind]) -> list[RecordKind]:
    """The kinds of ``wanted`` the scope's kind filter lets through."""
    return [k for k in wanted if scope.kinds is None or k in scope.kinds]


def records_where(
    scope: Scope,
    wanted: Sequence[RecordKind],
    *,
    until_end: bool = False,
    kind_filter: bool = True,
) -> list[ColumnElement[bool]]:
    """Active records of ``wanted`` kinds in the scope's teams and period (or, with
    ``until_end``, at any time before the period ends). Without ``kind_filter``
    the scope's kinds do not apply (a rating is filtered by what it rates)."""
    where: list[ColumnElement[bool]] = [
        R.state == RecordState.ACTIVE,
        R.kind.in_(kinds_in(scope, wanted) if kind_filter else list(wanted)),
        R.occurred_at < scope.period.end,
    ]
    if not until_end:
        where.append(R.occurred_at >= scope.period.start)
    if scope.team_ids is not None:
        where.append(R.team_id.in_(scope.team_ids))
    return where


def formal_where(scope: Scope) -> list[ColumnElement[bool]]:
    """Formal records of people in scope, in the period, not voided."""
    where: list[ColumnElement[bool]] = [
        F.origin == Origin.FORMAL.value,
        F.voided.is_(False),
        F.person_id.is_not(None),
        F.timestamp >= scope.period.start,
        F.timestamp < scope.period.end,
    ]
    if scope.team_ids is not None:
        members = select(Membership.person_id).where(Membership.team_id.in_(scope.team_ids))
        where.append(F.person_id.in_(members))
    return where


#: Kinds and roles as stored (their names), mapped here: SQLAlchemy's enum
#: conversion of every grouped row cost more than the grouping.
KIND_BY_NAME = {kind.name: kind for kind in RecordKind}


def core_rows(session: Session, query: Select[Any]) -> Sequence[Row[Any]]:
    """The rows of a Core query, without the ORM's per-row result handling."""
    return session.connection().execute(query).all()


class RecordGroup(NamedTuple):
    """Records one person recorded for one team (or none), of one kind."""

    leader_id: int
    team_id: int | None
    kind: RecordKind
    records: int
    seconds: int


def records_pass(session: Session, scope: Scope) -> list[RecordGroup]:
    """Every leader-recorded kind in scope and period, by (recorder, team, kind)."""
    rows = core_rows(
        session,
        select(
            R.leader_id,
            R.team_id,
            type_coerce(R.kind, String),
            func.count(),
            func.coalesce(func.sum(R.duration_seconds), 0),
        )
        .where(*records_where(scope, LEADER_KINDS))
        .group_by(R.leader_id, R.team_id, R.kind),
    )
    return [RecordGroup(lid, tid, KIND_BY_NAME[kind], n, int(s)) for lid, tid, kind, n, s in rows]


#: One learner's part in records of one leader, team, kind and role, as the
#: database returns it: (learner, leader, team, kind name, role name, records,
#: seconds, the last coaching or mentoring). A whole organisation's year is
#: tens of thousands of these: they are folded as they come
#: (``local.fold_learners``), since building an object for each cost about as
#: much as the folding.
ParticipationRow = tuple[int, int, int | None, str, str, int, int, datetime | None]


def participations_pass(session: Session, scope: Scope) -> Sequence[ParticipationRow]:
    """Learners (a learning role) in records of the kinds they learn in, in the
    scope's period, by (learner, leader, team, kind, role): ``ParticipationRow``."""
    coached = case((R.kind.in_(COACHING_KINDS), R.occurred_at))
    rows = core_rows(
        session,
        select(
            P.person_id,
            R.leader_id,
            R.team_id,
            type_coerce(R.kind, String),
            type_coerce(P.role, String),
            func.count(),
            func.coalesce(func.sum(R.duration_seconds), 0),
            func.max(coached),
        )
        .join(P, P.record_id == R.id)
        .where(*records_where(scope, PARTICIPANT_LEARNING), P.role.in_(LEARNING_ROLES))
        .group_by(P.person_id, R.leader_id, R.team_id, R.kind, P.role),
    )
    return cast("Sequence[ParticipationRow]", rows)


@dataclass(frozen=True)
class FormalSums:
    """One person's formal records in the period: outcomes and the time behind
    them (counted as ``formal_effort_of`` does), completions, passes, fails."""

    outcomes: int = 0
    seconds: int = 0
    completions: int = 0
    passed: int = 0
    failed: int = 0


def formal_pass(session: Session, scope: Scope) -> dict[int, FormalSums]:
    """Formal sums per person in scope.

    Time is counted once per session: the durations of session ends, and of
    outcomes only when their registration has no session end in the period (a
    Moodle quiz attempt) or they have no registration. One GROUP BY person sums
    all but the last case and counts its candidates; only when there are any,
    an anti-join finds those without an end. No per-registration grouping of
    every row (which spilled to disk on PostgreSQL).
    """
    end = F.verb.in_(SESSION_ENDS)
    outcome = F.is_outcome.is_(True)
    achievement = and_(outcome, F.kind == "achievement")
    registered = and_(outcome, ~end, F.registration.is_not(None), F.duration_seconds.is_not(None))
    rows = core_rows(
        session,
        select(
            F.person_id,
            func.count().filter(outcome),
            func.coalesce(func.sum(F.duration_seconds).filter(end), 0),
            func.coalesce(
                func.sum(F.duration_seconds).filter(outcome, ~end, F.registration.is_(None)), 0
            ),
            func.count().filter(achievement, F.completion.is_(True)),
            func.count().filter(achievement, F.success.is_(True)),
            func.count().filter(achievement, F.success.is_(False)),
            func.count().filter(registered),
        )
        .where(*formal_where(scope))
        .group_by(F.person_id),
    )
    unended: dict[int, float] = {}
    if any(row[7] for row in rows):
        ends = aliased(FormalRecord)
        session_end = exists(
            select(ends.statement_id).where(
                ends.person_id == F.person_id,
                ends.registration == F.registration,
                ends.verb.in_(SESSION_ENDS),
                ends.origin == Origin.FORMAL.value,
                ends.voided.is_(False),
                ends.timestamp >= scope.period.start,
                ends.timestamp < scope.period.end,
            )
        )
        unended = {
            int(pid): float(seconds)
            for pid, seconds in core_rows(
                session,
                select(F.person_id, func.sum(F.duration_seconds))
                .where(*formal_where(scope), registered, ~session_end)
                .group_by(F.person_id),
            )
        }
    return {
        int(pid): FormalSums(
            int(n), int(float(ended) + float(loose) + unended.get(pid, 0.0)), c, ok, ko
        )
        for pid, n, ended, loose, c, ok, ko, _registered in rows
    }


def memberships(session: Session, scope: Scope) -> list[tuple[int, int]]:
    """Every (team, person) membership in the scope's teams."""
    query = select(Membership.team_id, Membership.person_id)
    if scope.team_ids is not None:
        query = query.where(Membership.team_id.in_(scope.team_ids))
    return [(t, p) for t, p in core_rows(session, query)]


#: PostgreSQL settings for a report's transaction, which ends with the request.
#: Reports are rare, L&D-only requests over hundreds of thousands of rows:
#:
#: - ``work_mem``: the default 4 MB made the organisation's year spill its
#:   GROUP BYs to disk (grouping the learners needs 14 MB);
#: - the parallel costs: the defaults (1000 to start workers, 0.1 per row a
#:   worker hands over) kept the learners' join (233,539 rows for the bench's
#:   organisation-year) on one core; lowered, it shares the scans and the
#:   hash with a worker, 1.4x to 1.8x faster on a 2-core machine. How many
#:   workers stays the server's choice (``max_parallel_workers_per_gather``);
#:   tables under ``min_parallel_table_scan_size`` get none.
REPORT_SETTINGS: Mapping[str, str] = MappingProxyType(
    {
        "work_mem": "32MB",
        "parallel_setup_cost": "100",
        "parallel_tuple_cost": "0.01",
    }
)


def report_settings(bind: Session | Connection) -> None:
    """Give this transaction the report's PostgreSQL settings (``REPORT_SETTINGS``),
    in one round trip (``set_config(..., true)`` is ``SET LOCAL``)."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    if dialect.name == "postgresql":
        bind.execute(
            select(*(func.set_config(name, value, True) for name, value in REPORT_SETTINGS.items()))
        )
