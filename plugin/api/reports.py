"""Reports (scope ``reports:read``). For now a leader's teaching at a glance,
the figures of the leader's overview page; the L&D reports (issue 11) add
their own operations here, one function per report, on their services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.db import db_session
from plugin.models.api import Scope
from plugin.services import record_queries, token_access
from plugin.services.record_queries import KindFigures, Teaching

bp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Figures for reports (needs reports:read).",
)


class TeachingArgs(Schema):
    leader_id = Id(strict=False, metadata={"description": "Service tokens: whose teaching."})
    team_id = Id(
        strict=False, metadata={"description": "The team whose coaching coverage to show."}
    )


class FiguresSchema(Schema):
    kind = fields.String(required=True)
    count = fields.Integer(required=True)
    minutes = fields.Integer(required=True)


class CoverageSchema(Schema):
    person_id = fields.Integer(required=True)
    last_coached_at = fields.AwareDateTime(allow_none=True, required=True)
    days_since = fields.Integer(allow_none=True, required=True)


class TeachingSchema(Schema):
    leader_id = fields.Integer(required=True)
    month = fields.List(fields.Nested(FiguresSchema), required=True)
    quarter = fields.List(fields.Nested(FiguresSchema), required=True)
    reached_this_quarter = fields.Integer(required=True)
    coaching = fields.List(fields.Nested(CoverageSchema), required=True)


def _figures(found: dict[Any, KindFigures]) -> list[dict[str, Any]]:
    return [
        {"kind": kind.value, "count": f.count, "minutes": f.seconds // 60}
        for kind, f in sorted(found.items(), key=lambda item: item[0].value)
    ]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)


@bp.route("/teaching", methods=["GET"])
@requires(Scope.REPORTS_READ)
@bp.arguments(TeachingArgs, location="query")
@bp.response(200, TeachingSchema)
def teaching(args: dict[str, Any]) -> dict[str, Any]:
    """A leader's teaching this month and quarter, and whom they coached when"""
    session = db_session()
    who = grant()
    actor = token_access.writer(
        session, who, leader_id=args.get("leader_id"), team_id=args.get("team_id")
    )
    if actor.team_id is not None:
        token_access.readable_team(session, who, actor.team_id)
    today = datetime.now(ZoneInfo(common.settings().timezone)).date()
    found: Teaching = record_queries.teaching_of(session, actor.person_id, actor.team_id, today)
    now = datetime.now(UTC)
    return {
        "leader_id": actor.person_id,
        "month": _figures(found.month),
        "quarter": _figures(found.quarter),
        "reached_this_quarter": found.reached_quarter,
        "coaching": [
            {
                "person_id": c.person.id,
                "last_coached_at": _aware(c.last),
                "days_since": c.days_since(now),
            }
            for c in found.coaching
        ],
    }
