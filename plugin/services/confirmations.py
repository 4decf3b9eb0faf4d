"""The learner's side: confirming, and rating, a session or moment they were part of.

A confirmation is a record of its own (kind ``confirmation``), owned by the
learner and pointing at the record it confirms, so it has the same life
cycle as every record: statements queued with it, voided when it changes.
A second confirmation of the same record corrects the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Person
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services import input_rules as rules
from plugin.services import recording
from plugin.services.errors import Checks, Conflict, NotFound
from plugin.services.people import Actor, statement_identity
from plugin.services.publishing import Publishing
from statements.builders import (
    Rating,
    SessionConfirmed,
    SessionRated,
    SessionRef,
    Statement,
    Text,
    session_confirmed,
    session_rated,
)

#: What a learner can confirm, and the session kind its statements name.
CONFIRMABLE: dict[RecordKind, str] = {
    RecordKind.KNOWLEDGE_SESSION: "knowledge-session",
    RecordKind.COACHING_MOMENT: "coaching-moment",
    RecordKind.MENTORING_SESSION: "mentoring-session",
    RecordKind.TTT_SESSION: "train-the-trainer-session",
}
MAX_COMMENT = 2000


@dataclass(frozen=True)
class ConfirmInput:
    rating: int | None  # 1..5, or None to confirm without a rating
    comment: str = ""


def confirmable_record(session: Session, actor: Actor, record_id: int) -> LeaderLedRecord:
    """A record ``actor`` took part in and may confirm; "not found" otherwise."""
    row = session.get(LeaderLedRecord, record_id)
    part_of = row is not None and session.scalar(
        select(RecordParticipant.id).where(
            RecordParticipant.record_id == record_id,
            RecordParticipant.person_id == actor.person_id,
            RecordParticipant.role.in_((ParticipantRole.ATTENDEE, ParticipantRole.LEARNER)),
        )
    )
    # A leader's own record (a train-the-trainer session they attended) is not theirs to confirm.
    own = row is not None and row.leader_id == actor.person_id
    if row is None or not part_of or own or row.kind not in CONFIRMABLE:
        raise NotFound(_("There is no such session or moment that you took part in."))
    if row.state is not RecordState.ACTIVE:
        raise Conflict(_("The leader deleted this record; it cannot be confirmed any more."))
    return row


def confirmation_of(session: Session, person_id: int, record_id: int) -> LeaderLedRecord | None:
    """The person's current confirmation of a record, if any."""
    return session.scalar(
        select(LeaderLedRecord).where(
            LeaderLedRecord.parent_id == record_id,
            LeaderLedRecord.leader_id == person_id,
            LeaderLedRecord.kind == RecordKind.CONFIRMATION,
            LeaderLedRecord.state == RecordState.ACTIVE,
        )
    )


def confirmations_for(
    session: Session, record_ids: Sequence[int]
) -> dict[int, list[LeaderLedRecord]]:
    """Active confirmations per confirmed record (one query)."""
    found: dict[int, list[LeaderLedRecord]] = {rid: [] for rid in record_ids}
    if not record_ids:
        return found
    rows = session.scalars(
        select(LeaderLedRecord).where(
            LeaderLedRecord.parent_id.in_(record_ids),
            LeaderLedRecord.kind == RecordKind.CONFIRMATION,
            LeaderLedRecord.state == RecordState.ACTIVE,
        )
    )
    for row in rows:
        found.setdefault(int(row.parent_id or 0), []).append(row)
    return found


def _statements(
    session: Session,
    learner: Person,
    confirmed: LeaderLedRecord,
    *,
    rating: int | None,
    comment: str,
    pub: Publishing,
    now: datetime,
) -> list[Statement]:
    learner_identity = statement_identity(session, learner)
    leader_identity = statement_identity(session, session.get_one(Person, confirmed.leader_id))
    ref = SessionRef(
        str(confirmed.activity_iri),
        Text(en=confirmed.title or CONFIRMABLE[confirmed.kind].replace("-", " ")),
        CONFIRMABLE[confirmed.kind],  # type: ignore[arg-type]  # a SessionKind literal
    )
    built = [
        session_confirmed(
            SessionConfirmed(learner_identity, leader_identity, ref, now), pub.options
        )
    ]
    if rating is not None:
        built.append(
            session_rated(
                SessionRated(
                    learner_identity,
                    leader_identity,
                    ref,
                    Rating(rating),
                    now,
                    comment=comment or None,
                ),
                pub.options,
            )
        )
    return built


def confirm(
    session: Session,
    actor: Actor,
    *,
    record_id: int,
    data: ConfirmInput,
    pub: Publishing,
    now: datetime,
) -> LeaderLedRecord:
    """Confirm (and maybe rate) a record; a second call corrects the first."""
    confirmed = confirmable_record(session, actor, record_id)
    if confirmed.activity_iri is None:
        raise Conflict(_("This record cannot be confirmed (it has no activity in the LRS)."))
    checks = Checks()
    if data.rating is not None and not 1 <= data.rating <= 5:
        checks.fail("rating", _("Choose a rating from 1 to 5."))
    comment = rules.notes(checks, "comment", data.comment)
    if len(comment) > MAX_COMMENT:
        checks.fail(
            "comment", _("The comment must be %(max)d characters or fewer.", max=MAX_COMMENT)
        )
    checks.raise_if_any()
    learner = session.get_one(Person, actor.person_id)
    built = _statements(
        session, learner, confirmed, rating=data.rating, comment=comment, pub=pub, now=now
    )
    existing = confirmation_of(session, actor.person_id, record_id)
    if existing is not None:
        existing.rating = data.rating
        existing.notes = comment or None
        existing.occurred_at = now
        return recording.correct(
            session,
            existing,
            built,
            recording.voiding_by(statement_identity(session, learner), pub.options),
        )
    row = LeaderLedRecord(
        kind=RecordKind.CONFIRMATION,
        leader_id=learner.id,
        team_id=confirmed.team_id,
        parent_id=confirmed.id,
        title=confirmed.title,
        occurred_at=now,
        rating=data.rating,
        notes=comment or None,
        activity_iri=confirmed.activity_iri,
        details={},
    )
    return recording.record(session, row, built)
