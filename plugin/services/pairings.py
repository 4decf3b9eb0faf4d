"""Tip 3, pairing an inexperienced trainer with an experienced one.

L&D pairs two leaders for a period. The experienced trainer's capacity (new
trainers at once) holds under concurrency: both people's rows are locked
before the load is read (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite
a write takes the database's single write lock), so two admins pairing at
the same moment cannot both fill the last place. A new trainer has one
pairing at a time. The pairing is recorded (``assigned``) with a
registration that the new trainer's train-the-trainer sessions and the
feedback they receive share.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.people import Person, Role
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.models.trainers import Trainer, TrainerPairing
from plugin.services import recording
from plugin.services.errors import Checks, Conflict, Invalid, NotFound
from plugin.services.people import Actor, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.roles import has_role, name_of, require_lnd_admin
from statements.builders import Text, TrainerPairingAssigned, trainer_pairing_assigned

MAX_LENGTH = timedelta(days=2 * 366)
#: How far back a pairing may start (recording one that began last month).
MAX_BACKDATE = timedelta(days=92)


@dataclass(frozen=True)
class PairingInput:
    new_trainer_id: int | None
    experienced_trainer_id: int | None
    starts_on: date | None
    ends_on: date | None


def lock_people(session: Session, person_ids: Iterable[int]) -> None:
    """Serialise changes that concern these people until the transaction ends."""
    ids = sorted(set(person_ids))
    if session.get_bind().dialect.name == "sqlite":
        # A write takes SQLite's single write lock; other writers wait (busy timeout).
        session.execute(
            update(Person)
            .where(Person.id.in_(ids))
            .values(display_name=Person.display_name)
            .execution_options(synchronize_session=False)
        )
    else:
        session.execute(
            select(Person.id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update()
        )


def peak_load(periods: Sequence[tuple[date, date]], start: date, end: date) -> int:
    """The most of ``periods`` (inclusive days) running on any one day of start..end."""
    changes: dict[date, int] = {}
    for begins, finishes in periods:
        first, last = max(begins, start), min(finishes, end)
        if first > last:
            continue
        after = last + timedelta(days=1)
        changes[first] = changes.get(first, 0) + 1
        changes[after] = changes.get(after, 0) - 1
    running = peak = 0
    for day in sorted(changes):
        running += changes[day]
        peak = max(peak, running)
    return peak


def _open_periods(
    session: Session, column: str, person_id: int, start: date, end: date
) -> list[tuple[date, date, int]]:
    """(starts, ends, other person) of the person's pairings not ended and overlapping."""
    mine = getattr(TrainerPairing, column)
    other = (
        TrainerPairing.new_trainer_id
        if column == "experienced_trainer_id"
        else TrainerPairing.experienced_trainer_id
    )
    rows = session.execute(
        select(TrainerPairing.starts_on, TrainerPairing.ends_on, other).where(
            mine == person_id,
            TrainerPairing.ended_at.is_(None),
            TrainerPairing.starts_on <= end,
            TrainerPairing.ends_on >= start,
        )
    ).all()
    return [(s, e, int(o)) for s, e, o in rows]


def _check(session: Session, data: PairingInput, today: date) -> tuple[Person, Person, date, date]:
    checks = Checks()
    new = session.get(Person, data.new_trainer_id) if data.new_trainer_id else None
    experienced = (
        session.get(Person, data.experienced_trainer_id) if data.experienced_trainer_id else None
    )
    if data.new_trainer_id is None:
        checks.fail("new_trainer", _("Choose the new trainer."))
    elif new is None or not has_role(session, new.id, Role.LEADER):
        checks.fail("new_trainer", _("Choose one of the leaders offered."))
    if data.experienced_trainer_id is None:
        checks.fail("experienced_trainer", _("Choose the experienced trainer."))
    elif experienced is None or session.get(Trainer, experienced.id) is None:
        checks.fail(
            "experienced_trainer",
            _("Choose one of the experienced trainers offered."),
        )
    elif new is not None and new.id == experienced.id:
        checks.fail("experienced_trainer", _("A trainer cannot be paired with themselves."))
    if data.starts_on is None:
        checks.fail("starts_on", _("Enter the date the pairing starts."))
    elif data.starts_on < today - MAX_BACKDATE:
        checks.fail("starts_on", _("The pairing must start in the last three months or later."))
    if data.ends_on is None:
        checks.fail("ends_on", _("Enter the date the pairing ends."))
    elif data.starts_on is not None and data.ends_on <= data.starts_on:
        checks.fail("ends_on", _("The end date must be after the start date."))
    elif data.starts_on is not None and data.ends_on - data.starts_on > MAX_LENGTH:
        checks.fail("ends_on", _("A pairing lasts two years at most."))
    elif data.ends_on < today:
        checks.fail("ends_on", _("The end date must be today or later."))
    checks.raise_if_any()
    assert new is not None
    assert experienced is not None
    assert data.starts_on is not None
    assert data.ends_on is not None
    return new, experienced, data.starts_on, data.ends_on


