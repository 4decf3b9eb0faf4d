"""What the leader's pages read: their records (filtered, paged, with delivery
state in words), one record with its people and confirmations, and their
teaching at a glance. Every query is bounded by the leader and an indexed
column, so a leader with thousands of records gets the same page time."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.people import Membership, Person, Role
from plugin.models.records import (
    LeaderLedRecord,
    RecordKind,
    RecordParticipant,
    RecordState,
)

#: The kinds a leader records and sees in "My records" (confirmations are the learners').
LEADER_KINDS = tuple(k for k in RecordKind if k is not RecordKind.CONFIRMATION)
COACHING_KINDS = (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION)
PAGE_SIZE = 25


class Delivery(enum.StrEnum):
    """Where a record's statements are, in the words the pages use."""

    WAITING = "waiting"  # queued, the worker has not delivered all of them yet
    STORED = "stored"  # the LRS has every statement
    REFUSED = "refused"  # the LRS refused at least one; see the reason
    LOCAL = "local"  # nothing to send (no statements)


@dataclass(frozen=True)
class DeliveryState:
    state: Delivery
    reason: str | None = None


def delivery_states(session: Session, record_ids: Sequence[int]) -> dict[int, DeliveryState]:
    """One grouped query over the outbox for a page of records."""
    found: dict[int, DeliveryState] = {rid: DeliveryState(Delivery.LOCAL) for rid in record_ids}
    if not record_ids:
        return found
    rows = session.execute(
        select(
            OutboxRow.record_id,
            OutboxRow.state,
            func.count(),
            func.max(OutboxRow.last_error),
        )
        .where(OutboxRow.record_id.in_(record_ids))
        .group_by(OutboxRow.record_id, OutboxRow.state)
    ).all()
    by_record: dict[int, dict[OutboxState, tuple[int, str | None]]] = {}
    for record_id, state, count, error in rows:
        by_record.setdefault(int(record_id), {})[state] = (int(count), error)
    for record_id, states in by_record.items():
        if OutboxState.PARKED in states:
            found[record_id] = DeliveryState(Delivery.REFUSED, states[OutboxState.PARKED][1])
        elif OutboxState.PENDING in states or OutboxState.CLAIMED in states:
            found[record_id] = DeliveryState(Delivery.WAITING)
        else:
            found[record_id] = DeliveryState(Delivery.STORED)
    return found


class Period(enum.StrEnum):
    ALL = "all"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def period_start(period: Period, today: date) -> date | None:
    if period is Period.MONTH:
        return today.replace(day=1)
    if period is Period.QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    if period is Period.YEAR:
        return today.replace(month=1, day=1)
    return None


def _aware(moment: datetime | None) -> datetime:
    """SQLite hands back naive UTC datetimes; compare them as aware ones."""
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class RecordFilter:
    kind: RecordKind | None = None
    period: Period = Period.ALL
    page: int = 1


@dataclass(frozen=True)
class RecordPage:
    rows: list[LeaderLedRecord]
    delivery: dict[int, DeliveryState]
    total: int
    page: int
    pages: int


def _leader_records(
    leader_id: int, chosen: RecordFilter, today: date
) -> Select[tuple[LeaderLedRecord]]:
    query = select(LeaderLedRecord).where(
        LeaderLedRecord.leader_id == leader_id,
        LeaderLedRecord.state == RecordState.ACTIVE,
        LeaderLedRecord.kind.in_(LEADER_KINDS),
    )
    if chosen.kind is not None:
        query = query.where(LeaderLedRecord.kind == chosen.kind)
    start = period_start(chosen.period, today)
    if start is not None:
        query = query.where(LeaderLedRecord.occurred_at >= _start_of(start))
    return query


def records_of_leader(
    session: Session, leader_id: int, chosen: RecordFilter, today: date
) -> RecordPage:
    """A page of the leader's active records, newest first."""
    query = _leader_records(leader_id, chosen, today)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(chosen.page, 1), pages)
    rows = list(
        session.scalars(
            query.options(selectinload(LeaderLedRecord.participants))
            .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return RecordPage(rows, delivery_states(session, [r.id for r in rows]), int(total), page, pages)


def people_named(session: Session, person_ids: Sequence[int]) -> dict[int, Person]:
    if not person_ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(set(person_ids))))}


