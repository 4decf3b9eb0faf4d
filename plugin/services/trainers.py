"""Tip 3, who trains whom: the organisation's leaders with their teaching
experience measured from what they recorded, which of them L&D counts as
experienced trainers (with a capacity), and suggestions of who could pair
with whom.

Experience counts knowledge sessions taught, coaching and mentoring moments
and train-the-trainer sessions, and averages the ratings learners and
reviewers gave; a handful of grouped queries, whatever the number of leaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

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
from plugin.services.errors import Checks, NotFound
from plugin.services.people import Actor
from plugin.services.roles import has_role, people_with_role, require_lnd_admin

DEFAULT_CAPACITY = 2
MAX_CAPACITY = 10
#: How many suggestions the trainers page shows at most.
MAX_SUGGESTIONS = 10


@dataclass
class Experience:
    person: Person
    sessions_taught: int = 0
    moments: int = 0
    ttt_sessions: int = 0
    learner_ratings: list[int] = field(default_factory=list)
    feedback_ratings: list[int] = field(default_factory=list)
    capacity: int | None = None  # None: not an experienced trainer
    open_pairings: int = 0
    paired_with: list[Person] = field(default_factory=list)

    @property
    def experienced(self) -> bool:
        return self.capacity is not None and self.capacity > 0

    @property
    def free(self) -> int:
        return max((self.capacity or 0) - self.open_pairings, 0)

    @property
    def rating(self) -> float | None:
        ratings = self.learner_ratings + self.feedback_ratings
        return sum(ratings) / len(ratings) if ratings else None

    @property
    def score(self) -> float:
        """Sessions count most, moments a little, good ratings add weight."""
        base = 3 * self.sessions_taught + self.moments + 2 * self.ttt_sessions
        rating = self.rating
        return base * (0.5 + (rating / 5 if rating is not None else 0.5))


@dataclass(frozen=True)
class Suggestion:
    new: Experience
    experienced: Experience


def _counts(session: Session, ids: list[int], kinds: Sequence[RecordKind]) -> dict[int, int]:
    rows = session.execute(
        select(LeaderLedRecord.leader_id, func.count())
        .where(
            LeaderLedRecord.leader_id.in_(ids),
            LeaderLedRecord.kind.in_(kinds),
            LeaderLedRecord.state == RecordState.ACTIVE,
        )
        .group_by(LeaderLedRecord.leader_id)
    ).all()
    return {int(pid): int(n) for pid, n in rows}


def experience_of_leaders(session: Session, today: date) -> list[Experience]:
    """Every leader of the organisation with their experience, most experienced first."""
    leaders = {p.id: Experience(p) for p in people_with_role(session, Role.LEADER)}
    for trainer in session.scalars(select(Trainer)):
        if trainer.person_id not in leaders:
            leaders[trainer.person_id] = Experience(trainer.person)
        leaders[trainer.person_id].capacity = trainer.capacity
    ids = list(leaders)
    if not ids:
        return []
    for pid, n in _counts(session, ids, (RecordKind.KNOWLEDGE_SESSION,)).items():
        leaders[pid].sessions_taught = n
    moments = (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION)
    for pid, n in _counts(session, ids, moments).items():
        leaders[pid].moments = n
    for pid, n in _counts(session, ids, (RecordKind.TTT_SESSION,)).items():
        leaders[pid].ttt_sessions = n
    parent = aliased(LeaderLedRecord)
    for pid, rating in session.execute(
        select(parent.leader_id, LeaderLedRecord.rating)
        .join(parent, parent.id == LeaderLedRecord.parent_id)
        .where(
            LeaderLedRecord.kind == RecordKind.CONFIRMATION,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.rating.is_not(None),
            parent.leader_id.in_(ids),
        )
    ):
        leaders[int(pid)].learner_ratings.append(int(rating))
    for pid, rating in session.execute(
        select(RecordParticipant.person_id, LeaderLedRecord.rating)
        .join(LeaderLedRecord, LeaderLedRecord.id == RecordParticipant.record_id)
        .where(
            LeaderLedRecord.kind == RecordKind.FEEDBACK,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.rating.is_not(None),
            RecordParticipant.role == ParticipantRole.NEW_TRAINER,
            RecordParticipant.person_id.in_(ids),
        )
    ):
        leaders[int(pid)].feedback_ratings.append(int(rating))
    for pairing in session.scalars(
        select(TrainerPairing).where(
            TrainerPairing.ended_at.is_(None), TrainerPairing.ends_on >= today
        )
    ):
        for mine, other in (
            (pairing.experienced_trainer_id, pairing.new_trainer),
            (pairing.new_trainer_id, pairing.experienced_trainer),
        ):
            if mine in leaders:
                leaders[mine].paired_with.append(other)
        if pairing.experienced_trainer_id in leaders and pairing.starts_on <= today:
            leaders[pairing.experienced_trainer_id].open_pairings += 1
    return sorted(leaders.values(), key=lambda e: (-e.score, e.person.display_name or ""))


def suggestions(experiences: Sequence[Experience]) -> list[Suggestion]:
    """New trainers without a pairing, least experienced first, each with the
    most experienced trainer who still has room (room is used up as it goes)."""
    room = {e.person.id: e.free for e in experiences if e.experienced}
    mentors = sorted(
        (e for e in experiences if e.experienced),
        key=lambda e: (-(e.rating or 0), -e.score),
    )
    found: list[Suggestion] = []
    for new in sorted(experiences, key=lambda e: e.score):
        if new.experienced or new.paired_with:
            continue
        mentor = next(
            (m for m in mentors if room[m.person.id] > 0 and m.person != new.person), None
        )
        if mentor is None:
            break
        room[mentor.person.id] -= 1
        found.append(Suggestion(new, mentor))
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found


def trainer_of(session: Session, person_id: int) -> Trainer | None:
    return session.get(Trainer, person_id)


def set_capacity(
    session: Session, actor: Actor, person_id: int, capacity: int | None
) -> Trainer | None:
    """Count a leader as an experienced trainer taking ``capacity`` new trainers
    at once; 0 keeps them listed but takes nobody new."""
    require_lnd_admin(actor)
    person = session.get(Person, person_id)
    if person is None or not has_role(session, person_id, Role.LEADER):
        raise NotFound(_("There is no such leader."))
    checks = Checks()
    if capacity is None:
        checks.fail("capacity", _("Enter how many new trainers they take on at once, such as 2."))
    elif not 0 <= capacity <= MAX_CAPACITY:
        checks.fail("capacity", _("The capacity must be between 0 and %(max)d.", max=MAX_CAPACITY))
    checks.raise_if_any()
    assert capacity is not None
    trainer = session.get(Trainer, person_id)
    if trainer is None:
        trainer = Trainer(person_id=person_id, capacity=capacity)
        session.add(trainer)
    trainer.capacity = capacity
    session.flush()
    return trainer
