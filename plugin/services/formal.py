"""Reading formal records the way pages and reports must: outcomes only, voided ones gone.

The sync keeps, besides the outcomes, the formal statements reports count
but nobody should see as a record (DESIGN section 5): attempts opened and
sessions closed with their time. :func:`formal_records_of` returns the
records; :func:`formal_effort_of` the attempts and the time behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.formal import FormalRecord
from statements.classification import Origin
from statements.classification.verbs import ATTEMPT_STARTS, SESSION_ENDS


def formal_records_of(session: Session, person_id: int) -> Sequence[FormalRecord]:
    """A person's formal records (outcomes), newest first; voided statements are not records."""
    return session.scalars(
        select(FormalRecord)
        .where(
            FormalRecord.person_id == person_id,
            FormalRecord.origin == Origin.FORMAL.value,
            FormalRecord.is_outcome.is_(True),
            FormalRecord.voided.is_(False),
        )
        .order_by(FormalRecord.timestamp.desc(), FormalRecord.statement_id)
    ).all()


@dataclass(frozen=True)
class FormalEffort:
    """What a person put into formal learning: attempts opened and time spent."""

    attempts: int
    seconds: float


def formal_effort_of(session: Session, person_id: int) -> FormalEffort:
    """Attempts (cmi5 and SCORM ``initialized``, ``attempted``) and time spent.

    Time is counted once per session: within a registration, the durations
    of the statements that close a session (terminated, suspended, exited,
    abandoned: cmi5 and SCORM put the session's whole time there) when there
    are any, else the durations of its outcomes (a Moodle quiz attempt);
    statements without a registration count on their own.
    """
    rows = session.execute(
        select(
            FormalRecord.statement_id,
            FormalRecord.verb,
            FormalRecord.registration,
            FormalRecord.is_outcome,
            FormalRecord.duration_seconds,
        ).where(
            FormalRecord.person_id == person_id,
            FormalRecord.origin == Origin.FORMAL.value,
            FormalRecord.voided.is_(False),
        )
    ).all()
    attempts = sum(1 for row in rows if row.verb in ATTEMPT_STARTS)
    ends: dict[str, float] = defaultdict(float)
    outcomes: dict[str, float] = defaultdict(float)
    for row in rows:
        group = row.registration or row.statement_id
        if row.duration_seconds is None:
            continue
        if row.verb in SESSION_ENDS:
            ends[group] += row.duration_seconds
        elif row.is_outcome:
            outcomes[group] += row.duration_seconds
    seconds = sum(ends.values()) + sum(t for g, t in outcomes.items() if g not in ends)
    return FormalEffort(attempts, seconds)