@dataclass(frozen=True)
class KindFigures:
    count: int = 0
    seconds: int = 0


@dataclass(frozen=True)
class TeamMemberCoaching:
    person: Person
    last: datetime | None

    def days_since(self, now: datetime) -> int | None:
        if self.last is None:
            return None
        last = self.last if self.last.tzinfo else self.last.replace(tzinfo=UTC)
        return max((now - last).days, 0)


@dataclass(frozen=True)
class Teaching:
    """The leader's teaching at a glance."""

    month: dict[RecordKind, KindFigures] = field(default_factory=dict)
    quarter: dict[RecordKind, KindFigures] = field(default_factory=dict)
    reached_quarter: int = 0
    coaching: list[TeamMemberCoaching] = field(default_factory=list)

    @staticmethod
    def total(figures: dict[RecordKind, KindFigures]) -> KindFigures:
        return KindFigures(
            sum(f.count for f in figures.values()), sum(f.seconds for f in figures.values())
        )


def in_teams(teams: frozenset[int] | None) -> list[ColumnElement[bool]]:
    """Records of ``teams`` only, unless None (every record): the WHERE of a
    read for someone limited to teams (an API token)."""
    return [] if teams is None else [LeaderLedRecord.team_id.in_(teams)]


def _figures(
    session: Session, leader_id: int, since: date, teams: frozenset[int] | None
) -> dict[RecordKind, KindFigures]:
    rows = session.execute(
        select(
            LeaderLedRecord.kind,
            func.count(),
            func.coalesce(func.sum(LeaderLedRecord.duration_seconds), 0),
        )
        .where(
            LeaderLedRecord.leader_id == leader_id,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.kind.in_(LEADER_KINDS),
            LeaderLedRecord.occurred_at >= _start_of(since),
            *in_teams(teams),
        )
        .group_by(LeaderLedRecord.kind)
    ).all()
    return {kind: KindFigures(int(count), int(seconds)) for kind, count, seconds in rows}


def teaching_of(
    session: Session,
    leader_id: int,
    team_id: int | None,
    today: date,
    *,
    teams: frozenset[int] | None = None,
) -> Teaching:
    """The leader's teaching this month and quarter, and when they last coached
    each learner of ``team_id``; with ``teams`` (a reader limited to them), from
    the records of those teams only."""
    quarter_start = period_start(Period.QUARTER, today)
    month_start = period_start(Period.MONTH, today)
    assert quarter_start is not None
    assert month_start is not None
    reached = session.scalar(
        select(func.count(func.distinct(RecordParticipant.person_id)))
        .join(LeaderLedRecord, LeaderLedRecord.id == RecordParticipant.record_id)
        .where(
            LeaderLedRecord.leader_id == leader_id,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.occurred_at >= _start_of(quarter_start),
            *in_teams(teams),
        )
    )
    coaching: list[TeamMemberCoaching] = []
    if team_id is not None:
        # Two plain queries merged here rather than one outer join on an
        # aggregate: planners misjudge that join and re-aggregate per member.
        last = dict(
            session.execute(
                select(RecordParticipant.person_id, func.max(LeaderLedRecord.occurred_at))
                .join(LeaderLedRecord, LeaderLedRecord.id == RecordParticipant.record_id)
                .where(
                    LeaderLedRecord.leader_id == leader_id,
                    LeaderLedRecord.state == RecordState.ACTIVE,
                    LeaderLedRecord.kind.in_(COACHING_KINDS),
                    *in_teams(teams),
                )
                .group_by(RecordParticipant.person_id)
            )
            .tuples()
            .all()
        )
        members = session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.team_id == team_id,
                Membership.role == Role.LEARNER,
                Person.id != leader_id,
            )
        ).all()
        coaching = sorted(
            (TeamMemberCoaching(person, last.get(person.id)) for person in members),
            key=lambda item: (
                item.last is not None,
                _aware(item.last),
                item.person.display_name or "",
            ),
        )
    return Teaching(
        month=_figures(session, leader_id, month_start, teams),
        quarter=_figures(session, leader_id, quarter_start, teams),
        reached_quarter=int(reached or 0),
        coaching=coaching,
    )