def pair(
    session: Session,
    actor: Actor,
    data: PairingInput,
    *,
    pub: Publishing,
    now: datetime,
    today: date,
) -> TrainerPairing:
    """Pair two leaders, within the experienced trainer's capacity; recorded as assigned."""
    require_lnd_admin(actor)
    new, experienced, start, end = _check(session, data, today)
    lock_people(session, [new.id, experienced.id])
    # Read after the lock: another admin's pairing committed meanwhile is seen here.
    busy = _open_periods(session, "new_trainer_id", new.id, start, end)
    if busy:
        other = session.get(Person, busy[0][2])
        raise Invalid(
            {
                "new_trainer": _(
                    "%(name)s is already paired with %(other)s until %(end)s. End that pairing "
                    "first, or choose dates after it.",
                    name=name_of(new),
                    other=name_of(other),
                    end=busy[0][1].isoformat(),
                )
            }
        )
    capacity = session.scalar(select(Trainer.capacity).where(Trainer.person_id == experienced.id))
    load = load_of(session, experienced.id, start, end)
    if capacity is None or load + 1 > capacity:
        raise Invalid(
            {
                "experienced_trainer": _(
                    "%(name)s already has %(load)d of %(capacity)d new trainers at once in this "
                    "period. Choose another experienced trainer, other dates, or raise the "
                    "capacity.",
                    name=name_of(experienced),
                    load=load,
                    capacity=capacity or 0,
                )
            }
        )
    admin = session.get_one(Person, actor.person_id)
    registration = uuid.uuid4()
    iri = pub.new_activity_iri("pairings")
    title = Text(
        f"Trainer pairing {start.isoformat()} to {end.isoformat()}",
        f"Trainerskoppel {start.isoformat()} tot {end.isoformat()}",
    )
    statement = trainer_pairing_assigned(
        TrainerPairingAssigned(
            assigned_by=statement_identity(session, admin),
            new_trainer=statement_identity(session, new),
            experienced_trainer=statement_identity(session, experienced),
            pairing_id=iri,
            title=title,
            registration=registration,
            occurred_at=now,
        ),
        pub.options,
    )
    row = LeaderLedRecord(
        kind=RecordKind.TRAINER_PAIRING,
        leader_id=admin.id,
        team_id=actor.team_id,
        title=title.en,
        activity_iri=iri,
        registration=str(registration),
        occurred_at=now,
        details={"starts_on": start.isoformat(), "ends_on": end.isoformat()},
    )
    recording.record(
        session,
        row,
        [statement],
        participants=[
            RecordParticipant(person_id=new.id, role=ParticipantRole.NEW_TRAINER),
            RecordParticipant(person_id=experienced.id, role=ParticipantRole.EXPERIENCED_TRAINER),
        ],
    )
    pairing = TrainerPairing(
        new_trainer_id=new.id,
        experienced_trainer_id=experienced.id,
        starts_on=start,
        ends_on=end,
        assigned_by_id=admin.id,
        activity_iri=iri,
        registration=str(registration),
        record_id=row.id,
    )
    session.add(pairing)
    session.flush()
    return pairing


