"""The 70-20-10 mix period by period: the report page's line over time.

The line shows only the organisation's hours per mode, so each earlier period
is counted by kind (and the formal records by person, whose whole seconds add
up to the organisation's), never folded into per-person and per-team rows;
on PostgreSQL the leader-led records of all the periods are read in one scan
per source. The scope (teams, kinds) is the one ``scope_for`` already
authorised; only the period changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from plugin.models.records import LeaderLedRecord, RecordParticipant
from plugin.services.reports.figures import MixFigures, Mode
from plugin.services.reports.kinds import (
    KIND_MODE,
    LEARNING_ROLES,
    PARTICIPANT_LEARNING,
    SELF_LEARNING,
)
from plugin.services.reports.passes import (
    KIND_BY_NAME,
    core_rows,
    formal_pass,
    records_where,
    report_settings,
)
from plugin.services.reports.scope import ReportPeriod, Scope

R = LeaderLedRecord
P = RecordParticipant
_MODES = (Mode.EXPERIENTIAL, Mode.SOCIAL, Mode.FORMAL)


def organisation_mix(session: Session, scope: Scope) -> MixFigures:
    """The mix of everyone in ``scope``: ``compute(...).mix.organisation``."""
    return mix_by_period(session, scope, [scope.period])[0]


def _apart(periods: Sequence[ReportPeriod]) -> bool:
    """No two of ``periods`` share a moment (a trend's periods follow each other)."""
    ordered = sorted(periods, key=lambda period: period.start)
    return all(a.end <= b.start for a, b in pairwise(ordered))


def _leader_led(
    session: Session, scope: Scope, periods: Sequence[ReportPeriod]
) -> list[tuple[int, str, int, int]]:
    """(period index, kind name, records, seconds) of the learners' and the
    recorders' own learning in each of ``periods`` (which do not overlap), each
    record put in its period by a CASE. On PostgreSQL one scan of their whole span
    per source cost 0.75x one per period (each read every participant for its
    hash join); SQLite reads each period's kinds in index order, where grouping by
    the CASE needed a sort (1.2x to 1.6x), so there each period has its own."""
    span = Scope(
        ReportPeriod(min(p.start for p in periods), max(p.end for p in periods)),
        scope.team_ids,
        scope.kinds,
    )
    period: ColumnElement[int] = literal(0)
    keys: list[ColumnElement[Any]] = [R.kind.expression]
    if len(periods) > 1:
        period = case(
            *(
                (and_(R.occurred_at >= p.start, R.occurred_at < p.end), i)
                for i, p in enumerate(periods)
            )
        )
        keys.insert(0, period)
    seconds_of = func.coalesce(func.sum(R.duration_seconds), 0)
    kind = type_coerce(R.kind, String)
    learners = (
        select(period, kind, func.count(), seconds_of)
        .join(P, P.record_id == R.id)
        .where(*records_where(span, PARTICIPANT_LEARNING), P.role.in_(LEARNING_ROLES))
        .group_by(*keys)
    )
    own = (
        select(period, kind, func.count(), seconds_of)
        .where(*records_where(span, SELF_LEARNING))
        .group_by(*keys)
    )
    return [
        (int(i), name, int(n), int(s))
        for query in (learners, own)
        for i, name, n, s in core_rows(session, query)
        if i is not None  # between two periods that do not touch
    ]


def mix_by_period(
    session: Session, scope: Scope, periods: Sequence[ReportPeriod]
) -> list[MixFigures]:
    """The organisation's mix for ``scope``'s teams and kinds in each of ``periods``.

    Leader-led records are counted by kind, never folded into per-person and
    per-team rows (see ``_leader_led``); the formal records are summed per
    period (the time rule of a formal record depends on the period's bounds)."""
    if not periods:
        return []
    report_settings(session)
    one_scan = session.get_bind().dialect.name == "postgresql" and _apart(periods)
    if len(periods) > 1 and not one_scan:
        return [mix_by_period(session, scope, [period])[0] for period in periods]
    counts = [dict.fromkeys(_MODES, 0) for _ in periods]
    seconds = [dict.fromkeys(_MODES, 0) for _ in periods]
    for i, name, n, s in _leader_led(session, scope, periods):
        mode = KIND_MODE[KIND_BY_NAME[name]]
        counts[i][mode] += n
        seconds[i][mode] += s
    for i, period in enumerate(periods):
        narrowed = Scope(period, scope.team_ids, scope.kinds)
        for person in formal_pass(session, narrowed).values():
            counts[i][Mode.FORMAL] += person.outcomes
            seconds[i][Mode.FORMAL] += person.seconds
    return [
        MixFigures(
            count[Mode.EXPERIENTIAL],
            count[Mode.SOCIAL],
            count[Mode.FORMAL],
            second[Mode.EXPERIENTIAL],
            second[Mode.SOCIAL],
            second[Mode.FORMAL],
        )
        for count, second in zip(counts, seconds, strict=True)
    ]
