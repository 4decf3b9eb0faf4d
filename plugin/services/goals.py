"""Tip 5, goals a leader sets themselves as a teacher: a title and a target
date; later marked met (recorded, ``goal-met``) or not met (kept in
Leaderled only: the profile has no statement for a goal missed)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.expectations import Goal, GoalStatus
from plugin.models.people import Person
from plugin.models.records import LeaderLedRecord, RecordKind
from plugin.services import input_rules as rules
from plugin.services import recording
from plugin.services.errors import Checks, Conflict, NotFound
from plugin.services.people import Actor, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.roles import require_leader
from statements.builders import Goal as GoalRef
from statements.builders import GoalEvent, Text, goal_met, goal_set

MAX_AHEAD = timedelta(days=5 * 366)


@dataclass(frozen=True)
class GoalInput:
    title: str
    due_on: date | None


def _ref(goal: Goal) -> GoalRef:
    return GoalRef(goal.iri, Text(en=goal.title), goal.due_on)


def set_goal(
    session: Session,
    actor: Actor,
    data: GoalInput,
    *,
    pub: Publishing,
    now: datetime,
    today: date,
) -> Goal:
    require_leader(actor)
    checks = Checks()
    title = rules.title(checks, "title", data.title, required=True)
    if data.due_on is None:
        checks.fail("due_on", _("Enter the date you want to reach it by, such as 2027-03-31."))
    elif data.due_on < today:
        checks.fail("due_on", _("The target date must be today or later."))
    elif data.due_on > today + MAX_AHEAD:
        checks.fail("due_on", _("The target date must be within five years."))
    checks.raise_if_any()
    assert data.due_on is not None
    person = session.get_one(Person, actor.person_id)
    goal = Goal(
        person_id=person.id,
        team_id=actor.team_id,
        iri=pub.new_activity_iri("goals"),
        title=title,
        due_on=data.due_on,
        status=GoalStatus.OPEN,
        created_at=now,
    )
    statement = goal_set(
        GoalEvent(statement_identity(session, person), _ref(goal), now), pub.options
    )
    row = recording.record(
        session,
        LeaderLedRecord(
            kind=RecordKind.GOAL_SET,
            leader_id=person.id,
            team_id=actor.team_id,
            title=title,
            activity_iri=goal.iri,
            occurred_at=now,
            details={"due_on": data.due_on.isoformat()},
        ),
        [statement],
    )
    goal.set_record_id = row.id
    session.add(goal)
    session.flush()
    return goal


def own_goal(session: Session, actor: Actor, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.person_id != actor.person_id:
        raise NotFound(_("There is no such goal of yours."))
    return goal


def close_goal(
    session: Session,
    actor: Actor,
    goal_id: int,
    *,
    met: bool,
    pub: Publishing,
    now: datetime,
) -> Goal:
    """Mark the goal met (recorded and sent) or not met (kept here only)."""
    require_leader(actor)
    goal = own_goal(session, actor, goal_id)
    if goal.status is not GoalStatus.OPEN:
        raise Conflict(_("This goal is already marked; it cannot be changed."))
    goal.closed_at = now
    if not met:
        goal.status = GoalStatus.NOT_MET
        session.flush()
        return goal
    person = session.get_one(Person, actor.person_id)
    statement = goal_met(
        GoalEvent(statement_identity(session, person), _ref(goal), now), pub.options
    )
    row = recording.record(
        session,
        LeaderLedRecord(
            kind=RecordKind.GOAL_MET,
            leader_id=person.id,
            team_id=goal.team_id,
            title=goal.title,
            activity_iri=goal.iri,
            parent_id=goal.set_record_id,
            occurred_at=now,
            details={"goal_id": goal.id},
        ),
        [statement],
    )
    goal.status = GoalStatus.MET
    goal.met_record_id = row.id
    session.flush()
    return goal


def goals_of(
    session: Session, person_id: int, teams: Collection[int] | None = None
) -> Sequence[Goal]:
    """Open goals by target date, then the closed ones, newest first; only
    those set in ``teams`` when given (a token limited to teams)."""
    query = select(Goal).where(Goal.person_id == person_id)
    if teams is not None:
        query = query.where(Goal.team_id.in_(list(teams)))
    return session.scalars(
        query.order_by(Goal.status != GoalStatus.OPEN, Goal.due_on, Goal.closed_at.desc(), Goal.id)
    ).all()
