"""The learner's side: confirming and rating a session a leader recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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
    rated,
)
from statements.identity import Identity

SessionKind = Literal[
    "knowledge-session", "mentoring-session", "coaching-moment", "train-the-trainer-session"
]


@dataclass(frozen=True, slots=True)
class SessionRef:
    """Any session a learner can confirm or rate: its IRI, title and kind."""

    id: str
    title: Text
    kind: SessionKind

    def activity(self, options: BuildOptions) -> Statement:
        kind = v.SESSION_TYPES.get(self.kind)
        if kind is None:
            raise ValueError(
                f"session kind must be one of {', '.join(v.SESSION_TYPES)}, got {self.kind!r}"
            )
        return activity(
            self.id, kind.iri(options.base), self.title.as_map("session title"), what="session id"
        )


@dataclass(frozen=True, slots=True)
class SessionConfirmed:
    learner: Identity
    leader: Identity
    session: SessionRef
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRated:
    learner: Identity
    leader: Identity
    session: SessionRef
    rating: Rating
    occurred_at: datetime
    comment: str | None = None


def _context(learner_leader: Identity) -> ContextParts:
    return ContextParts(instructor=learner_leader, agents=((learner_leader, v.LEADER_ROLE),))


def session_confirmed(
    event: SessionConfirmed,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    return assemble(
        t.SESSION_CONFIRMED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.learner,
        obj=event.session.activity(options),
        context=_context(event.leader),
    )


def session_rated(
    event: SessionRated,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    result = rated(event.rating, event.comment, options)
    return assemble(
        t.SESSION_RATED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.learner,
        obj=event.session.activity(options),
        context=_context(event.leader),
        result=result,
    )
