"""Tip 3, train-the-trainer sessions: a leader records attending one.

The record is the leader's own, with the person who ran it as the
experienced trainer and the leader as the new trainer (so it shows on the
leader's learning record, as formal learning); the statement names the
trainer as instructor and carries the registration of the leader's pairing
when there is one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Membership, Person, Role
from plugin.models.records import LeaderLedRecord, ParticipantRole, RecordKind, RecordParticipant
from plugin.services import input_rules as rules
from plugin.services import recording
from plugin.services.errors import Checks
from plugin.services.feedback import colleagues
from plugin.services.pairings import open_pairing_between
from plugin.services.people import Actor, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.roles import require_leader
from statements.builders import Text, TrainTheTrainerAttended, train_the_trainer_attended


@dataclass(frozen=True)
class TttInput:
    title: str
    trainer_id: int | None
    minutes: int | None
    occurred_at: datetime | None
    notes: str = ""


def trainers_offered(session: Session, actor: Actor, today: date) -> list[Person]:
    """Who may have run it: the leader's colleagues (see ``feedback.colleagues``) and L&D."""
    found = {p.id: p for p in colleagues(session, actor, today)}
    for person in session.scalars(
        select(Person).where(
            Person.id.in_(select(Membership.person_id).where(Membership.role == Role.LND_ADMIN))
        )
    ):
        found.setdefault(person.id, person)
    found.pop(actor.person_id, None)
    return sorted(found.values(), key=lambda p: (p.display_name or "", p.id))


def record_ttt(
    session: Session,
    actor: Actor,
    data: TttInput,
    *,
    pub: Publishing,
    now: datetime,
    today: date,
) -> LeaderLedRecord:
    require_leader(actor)
    checks = Checks()
    title = rules.title(checks, "title", data.title, required=True)
    offered = {p.id: p for p in trainers_offered(session, actor, today)}
    trainer = offered.get(data.trainer_id or 0)
    if data.trainer_id is None:
        checks.fail("trainer", _("Choose who ran the session."))
    elif trainer is None:
        checks.fail("trainer", _("Choose one of the people offered."))
    minutes = rules.minutes(checks, "minutes", data.minutes)
    occurred_at = rules.moment(checks, "occurred_at", data.occurred_at, now)
    notes = rules.notes(checks, "notes", data.notes)
    checks.raise_if_any()
    assert trainer is not None
    leader = session.get_one(Person, actor.person_id)
    pairing = open_pairing_between(session, leader.id, None, occurred_at.date())
    registration = uuid.UUID(pairing.registration) if pairing else None
    row = LeaderLedRecord(
        kind=RecordKind.TTT_SESSION,
        leader_id=leader.id,
        team_id=actor.team_id,
        title=title,
        activity_iri=pub.new_activity_iri("ttt-sessions"),
        occurred_at=occurred_at,
        duration_seconds=minutes * 60,
        registration=str(registration) if registration else None,
        notes=notes or None,
        details={},
    )
    statement = train_the_trainer_attended(
        TrainTheTrainerAttended(
            trainee=statement_identity(session, leader),
            trainer=statement_identity(session, trainer),
            session_id=str(row.activity_iri),
            title=Text(en=title),
            occurred_at=occurred_at,
            duration=timedelta(minutes=minutes),
            pairing=registration,
        ),
        pub.options,
    )
    return recording.record(
        session,
        row,
        [statement],
        participants=[
            RecordParticipant(person_id=trainer.id, role=ParticipantRole.EXPERIENCED_TRAINER),
            RecordParticipant(person_id=leader.id, role=ParticipantRole.NEW_TRAINER),
        ],
    )
