"""Tip 3, feedback on teaching: a leader asks a colleague (their experienced
trainer, an experienced trainer, or a fellow leader of their course) for
feedback on a session they taught; the colleague gives it with a rating and
a comment; the leader sees what they received over time.

Only the two people of a request ever see it (anyone else: "not found").
The comment stays in Leaderled unless the organisation opted in to free
text in statements; the rating goes to the LRS (``feedback-given``), with
the pairing's registration when the reviewer is the leader's experienced
trainer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue
from plugin.models.people import Membership, Person, Role
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.models.trainers import FeedbackRequest, Trainer, TrainerPairing
from plugin.services import recording
from plugin.services.catalogue import topic_by_slug, topic_ref, value_ref
from plugin.services.errors import Checks, Conflict, NotAllowed, NotFound
from plugin.services.pairings import open_pairing_between
from plugin.services.people import Actor, statement_identity, teams_led_by
from plugin.services.publishing import Publishing
from plugin.services.roles import name_of, require_leader
from statements.builders import FeedbackGiven, KnowledgeSession, Rating, Text, feedback_given

MAX_MESSAGE = 1000
MAX_COMMENT = 2000
SESSIONS_OFFERED = 50


def colleagues(session: Session, actor: Actor, today: date) -> list[Person]:
    """Whom a leader may ask (or name as their trainer): the experienced trainer
    of their pairing, the organisation's experienced trainers, and the other
    leaders of the courses they lead; by name, without the leader."""
    ids: set[int] = set(session.scalars(select(Trainer.person_id).where(Trainer.capacity > 0)))
    pairing = open_pairing_between(session, actor.person_id, None, today)
    if pairing is not None:
        ids.add(pairing.experienced_trainer_id)
    team_ids = [t.id for t in teams_led_by(session, actor.person_id)]
    if team_ids:
        ids.update(
            session.scalars(
                select(Membership.person_id).where(
                    Membership.team_id.in_(team_ids), Membership.role == Role.LEADER
                )
            )
        )
    ids.discard(actor.person_id)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Person).where(Person.id.in_(ids)).order_by(Person.display_name, Person.id)
        )
    )


def sessions_taught(session: Session, person_id: int) -> list[LeaderLedRecord]:
    """The leader's recent knowledge sessions, newest first."""
    return list(
        session.scalars(
            select(LeaderLedRecord)
            .where(
                LeaderLedRecord.leader_id == person_id,
                LeaderLedRecord.kind == RecordKind.KNOWLEDGE_SESSION,
                LeaderLedRecord.state == RecordState.ACTIVE,
                LeaderLedRecord.activity_iri.is_not(None),
            )
            .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
            .limit(SESSIONS_OFFERED)
        )
    )


