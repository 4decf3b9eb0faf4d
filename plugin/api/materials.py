"""Library materials (tip 4): a leader used one, or shared one with their
team or chosen people of it, through the same service and rules as the
library pages."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.models.api import Scope
from plugin.services import materials, token_access

bp = Blueprint(
    "api_materials",
    __name__,
    url_prefix="/api/v1/materials",
    description="Library materials a leader used or shared (needs records:write).",
)


class ForLeaderSchema(Schema):
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader it is for."}
    )


class ShareInSchema(ForLeaderSchema):
    audience = fields.String(
        required=True,
        validate=validate.OneOf(["team", "people"]),
        metadata={"description": "The whole team, or the people named."},
    )
    people = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=materials.MAX_RECIPIENTS),
        metadata={"description": "Learners of the team, when audience is people."},
    )


@bp.route("/<int(max=2147483647):material_id>/uses", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(ForLeaderSchema)
@bp.response(201, RecordSchema)
@bp.alt_response(204, description="Already recorded as used by this leader today")
@bp.doc(parameters=[PARAMETER])
def record_use(data: dict[str, Any], material_id: int) -> Response:
    """Record that a leader used a material (once a day, as the library page does)"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        found = materials.visible_material(session, actor, material_id)
        row = materials.record_used(
            session,
            actor,
            found,
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        if row is None:
            return Response(status=204)
        return common.answer(session, row, 201)

    return run_write(work)


@bp.route("/<int(max=2147483647):material_id>/shares", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(ShareInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def share(data: dict[str, Any], material_id: int) -> Response:
    """Share a material with the leader's team or chosen learners of it"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        row = materials.share(
            session,
            actor,
            material_id,
            materials.ShareInput(data["audience"], tuple(data.get("people") or ())),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 201)

    return run_write(work)
