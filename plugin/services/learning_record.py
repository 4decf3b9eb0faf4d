"""A learner's record: formal learning pulled from the LRS next to the
leader-led learning they took part in, as two lists, one timeline and their
own 70-20-10 mix by hours.

The mix counts each thing once, by the learning mode our xAPI Profile gives
the statement about the learner (knowledge sessions, coaching and mentoring
are social, the 20; a train-the-trainer session is formal, the 10), and by
the mode the classification gave each pulled formal record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from plugin.models.formal import FormalRecord
from plugin.models.people import Person
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services.confirmations import CONFIRMABLE
from plugin.services.materials import SharedMaterial, shared_with
from plugin.services.record_queries import in_teams
from statements import template_specs as t
from statements.classification import Origin

#: The learning mode of the statement about a participant, per record kind
#: (from the profile's templates, so the two cannot drift apart).
PARTICIPANT_MODE: dict[RecordKind, str] = {
    RecordKind.KNOWLEDGE_SESSION: t.KNOWLEDGE_SESSION_ATTENDED.learning_mode,
    RecordKind.COACHING_MOMENT: t.COACHING_MOMENT_GIVEN.learning_mode,
    RecordKind.MENTORING_SESSION: t.MENTORING_SESSION_HELD.learning_mode,
    RecordKind.TTT_SESSION: t.TRAIN_THE_TRAINER_ATTENDED.learning_mode,
    RecordKind.TRAINER_PAIRING: t.TRAINER_PAIRING_ASSIGNED.learning_mode,
    RecordKind.FEEDBACK: t.FEEDBACK_GIVEN.learning_mode,
    RecordKind.MATERIAL_SHARED: t.MATERIAL_SHARED.learning_mode,
}
#: Participant roles that mean "this person learned from it".
LEARNING_ROLES = (ParticipantRole.ATTENDEE, ParticipantRole.LEARNER, ParticipantRole.NEW_TRAINER)


@dataclass
class Mix:
    """Seconds and counts per learning mode (experiential, social, formal)."""

    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, mode: str | None, seconds: float | None) -> None:
        self.add_many(mode, 1, seconds)

    def add_many(self, mode: str | None, count: int, seconds: float | None) -> None:
        key = mode or "experiential"
        self.counts[key] = self.counts.get(key, 0) + count
        self.seconds[key] = self.seconds.get(key, 0.0) + float(seconds or 0)

    def shares(self, by: str = "seconds") -> dict[str, int]:
        """Whole percentages per mode that add up to 100 (largest remainder)."""
        values = self.seconds if by == "seconds" else {k: float(v) for k, v in self.counts.items()}
        modes = ("experiential", "social", "formal")
        total = sum(values.get(m, 0.0) for m in modes)
        if total <= 0:
            return dict.fromkeys(modes, 0)
        exact = {m: 100 * values.get(m, 0.0) / total for m in modes}
        shares = {m: int(exact[m]) for m in modes}
        for m in sorted(modes, key=lambda m: exact[m] - shares[m], reverse=True)[
            : 100 - sum(shares.values())
        ]:
            shares[m] += 1
        return shares


@dataclass(frozen=True)
class LeaderLedEntry:
    record: LeaderLedRecord
    leader: Person | None
    confirmed: bool
    rating: int | None
    can_confirm: bool


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    side: str  # "formal" or "leader_led"
    formal: FormalRecord | None = None
    leader_led: LeaderLedEntry | None = None


@dataclass(frozen=True)
class LearningRecord:
    formal: Sequence[FormalRecord]
    leader_led: list[LeaderLedEntry]
    timeline: list[TimelineItem]
    mix: Mix
    page: int = 1
    more: bool = False  # older items are on the next page
    shared_materials: list[SharedMaterial] = field(default_factory=list)


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


#: Items per column (and per timeline page); older ones are a page away.
PAGE_SIZE = 50


def _took_part(person_id: int) -> Select[tuple[int]]:
    return select(RecordParticipant.record_id).where(
        RecordParticipant.person_id == person_id,
        RecordParticipant.role.in_(LEARNING_ROLES),
    )


def leader_led_of(
    session: Session,
    person_id: int,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    teams: frozenset[int] | None = None,
) -> list[LeaderLedEntry]:
    """Active records the person took part in as a learner (in ``teams``, when
    given), newest first, with their own confirmation and rating (three
    queries in all)."""
    # IN, not JOIN + DISTINCT: PostgreSQL cannot compare the JSON ``details``.
    rows = list(
        session.scalars(
            select(LeaderLedRecord)
            .where(
                LeaderLedRecord.id.in_(_took_part(person_id)),
                LeaderLedRecord.state == RecordState.ACTIVE,
                # Shared material has a section of its own on the page.
                LeaderLedRecord.kind != RecordKind.MATERIAL_SHARED,
                *in_teams(teams),
            )
            .options(selectinload(LeaderLedRecord.leader))
            .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    mine = {
        int(c.parent_id or 0): c
        for c in session.scalars(
            select(LeaderLedRecord).where(
                LeaderLedRecord.leader_id == person_id,
                LeaderLedRecord.kind == RecordKind.CONFIRMATION,
                LeaderLedRecord.state == RecordState.ACTIVE,
                LeaderLedRecord.parent_id.in_([r.id for r in rows]),
            )
        )
    }
    return [
        LeaderLedEntry(
            record=row,
            leader=row.leader,
            confirmed=row.id in mine,
            rating=mine[row.id].rating if row.id in mine else None,
            can_confirm=row.kind in CONFIRMABLE and row.leader_id != person_id,
        )
        for row in rows
    ]


def mix_of(session: Session, person_id: int, teams: frozenset[int] | None = None) -> Mix:
    """The person's 70-20-10 mix over all their learning (the leader-led part in
    ``teams`` only, when given), by SQL aggregates."""
    mix = Mix()
    formal = session.execute(
        select(FormalRecord.learning_mode, func.count(), func.sum(FormalRecord.duration_seconds))
        .where(
            FormalRecord.person_id == person_id,
            FormalRecord.origin == Origin.FORMAL.value,
            FormalRecord.voided.is_(False),
        )
        .group_by(FormalRecord.learning_mode)
    )
    for mode, count, seconds in formal:
        mix.add_many(mode or "formal", int(count), seconds)
    leader_led = session.execute(
        select(LeaderLedRecord.kind, func.count(), func.sum(LeaderLedRecord.duration_seconds))
        .where(
            LeaderLedRecord.id.in_(_took_part(person_id)),
            LeaderLedRecord.state == RecordState.ACTIVE,
            *in_teams(teams),
        )
        .group_by(LeaderLedRecord.kind)
    )
    for kind, count, seconds in leader_led:
        mix.add_many(PARTICIPANT_MODE.get(kind), int(count), seconds)
    return mix


def learning_record_of(
    session: Session, person_id: int, *, page: int = 1, teams: frozenset[int] | None = None
) -> LearningRecord:
    """Page ``page`` (newest first, ``PAGE_SIZE`` a column) and the mix over
    everything. With ``teams`` (a reader limited to them) the leader-led side is
    those teams' records only; the formal records are the person's own."""
    offset = (max(page, 1) - 1) * PAGE_SIZE
    formal = session.scalars(
        select(FormalRecord)
        .where(
            FormalRecord.person_id == person_id,
            FormalRecord.origin == Origin.FORMAL.value,
            FormalRecord.voided.is_(False),
        )
        .order_by(FormalRecord.timestamp.desc(), FormalRecord.statement_id)
        .limit(PAGE_SIZE + 1)
        .offset(offset)
    ).all()
    leader_led = leader_led_of(session, person_id, limit=PAGE_SIZE + 1, offset=offset, teams=teams)
    more = len(formal) > PAGE_SIZE or len(leader_led) > PAGE_SIZE
    formal, leader_led = formal[:PAGE_SIZE], leader_led[:PAGE_SIZE]
    timeline = [TimelineItem(_aware(f.timestamp), "formal", formal=f) for f in formal] + [
        TimelineItem(_aware(e.record.occurred_at), "leader_led", leader_led=e) for e in leader_led
    ]
    timeline.sort(key=lambda item: item.when, reverse=True)
    return LearningRecord(
        formal=formal,
        leader_led=leader_led,
        timeline=timeline,
        mix=mix_of(session, person_id, teams),
        page=max(page, 1),
        more=more,
        shared_materials=shared_with(session, person_id),
    )