def load_of(session: Session, experienced_id: int, start: date, end: date) -> int:
    """New trainers the experienced trainer has at once, at the most, in start..end."""
    periods = _open_periods(session, "experienced_trainer_id", experienced_id, start, end)
    return peak_load([(s, e) for s, e, _other in periods], start, end)


def end_pairing(
    session: Session, actor: Actor, pairing_id: int, *, now: datetime
) -> TrainerPairing:
    require_lnd_admin(actor)
    pairing = session.get(TrainerPairing, pairing_id)
    if pairing is None:
        raise NotFound(_("There is no such pairing."))
    if pairing.ended_at is not None:
        raise Conflict(_("This pairing has already ended."))
    lock_people(session, [pairing.new_trainer_id, pairing.experienced_trainer_id])
    pairing.ended_at = now
    session.flush()
    return pairing


def pairing_by_id(session: Session, pairing_id: int) -> TrainerPairing:
    pairing = session.get(TrainerPairing, pairing_id)
    if pairing is None:
        raise NotFound(_("There is no such pairing."))
    return pairing


def current_pairings(session: Session, today: date) -> Sequence[TrainerPairing]:
    """Pairings not ended and not over yet, soonest end first (for L&D)."""
    return session.scalars(
        select(TrainerPairing)
        .where(TrainerPairing.ended_at.is_(None), TrainerPairing.ends_on >= today)
        .options(
            selectinload(TrainerPairing.new_trainer),
            selectinload(TrainerPairing.experienced_trainer),
        )
        .order_by(TrainerPairing.ends_on, TrainerPairing.id)
    ).all()


def pairings_of(session: Session, person_id: int) -> Sequence[TrainerPairing]:
    """The person's pairings, either side, newest first."""
    return session.scalars(
        select(TrainerPairing)
        .where(
            or_(
                TrainerPairing.new_trainer_id == person_id,
                TrainerPairing.experienced_trainer_id == person_id,
            )
        )
        .options(
            selectinload(TrainerPairing.new_trainer),
            selectinload(TrainerPairing.experienced_trainer),
        )
        .order_by(TrainerPairing.starts_on.desc(), TrainerPairing.id.desc())
    ).all()


def open_pairing_between(
    session: Session, new_trainer_id: int, experienced_id: int | None, today: date
) -> TrainerPairing | None:
    """The new trainer's pairing running today (with that experienced trainer, if given)."""
    query = select(TrainerPairing).where(
        TrainerPairing.new_trainer_id == new_trainer_id,
        TrainerPairing.ended_at.is_(None),
        TrainerPairing.starts_on <= today,
        TrainerPairing.ends_on >= today,
    )
    if experienced_id is not None:
        query = query.where(TrainerPairing.experienced_trainer_id == experienced_id)
    return session.scalar(query.order_by(TrainerPairing.id.desc()).limit(1))


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def together(session: Session, pairing: TrainerPairing) -> list[LeaderLedRecord]:
    """Knowledge and train-the-trainer sessions of the pairing's period that one
    of the two recorded with the other taking part."""
    pair_ids = (pairing.new_trainer_id, pairing.experienced_trainer_id)
    end = pairing.ends_on
    if pairing.ended_at is not None:
        end = min(end, pairing.ended_at.date())
    # IN (subquery), not JOIN + DISTINCT: PostgreSQL cannot compare the JSON column.
    with_the_other = select(RecordParticipant.record_id).where(
        RecordParticipant.record_id == LeaderLedRecord.id,
        RecordParticipant.person_id.in_(pair_ids),
        RecordParticipant.person_id != LeaderLedRecord.leader_id,
    )
    rows = session.scalars(
        select(LeaderLedRecord)
        .where(
            LeaderLedRecord.kind.in_((RecordKind.KNOWLEDGE_SESSION, RecordKind.TTT_SESSION)),
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.leader_id.in_(pair_ids),
            with_the_other.exists(),
            LeaderLedRecord.occurred_at >= _day_start(pairing.starts_on),
            LeaderLedRecord.occurred_at < _day_start(end + timedelta(days=1)),
        )
        .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
    )
    return list(rows)