def _message(checks: Checks, field: str, value: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        checks.fail(field, _("The text must be %(max)d characters or fewer.", max=limit))
    elif not all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        checks.fail(field, _("The text contains characters that cannot be shown."))
    return text


@dataclass(frozen=True)
class AskInput:
    session_id: int | None
    reviewer_id: int | None
    message: str = ""


def ask(
    session: Session, actor: Actor, data: AskInput, *, now: datetime, today: date
) -> FeedbackRequest:
    require_leader(actor)
    checks = Checks()
    row = session.get(LeaderLedRecord, data.session_id) if data.session_id else None
    if (
        row is None
        or row.leader_id != actor.person_id
        or row.kind is not RecordKind.KNOWLEDGE_SESSION
        or row.state is not RecordState.ACTIVE
        or not row.activity_iri
    ):
        checks.fail("session", _("Choose one of the sessions you taught."))
    offered = {p.id: p for p in colleagues(session, actor, today)}
    reviewer = offered.get(data.reviewer_id or 0)
    if data.reviewer_id is None:
        checks.fail("reviewer", _("Choose whom to ask."))
    elif reviewer is None:
        checks.fail("reviewer", _("Choose one of the people offered."))
    message = _message(checks, "message", data.message, MAX_MESSAGE)
    if row is not None and reviewer is not None and checks.ok("session"):
        open_request = session.scalar(
            select(FeedbackRequest.id).where(
                FeedbackRequest.session_record_id == row.id,
                FeedbackRequest.reviewer_id == reviewer.id,
                FeedbackRequest.answered_at.is_(None),
            )
        )
        if open_request is not None:
            checks.fail(
                "reviewer",
                _("You already asked %(name)s about this session.", name=name_of(reviewer)),
            )
    checks.raise_if_any()
    assert row is not None
    assert reviewer is not None
    pairing = open_pairing_between(session, actor.person_id, reviewer.id, today)
    request = FeedbackRequest(
        requester_id=actor.person_id,
        reviewer_id=reviewer.id,
        session_record_id=row.id,
        pairing_id=pairing.id if pairing else None,
        message=message or None,
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def request_for(session: Session, actor: Actor, request_id: int) -> FeedbackRequest:
    """A request the actor made or was asked; "not found" for anyone else."""
    request = session.get(FeedbackRequest, request_id)
    if request is None or actor.person_id not in (request.requester_id, request.reviewer_id):
        raise NotFound(_("There is no such request for feedback of yours."))
    return request


@dataclass(frozen=True)
class GiveInput:
    rating: int | None
    comment: str = ""


def give(
    session: Session,
    actor: Actor,
    request_id: int,
    data: GiveInput,
    *,
    pub: Publishing,
    now: datetime,
) -> LeaderLedRecord:
    """The reviewer's feedback with a rating: recorded, and sent as ``feedback-given``."""
    require_leader(actor)
    request = request_for(session, actor, request_id)
    if request.reviewer_id != actor.person_id:
        raise NotAllowed(_("You asked for this feedback; the colleague you asked gives it."))
    if request.answered_at is not None:
        raise Conflict(_("Feedback on this session was already given."))
    taught = request.session_record
    if taught.state is not RecordState.ACTIVE:
        raise Conflict(_("The session was deleted; there is nothing to give feedback on."))
    checks = Checks()
    if data.rating is None or not 1 <= data.rating <= 5:
        checks.fail("rating", _("Choose a rating from 1 to 5."))
    comment = _message(checks, "comment", data.comment, MAX_COMMENT)
    checks.raise_if_any()
    assert data.rating is not None
    topic = topic_by_slug(session, taught.topic)
    if topic is None:
        raise Conflict(_("The session has no topic any more; ask L&D to check the topics."))
    value = session.get(CompanyValue, taught.company_value_id) if taught.company_value_id else None
    reviewer = session.get_one(Person, actor.person_id)
    trainer = session.get_one(Person, request.requester_id)
    pairing: TrainerPairing | None = request.pairing
    registration = uuid.UUID(pairing.registration) if pairing else None
    statement = feedback_given(
        FeedbackGiven(
            reviewer=statement_identity(session, reviewer),
            trainer=statement_identity(session, trainer),
            session=KnowledgeSession(
                str(taught.activity_iri),
                Text(en=taught.title or "Knowledge session"),
                topic_ref(topic, pub.options),
                value_ref(value, pub.options) if value else None,
            ),
            rating=Rating(data.rating),
            occurred_at=now,
            pairing=registration,
            comment=comment or None,
        ),
        pub.options,
    )
    row = LeaderLedRecord(
        kind=RecordKind.FEEDBACK,
        leader_id=reviewer.id,
        team_id=taught.team_id,
        title=taught.title,
        topic=taught.topic,
        company_value_id=taught.company_value_id,
        activity_iri=taught.activity_iri,
        parent_id=taught.id,
        occurred_at=now,
        rating=data.rating,
        registration=str(registration) if registration else None,
        notes=comment or None,
        details={"request_id": request.id},
    )
    recording.record(
        session,
        row,
        [statement],
        participants=[RecordParticipant(person_id=trainer.id, role=ParticipantRole.NEW_TRAINER)],
    )
    request.answered_at = now
    request.feedback_record_id = row.id
    session.flush()
    return row


def _about_sessions_in(teams: frozenset[int] | None) -> list[ColumnElement[bool]]:
    """Requests about sessions of ``teams`` only, unless None (a reader limited to them)."""
    if teams is None:
        return []
    sessions = select(LeaderLedRecord.id).where(LeaderLedRecord.team_id.in_(teams))
    return [FeedbackRequest.session_record_id.in_(sessions)]


def requests_made(
    session: Session, person_id: int, teams: frozenset[int] | None = None
) -> Sequence[FeedbackRequest]:
    return session.scalars(
        select(FeedbackRequest)
        .where(FeedbackRequest.requester_id == person_id, *_about_sessions_in(teams))
        .options(
            selectinload(FeedbackRequest.reviewer), selectinload(FeedbackRequest.session_record)
        )
        .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
        .limit(50)
    ).all()


def requests_received(
    session: Session, person_id: int, teams: frozenset[int] | None = None
) -> Sequence[FeedbackRequest]:
    """Requests waiting for the person's feedback first, then answered ones."""
    return session.scalars(
        select(FeedbackRequest)
        .where(FeedbackRequest.reviewer_id == person_id, *_about_sessions_in(teams))
        .options(
            selectinload(FeedbackRequest.requester), selectinload(FeedbackRequest.session_record)
        )
        .order_by(
            FeedbackRequest.answered_at.is_not(None),
            FeedbackRequest.created_at.desc(),
            FeedbackRequest.id.desc(),
        )
        .limit(50)
    ).all()


@dataclass(frozen=True)
class Received:
    record: LeaderLedRecord
    reviewer: Person | None


def received(session: Session, person_id: int) -> list[Received]:
    """Feedback the person received on their teaching, oldest first (a timeline)."""
    rows = session.scalars(
        select(LeaderLedRecord)
        .join(RecordParticipant, RecordParticipant.record_id == LeaderLedRecord.id)
        .where(
            LeaderLedRecord.kind == RecordKind.FEEDBACK,
            LeaderLedRecord.state == RecordState.ACTIVE,
            RecordParticipant.person_id == person_id,
            RecordParticipant.role == ParticipantRole.NEW_TRAINER,
        )
        .options(selectinload(LeaderLedRecord.leader))
        .order_by(LeaderLedRecord.occurred_at, LeaderLedRecord.id)
    )
    return [Received(row, row.leader) for row in rows]
