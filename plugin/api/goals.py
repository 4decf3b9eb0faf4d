"""Goals a leader sets as a teacher (tip 5): list, set, mark met or not met,
through the same service and rules as the expectations page."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id, Text
from plugin.api.idempotency import PARAMETER, run_write
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.expectations import Goal, GoalStatus
from plugin.services import goals, token_access
from plugin.services.errors import NotFound

bp = Blueprint(
    "api_goals",
    __name__,
    url_prefix="/api/v1/goals",
    description="Goals a leader sets themselves as a teacher; met ones are recorded.",
)


class GoalSchema(Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    team_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    due_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in GoalStatus]))
    created_at = fields.AwareDateTime(required=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    activity_iri = fields.String(required=True)
    set_record_id = fields.Integer(
        allow_none=True, metadata={"description": "The record (goal-set statement)."}
    )
    met_record_id = fields.Integer(
        allow_none=True, metadata={"description": "The record (goal-met statement), once met."}
    )


class GoalListSchema(Schema):
    items = fields.List(fields.Nested(GoalSchema), required=True)


class GoalInSchema(Schema):
    title = Text(max_length=1000, required=True)
    due_on = fields.Date(required=True, metadata={"description": "The target date."})
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader it is for."}
    )


class CloseInSchema(Schema):
    met = fields.Boolean(
        required=True,
        metadata={"description": "true: met (recorded and sent); false: not met (kept here)."},
    )


class PersonArgs(Schema):
    person_id = Id(strict=False, metadata={"description": "Service tokens: whose goals."})


def goal_json(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "person_id": goal.person_id,
        "team_id": goal.team_id,
        "title": goal.title,
        "due_on": goal.due_on,
        "status": goal.status.value,
        "created_at": common.aware(goal.created_at),
        "closed_at": common.aware(goal.closed_at) if goal.closed_at else None,
        "activity_iri": goal.iri,
        "set_record_id": goal.set_record_id,
        "met_record_id": goal.met_record_id,
    }


def _answer(session: Session, goal: Goal, status: int) -> Response:
    session.flush()
    return common.json_response(
        GoalSchema().dump(goal_json(goal)), status, url_for("api_goals.list_goals")
    )


@bp.route("", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, GoalListSchema)
def list_goals(args: dict[str, Any]) -> dict[str, Any]:
    """A person's goals: open ones by target date, then closed ones"""
    session = db_session()
    who = grant()
    person_id = token_access.person_of(session, who, args.get("person_id"))
    teams = who.team_ids or None  # a token limited to teams reads their goals only
    return {"items": [goal_json(g) for g in goals.goals_of(session, person_id, teams)]}


@bp.route("", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(GoalInSchema)
@bp.response(201, GoalSchema)
@bp.doc(parameters=[PARAMETER])
def set_goal(data: dict[str, Any]) -> Response:
    """Set a goal (recorded as goal-set)"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        goal = goals.set_goal(
            session,
            actor,
            goals.GoalInput(data["title"], data["due_on"]),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
            today=common.today(),
        )
        return _answer(session, goal, 201)

    return run_write(work)


@bp.route("/<int(max=2147483647):goal_id>/result", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(CloseInSchema)
@bp.response(200, GoalSchema)
@bp.doc(parameters=[PARAMETER])
def close_goal(data: dict[str, Any], goal_id: int) -> Response:
    """Mark a goal met (recorded as goal-met) or not met (kept in Leaderled only)"""

    def work(session: Session) -> Response:
        who = grant()
        goal = session.get(Goal, goal_id)
        if goal is None or not token_access.reaches(who, goal.person_id, goal.team_id):
            raise NotFound(_("There is no such goal of yours."))
        actor = token_access.leader(session, who, leader_id=goal.person_id, team_id=goal.team_id)
        closed = goals.close_goal(
            session,
            actor,
            goal_id,
            met=data["met"],
            pub=common.publishing(session, goal.team_id),
            now=common.now(),
        )
        return _answer(session, closed, 200)

    return run_write(work)
