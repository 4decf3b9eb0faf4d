"""Records: list what the token may read (its own, its teams'), filtered by
kind, leader, team, person and period, in cursor pages; read one; delete
one (its statements are voided); confirm and rate one as a participant."""

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
from plugin.api.schemas import CursorArgs, RecordPageSchema, RecordSchema
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.people import Role
from plugin.models.records import RecordKind
from plugin.services import confirmations, people, recording, token_access
from plugin.services.errors import NotFound
from plugin.services.people import Actor
from plugin.services.record_access import own_active_record
from plugin.services.record_feed import FeedFilter, feed, visible_record
from plugin.services.record_queries import delivery_states

bp = Blueprint(
    "api_records",
    __name__,
    url_prefix="/api/v1/records",
    description="Leader-led records: read (records:read), delete and confirm (records:write).",
)


class RecordFilterArgs(CursorArgs):
    kind = fields.String(validate=validate.OneOf([k.value for k in RecordKind]))
    leader_id = Id(strict=False, metadata={"description": "Records this person recorded."})
    team_id = Id(strict=False, metadata={"description": "Records of this team."})
    person_id = Id(strict=False, metadata={"description": "Records this person took part in."})
    since = When(metadata={"description": "Happened at or after."})
    until = When(metadata={"description": "Happened before."})


class ConfirmInSchema(Schema):
    rating = Number(allow_none=True, load_default=None, metadata={"description": "1 to 5."})
    comment = Text(load_default="")
    person_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the participant confirming."}
    )


@bp.route("", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(RecordFilterArgs, location="query")
@bp.response(200, RecordPageSchema)
def list_records(args: dict[str, Any]) -> dict[str, Any]:
    """Records this token may read, newest first"""
    session = db_session()
    who = grant()
    chosen = FeedFilter(
        kind=RecordKind(args["kind"]) if args.get("kind") else None,
        leader_id=args.get("leader_id"),
        team_id=args.get("team_id"),
        person_id=args.get("person_id"),
        since=args.get("since"),
        until=args.get("until"),
    )
    page = feed(
        session,
        token_access.reach_of(session, who),
        chosen,
        cursor=args.get("cursor"),
        limit=args["limit"],
    )
    answer = {
        "items": [common.record_json(r, page.delivery[r.id], who.person_id) for r in page.rows],
        "next_cursor": page.next_cursor,
    }
    common.log_record_reads(session, who, page.rows)
    return answer


@bp.route("/<int(max=2147483647):record_id>", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.response(200, RecordSchema)
def get_record(record_id: int) -> dict[str, Any]:
    """One record"""
    session = db_session()
    who = grant()
    row = visible_record(session, token_access.reach_of(session, who), record_id)
    answer = common.record_json(row, delivery_states(session, [row.id])[row.id], who.person_id)
    common.log_record_reads(session, who, [row])
    return answer


@bp.route("/<int(max=2147483647):record_id>", methods=["DELETE"])
@requires(Scope.RECORDS_WRITE)
@bp.response(204)
@bp.doc(parameters=[PARAMETER])
def delete_record(record_id: int) -> Response:
    """Delete a record: its statements are voided in the LRS"""

    def work(session: Session) -> Response:
        owner = token_access.owner_of(session, grant(), record_id)
        actor = token_access.writer(
            session, grant(), leader_id=owner.leader_id, team_id=owner.team_id
        )
        row = own_active_record(session, actor, record_id)
        leader = people.statement_identity(session, row.leader)
        pub = common.publishing(session, row.team_id)
        recording.delete(session, row, recording.voiding_by(leader, pub.options))
        return Response(status=204)

    return run_write(work)


@bp.route("/<int(max=2147483647):record_id>/confirmation", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(ConfirmInSchema)
@bp.response(201, RecordSchema)
@bp.alt_response(200, schema=RecordSchema, description="An earlier confirmation corrected")
@bp.doc(parameters=[PARAMETER])
def confirm_record(data: dict[str, Any], record_id: int) -> Response:
    """Confirm (and rate) a session or moment the person took part in"""

    def work(session: Session) -> Response:
        who = grant()
        person_id = token_access.person_of(session, who, data.get("person_id"))
        actor = Actor(person_id=person_id, role=Role.LEARNER)
        confirmed = confirmations.confirmable_record(session, actor, record_id)
        if not who.covers_team(confirmed.team_id):
            raise NotFound(_("There is no such session or moment that you took part in."))
        existing = confirmations.confirmation_of(session, person_id, record_id)
        row = confirmations.confirm(
            session,
            actor,
            record_id=record_id,
            data=confirmations.ConfirmInput(data.get("rating"), data.get("comment") or ""),
            pub=common.publishing(session, confirmed.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 200 if existing is not None else 201)

    return run_write(work)
