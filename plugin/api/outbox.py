"""The delivery queue for L&D (scope ``admin``, organisation-wide service
tokens): statements the LRS refused, with its reason, and re-sending one."""

from __future__ import annotations

import re
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import MAX_PAGE
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.outbox import OutboxRow
from plugin.services import parked, token_access
from plugin.services.errors import NotFound

bp = Blueprint(
    "api_outbox",
    __name__,
    url_prefix="/api/v1/outbox",
    description="Statements the LRS refused, and re-sending them (needs admin).",
)
UUID = re.compile(r"^[0-9a-fA-F-]{36}$")


class ParkedArgs(Schema):
    after = Id(strict=False, metadata={"description": "From the previous page's next_after."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))


class ParkedSchema(Schema):
    statement_id = fields.String(required=True)
    record_id = fields.Integer(allow_none=True)
    lrs = fields.String(required=True)
    state = fields.String(required=True)
    http_status = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    attempts = fields.Integer(required=True)


class ParkedPageSchema(Schema):
    items = fields.List(fields.Nested(ParkedSchema), required=True)
    next_after = fields.Integer(allow_none=True, required=True)


def parked_json(row: OutboxRow) -> dict[str, Any]:
    return {
        "statement_id": row.statement_id,
        "record_id": row.record_id,
        "lrs": row.lrs,
        "state": row.state.value,
        "http_status": row.last_status,
        "reason": row.last_error,
        "attempts": row.attempts,
    }


@bp.route("/parked", methods=["GET"])
@requires(Scope.ADMIN)
@bp.arguments(ParkedArgs, location="query")
@bp.response(200, ParkedPageSchema)
def list_parked(args: dict[str, Any]) -> dict[str, Any]:
    """Statements the LRS refused, newest first"""
    token_access.require_admin(grant())
    rows = parked.parked_rows(db_session(), before_id=args.get("after"), limit=args["limit"] + 1)
    more = len(rows) > args["limit"]
    rows = rows[: args["limit"]]
    return {
        "items": [parked_json(r) for r in rows],
        "next_after": rows[-1].id if more and rows else None,
    }


@bp.route("/parked/<statement_id>/resend", methods=["POST"])
@requires(Scope.ADMIN)
@bp.response(200, ParkedSchema)
@bp.doc(parameters=[PARAMETER])
def resend_parked(statement_id: str) -> Response:
    """Queue a refused statement again (after the LRS or its data was fixed)"""
    token_access.require_admin(grant())

    def work(session: Session) -> Response:
        if not UUID.match(statement_id):
            raise NotFound(_("There is no parked statement with this id."))
        return common.json_response(parked_json(parked.resend(session, statement_id)))

    return run_write(work)
