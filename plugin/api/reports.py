"""Reports (scope ``reports:read``): a leader's teaching at a glance (the
figures of the leader's overview page), and the L&D report figures (issue 11)
for the teams the token's person may see, by the rules of
:func:`plugin.services.reports.scope_for`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.records import RecordKind
from plugin.services import record_queries, reports, token_access
from plugin.services.errors import NotFound
from plugin.services.record_queries import KindFigures, Teaching
from plugin.services.reports.export import as_json

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
    elif who.team_ids:  # the leader leads none of the token's teams
        raise NotFound(_("There is no such leader in this token's teams."))
    today = datetime.now(ZoneInfo(common.settings().timezone)).date()
    found: Teaching = record_queries.teaching_of(
        session, actor.person_id, actor.team_id, today, teams=who.team_ids or None
    )
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


class IndicatorArgs(Schema):
    team_id = fields.List(
        Id(strict=False),
        metadata={"description": "Teams to report on (repeatable); none: all you may see."},
    )
    period = fields.String(
        load_default="quarter",
        validate=validate.OneOf(["month", "quarter", "year"]),
        metadata={"description": "Without from/to: the month, quarter or year containing on."},
    )
    on = fields.Date(metadata={"description": "A day in the period (default today, UTC)."})
    from_ = fields.Date(data_key="from", metadata={"description": "First day (UTC)."})
    to = fields.Date(metadata={"description": "Last day (UTC), included."})
    kind = fields.List(
        fields.String(validate=validate.OneOf([k.value for k in RecordKind])),
        metadata={"description": "Only these record kinds (repeatable)."},
    )

    @validates_schema
    def _days(self, data: dict[str, Any], **_: Any) -> None:
        first, last = data.get("from_"), data.get("to")
        if (first is None) != (last is None):
            raise ValidationError("Give from and to together.", "to")
        if first is not None and last is not None and last < first:
            raise ValidationError("to must not be before from.", "to")


class IndicatorsSchema(Schema):
    """Every figure; times in seconds (see docs/lrs-reporting.md for each one)."""

    scope = fields.Dict(required=True)
    leaders_teaching = fields.Dict(required=True)
    hours_by_kind = fields.List(fields.Dict(), required=True)
    reach = fields.Dict(required=True)
    coaching = fields.List(fields.Dict(), required=True)
    ratings = fields.Dict(required=True)
    train_the_trainer = fields.Dict(required=True)
    expectations = fields.Dict(required=True)
    goals = fields.Dict(required=True)
    topics = fields.List(fields.Dict(), required=True)
    values = fields.List(fields.Dict(), required=True)
    mix = fields.Dict(required=True)
    formal = fields.List(fields.Dict(), required=True)


def _period(args: dict[str, Any]) -> reports.ReportPeriod:
    first: date | None = args.get("from_")
    last: date | None = args.get("to")
    if first is not None and last is not None:
        return reports.ReportPeriod.custom(first, last)
    return reports.ReportPeriod.containing(args["period"], args.get("on") or common.now().date())


@bp.route("/indicators", methods=["GET"])
@requires(Scope.REPORTS_READ)
@bp.arguments(IndicatorArgs, location="query")
@bp.response(200, IndicatorsSchema)
def indicators(args: dict[str, Any]) -> dict[str, Any]:
    """The L&D report figures for a period, teams and kinds"""
    session = db_session()
    who = grant()
    period = _period(args)
    asked = args.get("team_id") or None
    kinds = [RecordKind(k) for k in args["kind"]] if args.get("kind") else None
    if who.person_id is None:
        readable = token_access.readable_teams(session, who)
        scope = reports.scope_for_teams(period, readable, team_ids=asked, kinds=kinds)
    else:  # a person's token, or a service token acting for one: that person's rules
        scope = reports.scope_for(session, who.person_id, period, team_ids=asked, kinds=kinds)
        if who.team_ids:  # and no further than the token's teams
            teams = who.team_ids if scope.team_ids is None else scope.team_ids & who.team_ids
            if not teams or (asked and not set(asked) <= who.team_ids):
                raise NotFound(_("There is no such team."))
            scope = reports.Scope(period, frozenset(teams), scope.kinds)
    return as_json(reports.compute(session, scope))
