"""Coaching and mentoring moments (tip 2): record and correct, through the
same service and rules as the leader's page."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id, Number, Text, When
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.models.api import Scope
from plugin.services import moments, token_access

bp = Blueprint(
    "api_moments",
    __name__,
    url_prefix="/api/v1/moments",
    description="Coaching and mentoring moments a leader records (needs records:write).",
)


class MomentChangeSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(moments.KINDS)))
    people = fields.List(Id(), required=True, metadata={"description": "Person ids coached."})
    minutes = Number(required=True)
    occurred_at = When(required=True)
    topic = Text(max_length=64, allow_none=True, metadata={"description": "A topic slug."})
    value_id = Id(allow_none=True)
    title = Text(max_length=1000, load_default="")
    notes = Text(load_default="", metadata={"description": "Private: never sent to the LRS."})


class MomentInSchema(MomentChangeSchema):
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader it is for."}
    )


def moment_input(data: dict[str, Any]) -> moments.MomentInput:
    return moments.MomentInput(
        kind=data["kind"],
        people=tuple(data["people"]),
        minutes=data["minutes"],
        occurred_at=data["occurred_at"],
        topic=data.get("topic") or None,
        value_id=data.get("value_id"),
        title=data.get("title") or "",
        notes=data.get("notes") or "",
    )


@bp.route("", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(MomentInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def record_moment(data: dict[str, Any]) -> Response:
    """Record a coaching or mentoring moment"""

    def work(session: Session) -> Response:
        actor = token_access.writer(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        row = moments.record_moment(
            session,
            actor,
            data=moment_input(data),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 201)

    return run_write(work)


@bp.route("/<int(max=2147483647):record_id>", methods=["PUT"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(MomentChangeSchema)
@bp.response(200, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def update_moment(data: dict[str, Any], record_id: int) -> Response:
    """Correct a moment: its statements are voided and sent again"""

    def work(session: Session) -> Response:
        owner = token_access.owner_of(session, grant(), record_id)
        actor = token_access.writer(
            session, grant(), leader_id=owner.leader_id, team_id=owner.team_id
        )
        row = moments.update_moment(
            session,
            actor,
            record_id=record_id,
            data=moment_input(data),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 200)

    return run_write(work)
