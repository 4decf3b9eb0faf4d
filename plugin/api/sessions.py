"""Knowledge sessions (tip 1): record and correct, through the same service
and rules as the leader's page."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id, Number, Text, When
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.models.api import Scope
from plugin.services import knowledge, token_access

bp = Blueprint(
    "api_sessions",
    __name__,
    url_prefix="/api/v1/sessions",
    description="Knowledge sessions a leader taught (needs records:write).",
)


class SessionChangeSchema(Schema):
    title = Text(max_length=1000, required=True)
    topic = Text(max_length=64, required=True, metadata={"description": "A topic slug."})
    people = fields.List(Id(), load_default=list, metadata={"description": "Attendee ids."})
    minutes = Number(required=True)
    occurred_at = When(required=True)
    value_id = Id(allow_none=True)
    material_title = Text(max_length=1000, load_default="")
    material_url = Text(max_length=2000, load_default="")
    notes = Text(load_default="", metadata={"description": "Private: never sent to the LRS."})


class SessionInSchema(SessionChangeSchema):
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader it is for."}
    )


def session_input(data: dict[str, Any]) -> knowledge.SessionInput:
    return knowledge.SessionInput(
        title=data["title"],
        topic=data["topic"] or None,
        people=tuple(data.get("people") or ()),
        minutes=data["minutes"],
        occurred_at=data["occurred_at"],
        value_id=data.get("value_id"),
        material_title=data.get("material_title") or "",
        material_url=data.get("material_url") or "",
        notes=data.get("notes") or "",
    )


@bp.route("", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(SessionInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def record_session(data: dict[str, Any]) -> Response:
    """Record a knowledge session and its attendees"""

    def work(session: Session) -> Response:
        actor = token_access.writer(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        row = knowledge.record_session(
            session,
            actor,
            data=session_input(data),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 201)

    return run_write(work)


@bp.route("/<int(max=2147483647):record_id>", methods=["PUT"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(SessionChangeSchema)
@bp.response(200, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def update_session(data: dict[str, Any], record_id: int) -> Response:
    """Correct a session: its statements are voided and sent again"""

    def work(session: Session) -> Response:
        owner = token_access.owner_of(session, grant(), record_id)
        actor = token_access.writer(
            session, grant(), leader_id=owner.leader_id, team_id=owner.team_id
        )
        row = knowledge.update_session(
            session,
            actor,
            record_id=record_id,
            data=session_input(data),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 200)

    return run_write(work)
