"""Tip 3, train-the-trainer: sessions attended, trainer pairings, feedback with a rating."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from statements import template_specs as t
from statements import vocabulary as v
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    ContextParts,
    Rating,
    Statement,
    Text,
    activity,
    assemble,
    format_duration,
    rated,
)
from statements.builders.knowledge import KnowledgeSession
from statements.identity import Identity


@dataclass(frozen=True, slots=True)
class TrainTheTrainerAttended:
    trainee: Identity
    trainer: Identity
    session_id: str
    title: Text
    occurred_at: datetime
    duration: timedelta
    pairing: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class TrainerPairingAssigned:
    """L&D pairs a new trainer with an experienced one; ``registration`` ties the pairing."""

    assigned_by: Identity
    new_trainer: Identity
    experienced_trainer: Identity
    pairing_id: str
    title: Text
    registration: uuid.UUID
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackGiven:
    """An experienced trainer's feedback on a session a (new) trainer taught."""

    reviewer: Identity
    trainer: Identity
    session: KnowledgeSession
    rating: Rating
    occurred_at: datetime
    pairing: uuid.UUID | None = None
    comment: str | None = None


def train_the_trainer_attended(
    event: TrainTheTrainerAttended,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    session = activity(
        event.session_id,
        v.TRAIN_THE_TRAINER_SESSION.iri(options.base),
        event.title.as_map("session title"),
        what="session id",
    )
    return assemble(
        t.TRAIN_THE_TRAINER_ATTENDED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.trainee,
        obj=session,
        context=ContextParts(
            instructor=event.trainer,
            registration=event.pairing,
            agents=((event.trainer, v.EXPERIENCED_TRAINER_ROLE),),
        ),
        result={"duration": format_duration(event.duration)},
    )


def trainer_pairing_assigned(
    event: TrainerPairingAssigned,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    if event.new_trainer.key() == event.experienced_trainer.key():
        raise ValueError("a trainer cannot be paired with themselves")
    pairing = activity(
        event.pairing_id,
        v.TRAINER_PAIRING.iri(options.base),
        event.title.as_map("pairing title"),
        what="pairing id",
    )
    return assemble(
        t.TRAINER_PAIRING_ASSIGNED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.assigned_by,
        obj=pairing,
        context=ContextParts(
            instructor=event.experienced_trainer,
            learner=event.new_trainer,
            registration=event.registration,
            agents=(
                (event.new_trainer, v.NEW_TRAINER_ROLE),
                (event.experienced_trainer, v.EXPERIENCED_TRAINER_ROLE),
            ),
        ),
    )


def feedback_given(
    event: FeedbackGiven,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    result = rated(event.rating, event.comment, options)
    return assemble(
        t.FEEDBACK_GIVEN,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.reviewer,
        obj=event.session.activity(options),
        context=ContextParts(
            instructor=event.trainer,
            registration=event.pairing,
            topic=event.session.topic,
            agents=((event.trainer, v.NEW_TRAINER_ROLE),),
        ),
        result=result,
    )
