"""The report figures (DESIGN section 11) as plain frozen values.

Both sources fill these: the local database (:mod:`.local`) and the LRS
(:mod:`.from_lrs`), so the two can be compared with ``==``. Ids are local
person and team ids; times are seconds (pages turn them into hours); every
tuple is sorted by its key so equal figures compare equal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from plugin.models.records import RecordKind
from plugin.services.reports.scope import Scope


class Indicator(enum.StrEnum):
    """Every figure a report shows; ``drill`` takes one of these and a key."""

    LEADERS_TEACHING = "leaders_teaching"  # key: none
    HOURS_BY_KIND = "hours_by_kind"  # key: a RecordKind value
    REACH = "reach"  # key: a leader id, or none for everyone
    COACHING = "coaching"  # key: a person id
    RATINGS = "ratings"  # key: a leader id, or none
    TRAIN_THE_TRAINER = "train_the_trainer"  # key: trained | paired | feedback
    EXPECTATIONS = "expectations"  # key: none
    GOALS = "goals"  # key: set | met
    TOPICS = "topics"  # key: a topic slug, or "" for none
    VALUES = "values"  # key: a company value slug, or "" for none
    MIX = "mix"  # key: "<mode>" | "team:<id>:<mode>" | "person:<id>:<mode>"
    FORMAL = "formal"  # key: a team id


class Mode(enum.StrEnum):
    """The 70-20-10 learning modes (statements.classification.LearningMode values)."""

    EXPERIENTIAL = "experiential"
    SOCIAL = "social"
    FORMAL = "formal"


@dataclass(frozen=True)
class LeadersTeaching:
    """Leaders in scope, and how many of them taught at least once in the period."""

    leaders: int = 0
    teaching: int = 0

    @property
    def share(self) -> float | None:
        return self.teaching / self.leaders if self.leaders else None


@dataclass(frozen=True)
class KindHours:
    kind: RecordKind
    records: int
    seconds: int


@dataclass(frozen=True)
class LeaderReach:
    leader_id: int
    people: int


@dataclass(frozen=True)
class Reach:
    """Distinct people taught (attendees, coachees, mentees, new trainers)."""

    people: int = 0
    by_leader: tuple[LeaderReach, ...] = ()


@dataclass(frozen=True)
class MemberCoaching:
    """One team member: coaching and mentoring sessions in the period, and the
    last one before the period ends (at any time), in days before that end."""

    person_id: int
    team_id: int
    sessions: int
    last_at: datetime | None
    days_since: int | None


@dataclass(frozen=True)
class LeaderRating:
    leader_id: int
    ratings: int
    total: int  # sum of the ratings: average = total / ratings

    @property
    def average(self) -> float:
        return self.total / self.ratings


@dataclass(frozen=True)
class Ratings:
    """Learner ratings (1..5) of sessions and moments, given in the period."""

    ratings: int = 0
    total: int = 0
    by_value: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # how many 1s .. 5s
    by_leader: tuple[LeaderRating, ...] = ()

    @property
    def average(self) -> float | None:
        return self.total / self.ratings if self.ratings else None


@dataclass(frozen=True)
class TrainTheTrainer:
    """Coverage among the leaders in scope, up to the end of the period: who took
    part in a train-the-trainer session, was paired as a new trainer, and received
    feedback on a session they taught."""

    leaders: int = 0
    trained: int = 0
    paired: int = 0
    given_feedback: int = 0


@dataclass(frozen=True)
class Expectations:
    """Acknowledgements of role expectations in the period, and by how many people."""

    acknowledgements: int = 0
    people: int = 0


@dataclass(frozen=True)
class Goals:
    """Goals set and goals met in the period."""

    set: int = 0
    met: int = 0


@dataclass(frozen=True)
class TopicSessions:
    """Knowledge sessions on one topic category (slug; None: no topic)."""

    topic: str | None
    sessions: int
    seconds: int
    attendees: int  # attendances: one per attendee per session


@dataclass(frozen=True)
class ValueSessions:
    """Knowledge sessions supporting one company value (slug; None: none named)."""

    value: str | None
    sessions: int
    seconds: int


@dataclass(frozen=True)
class MixFigures:
    """One 70-20-10 mix: records and seconds per learning mode."""

    experiential_count: int = 0
    social_count: int = 0
    formal_count: int = 0
    experiential_seconds: int = 0
    social_seconds: int = 0
    formal_seconds: int = 0

    def count(self, mode: Mode) -> int:
        return int(getattr(self, f"{mode.value}_count"))

    def seconds(self, mode: Mode) -> int:
        return int(getattr(self, f"{mode.value}_seconds"))

    def share(self, mode: Mode, *, by: str = "count") -> float | None:
        """``mode``'s part of the whole, by ``count`` or ``seconds``; None when empty."""
        values = {m: (self.count(m) if by == "count" else self.seconds(m)) for m in Mode}
        whole = sum(values.values())
        return values[mode] / whole if whole else None


@dataclass(frozen=True)
class MixRow:
    key: int  # a team id or a person id
    mix: MixFigures


@dataclass(frozen=True)
class Mix:
    organisation: MixFigures = MixFigures()
    teams: tuple[MixRow, ...] = ()
    people: tuple[MixRow, ...] = ()


@dataclass(frozen=True)
class FormalTeam:
    """Formal completions and pass/fail outcomes of a team's members in the period,
    next to the leader-led seconds recorded for the team."""

    team_id: int
    completions: int
    passed: int
    failed: int
    leader_led_seconds: int

    @property
    def pass_rate(self) -> float | None:
        decided = self.passed + self.failed
        return self.passed / decided if decided else None


@dataclass(frozen=True)
class Indicators:
    """Every figure of one report, for one scope."""

    scope: Scope
    leaders_teaching: LeadersTeaching = LeadersTeaching()
    hours_by_kind: tuple[KindHours, ...] = ()
    reach: Reach = Reach()
    coaching: tuple[MemberCoaching, ...] = ()
    ratings: Ratings = Ratings()
    train_the_trainer: TrainTheTrainer = TrainTheTrainer()
    expectations: Expectations = Expectations()
    goals: Goals = Goals()
    topics: tuple[TopicSessions, ...] = ()
    values: tuple[ValueSessions, ...] = ()
    mix: Mix = Mix()
    formal: tuple[FormalTeam, ...] = ()


@dataclass(frozen=True)
class DrillRow:
    """One record behind a figure: a leader-led record (``record_id``) or a pulled
    formal record (``record_id`` None), with the LRS statement ids that carry it."""

    kind: str  # a RecordKind value, or "formal:<verb>" for a formal record
    occurred_at: datetime
    person_id: int | None  # the leader who recorded it, or the formal record's person
    seconds: int
    statement_ids: tuple[str, ...]
    record_id: int | None = None
    title: str | None = None
