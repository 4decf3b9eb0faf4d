"""Tip 5, manage expectations: role expectations acknowledged, goals set and met."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from statements import template_specs as t
from statements import vocabulary as v
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    ContextParts,
    Statement,
    Text,
    activity,
    assemble,
)
from statements.identity import Identity

ExpectedRole = Literal["leader", "trainer", "mentor"]
EXPECTED_ROLES: tuple[ExpectedRole, ...] = ("leader", "trainer", "mentor")


@dataclass(frozen=True, slots=True)
class ExpectationsAcknowledged:
    person: Identity
    expectations_id: str
    title: Text
    role: ExpectedRole
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    title: Text
    due: date | None = None


@dataclass(frozen=True, slots=True)
class GoalEvent:
    """A goal set or met; with a leader when agreed within a mentoring relationship."""

    person: Identity
    goal: Goal
    occurred_at: datetime
    leader: Identity | None = None
    relationship: uuid.UUID | None = None


def expectations_acknowledged(
    event: ExpectationsAcknowledged,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    if event.role not in EXPECTED_ROLES:
        raise ValueError(f"role must be one of {', '.join(EXPECTED_ROLES)}, got {event.role!r}")
    expectations = activity(
        event.expectations_id,
        v.ROLE_EXPECTATIONS.iri(options.base),
        event.title.as_map("expectations title"),
        extensions={v.EXPECTED_ROLE.iri(options.base): event.role},
        what="expectations id",
    )
    return assemble(
        t.EXPECTATIONS_ACKNOWLEDGED,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.person,
        obj=expectations,
        context=ContextParts(),
    )


def _goal(goal: Goal, options: BuildOptions) -> Statement:
    extensions = {v.DUE_DATE.iri(options.base): goal.due.isoformat()} if goal.due else None
    return activity(
        goal.id,
        v.GOAL.iri(options.base),
        goal.title.as_map("goal title"),
        extensions=extensions,
        what="goal id",
    )


def _goal_context(event: GoalEvent) -> ContextParts:
    agents = ((event.leader, v.LEADER_ROLE),) if event.leader is not None else ()
    return ContextParts(instructor=event.leader, registration=event.relationship, agents=agents)


def goal_set(
    event: GoalEvent,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    return assemble(
        t.GOAL_SET,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.person,
        obj=_goal(event.goal, options),
        context=_goal_context(event),
    )


def goal_met(
    event: GoalEvent,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    return assemble(
        t.GOAL_MET,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.person,
        obj=_goal(event.goal, options),
        context=_goal_context(event),
        result={"success": True, "completion": True},
    )
