"""Tip 1, leaders share knowledge: a knowledge session taught, and attendance per learner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from statements import template_specs as t
from statements import vocabulary as v
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    Category,
    CompanyValue,
    ContextParts,
    Statement,
    Text,
    Topic,
    activity,
    assemble,
    format_duration,
    value_activity,
)
from statements.builders.material import Material, material_activity
from statements.identity import Identity


@dataclass(frozen=True, slots=True)
class KnowledgeSession:
    """One knowledge session (the activity): its IRI, title and topic category."""

    id: str
    title: Text
    topic: Topic | Category
    company_value: CompanyValue | None = None

    def grouping(self, options: BuildOptions) -> tuple[Statement, ...]:
        """The company value the session supports, as a grouping activity."""
        if self.company_value is None:
            return ()
        return (value_activity(self.company_value, options),)

    def activity(self, options: BuildOptions) -> Statement:
        return activity(
            self.id,
            v.KNOWLEDGE_SESSION.iri(options.base),
            self.title.as_map("session title"),
            what="session id",
        )


@dataclass(frozen=True, slots=True)
class SessionTaught:
    leader: Identity
    session: KnowledgeSession
    occurred_at: datetime
    duration: timedelta
    attendees: tuple[Identity, ...] = ()
    materials: tuple[Material, ...] = ()

    def attendances(self) -> tuple[SessionAttended, ...]:
        """One attendance event per attendee, for the per-learner statements."""
        return tuple(
            SessionAttended(who, self.leader, self.session, self.occurred_at, self.duration)
            for who in self.attendees
        )


@dataclass(frozen=True, slots=True)
class SessionAttended:
    learner: Identity
    leader: Identity
    session: KnowledgeSession
    occurred_at: datetime
    duration: timedelta


def knowledge_session_taught(
    event: SessionTaught,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    spec = t.KNOWLEDGE_SESSION_TAUGHT
    attendees = tuple(dict.fromkeys(event.attendees))  # the same person counts once
    result: Statement = {
        "duration": format_duration(event.duration),
        "extensions": {v.ATTENDEE_COUNT.iri(options.base): len(attendees)},
    }
    context = ContextParts(
        topic=event.session.topic,
        grouping=event.session.grouping(options),
        other=tuple(material_activity(m, options) for m in event.materials),
        groups=((attendees, v.ATTENDEES_ROLE),),
    )
    return assemble(
        spec,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.leader,
        obj=event.session.activity(options),
        context=context,
        result=result,
    )


def knowledge_session_attended(
    event: SessionAttended,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    context = ContextParts(
        instructor=event.leader,
        topic=event.session.topic,
        grouping=event.session.grouping(options),
        agents=((event.leader, v.LEADER_ROLE),),
    )
    return assemble(
        t.KNOWLEDGE_SESSION_ATTENDED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.learner,
        obj=event.session.activity(options),
        context=context,
        result={"duration": format_duration(event.duration)},
    )
