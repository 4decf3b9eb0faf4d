"""Expectations of leaders as teachers (tip 5): the ones that apply to a
leader with their progress, and acknowledging one (recorded), through the
same service and rules as the expectations page."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.people import Role
from plugin.models.records import LeaderLedRecord
from plugin.services import expectations, token_access
from plugin.services.errors import NotAllowed
from plugin.services.people import Actor
from plugin.services.roles import has_role

bp = Blueprint(
    "api_expectations",
    __name__,
    url_prefix="/api/v1/expectations",
    description="What is expected of a leader as a teacher; acknowledging is recorded.",
)


class ProgressSchema(Schema):
    done = fields.Integer(required=True)
    target = fields.Integer(required=True)
    measure = fields.String(required=True)
    period = fields.String(required=True)
    met = fields.Boolean(required=True)


class ExpectationSchema(Schema):
    id = fields.Integer(required=True)
    text_en = fields.String(required=True)
    text_nl = fields.String(required=True)
    role = fields.String(required=True)
    team_id = fields.Integer(allow_none=True, metadata={"description": "null: organisation-wide."})
    version = fields.Integer(required=True)
    acknowledged_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When this version was acknowledged."}
    )
    outdated = fields.Boolean(
        required=True, metadata={"description": "Only an earlier version was acknowledged."}
    )
    progress = fields.Nested(ProgressSchema, allow_none=True)


class ExpectationListSchema(Schema):
    items = fields.List(fields.Nested(ExpectationSchema), required=True)


class PersonArgs(Schema):
    person_id = Id(strict=False, metadata={"description": "Service tokens: the leader whose."})


class AcknowledgeInSchema(Schema):
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader acknowledging."}
    )


def expectation_json(mine: expectations.MyExpectation) -> dict[str, Any]:
    row, progress = mine.expectation, mine.progress
    return {
        "id": row.id,
        "text_en": row.text_en,
        "text_nl": row.text_nl,
        "role": row.role,
        "team_id": row.team_id,
        "version": row.version,
        "acknowledged_at": common.aware(mine.acknowledged_at) if mine.acknowledged_at else None,
        "outdated": mine.outdated,
        "progress": None
        if progress is None
        else {
            "done": progress.done,
            "target": progress.target,
            "measure": progress.measure.value,
            "period": progress.period.value,
            "met": progress.met,
        },
    }


@bp.route("", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, ExpectationListSchema)
def list_expectations(args: dict[str, Any]) -> dict[str, Any]:
    """The expectations that apply to a leader, with progress from their records"""
    session = db_session()
    person_id = token_access.person_of(session, grant(), args.get("person_id"))
    if not has_role(session, person_id, Role.LEADER):
        raise NotAllowed(_("Only a leader can do this."))
    actor = Actor(person_id=person_id, role=Role.LEADER)
    found = expectations.for_leader(session, actor, common.today())
    return {"items": [expectation_json(m) for m in found]}


@bp.route("/<int(max=2147483647):expectation_id>/acknowledgement", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(AcknowledgeInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def acknowledge(data: dict[str, Any], expectation_id: int) -> Response:
    """Acknowledge an expectation (recorded as acknowledged)"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        ack = expectations.acknowledge(
            session,
            actor,
            expectation_id,
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
        )
        assert ack.record_id is not None
        return common.answer(session, session.get_one(LeaderLedRecord, ack.record_id), 201)

    return run_write(work)
