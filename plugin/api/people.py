"""Who the token is, a team's members (so a client can name people by id),
and a person's learning record: formal and leader-led side by side, with
the 70-20-10 mix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id
from plugin.db import db_session
from plugin.models.api import ApiToken, Scope
from plugin.models.privacy import AccessKind
from plugin.services import people, token_access
from plugin.services.learning_record import learning_record_of
from plugin.services.privacy import access_log

bp = Blueprint(
    "api_people",
    __name__,
    url_prefix="/api/v1",
    description="The token itself, team members and learning records (needs records:read).",
)


class MeSchema(Schema):
    token_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    person_id = fields.Integer(allow_none=True, required=True)
    team_ids = fields.List(fields.Integer(), required=True)
    expires_at = fields.AwareDateTime(required=True)


class MemberSchema(Schema):
    person_id = fields.Integer(required=True)
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    role = fields.String(required=True)


class MembersSchema(Schema):
    team_id = fields.Integer(required=True)
    title = fields.String(allow_none=True)
    members = fields.List(fields.Nested(MemberSchema), required=True)


class PersonArgs(Schema):
    person_id = Id(strict=False, metadata={"description": "Service tokens: whose record."})


class FormalSchema(Schema):
    statement_id = fields.String(required=True)
    kind = fields.String(allow_none=True)
    learning_mode = fields.String(allow_none=True)
    verb = fields.String(required=True)
    activity_id = fields.String(allow_none=True)
    activity_name = fields.String(allow_none=True)
    score_scaled = fields.Float(allow_none=True)
    success = fields.Boolean(allow_none=True)
    completion = fields.Boolean(allow_none=True)
    duration_seconds = fields.Float(allow_none=True)
    timestamp = fields.AwareDateTime(allow_none=True)


class LeaderLedSchema(Schema):
    record_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(allow_none=True)
    leader_id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    minutes = fields.Integer(allow_none=True)
    confirmed = fields.Boolean(required=True)
    rating = fields.Integer(allow_none=True)
    can_confirm = fields.Boolean(required=True)


class MixSchema(Schema):
    hours = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    shares_by_hours = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class LearningRecordSchema(Schema):
    person_id = fields.Integer(required=True)
    formal = fields.List(fields.Nested(FormalSchema), required=True)
    leader_led = fields.List(fields.Nested(LeaderLedSchema), required=True)
    mix = fields.Nested(MixSchema, required=True)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@bp.route("/me", methods=["GET"])
@requires(None)
@bp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """This token: its kind, scopes, person, teams and expiry"""
    token = db_session().get_one(ApiToken, grant().token_id)
    return {
        "token_id": token.id,
        "kind": token.kind.value,
        "name": token.name,
        "scopes": sorted(s.value for s in token.scope_set),
        "person_id": token.person_id,
        "team_ids": [t.id for t in token.teams],
        "expires_at": _aware(token.expires_at),
    }


@bp.route("/teams/<int(max=2147483647):team_id>/members", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.response(200, MembersSchema)
def team_members(team_id: int) -> dict[str, Any]:
    """The members of a team the token may read, with their person ids"""
    session = db_session()
    team = token_access.readable_team(session, grant(), team_id)
    return {
        "team_id": team.id,
        "title": team.title,
        "members": [
            {"person_id": p.id, "name": p.display_name, "email": p.email, "role": role.value}
            for p, role in people.team_members(session, team_id)
        ],
    }


@bp.route("/learning-record", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, LearningRecordSchema)
def learning_record(args: dict[str, Any]) -> dict[str, Any]:
    """A person's learning record: formal and leader-led, and their 70-20-10 mix

    A token limited to teams reads the leader-led records of those teams only;
    the formal records are the person's own and all shown, the mix over both."""
    session = db_session()
    who = grant()
    person_id = token_access.person_of(session, who, args.get("person_id"))
    found = learning_record_of(session, person_id, teams=who.team_ids or None)
    answer = {
        "person_id": person_id,
        "formal": [
            {
                "statement_id": f.statement_id,
                "kind": f.kind,
                "learning_mode": f.learning_mode,
                "verb": f.verb,
                "activity_id": f.activity_id,
                "activity_name": f.activity_name,
                "score_scaled": f.score_scaled,
                "success": f.success,
                "completion": f.completion,
                "duration_seconds": f.duration_seconds,
                "timestamp": _aware(f.timestamp),
            }
            for f in found.formal
        ],
        "leader_led": [
            {
                "record_id": e.record.id,
                "kind": e.record.kind.value,
                "title": e.record.title,
                "leader_id": e.record.leader_id,
                "occurred_at": _aware(e.record.occurred_at),
                "minutes": (e.record.duration_seconds or 0) // 60,
                "confirmed": e.confirmed,
                "rating": e.rating,
                "can_confirm": e.can_confirm,
            }
            for e in found.leader_led
        ],
        "mix": {
            "hours": {k: round(v / 3600, 2) for k, v in found.mix.seconds.items()},
            "counts": dict(found.mix.counts),
            "shares_by_hours": found.mix.shares("seconds"),
        },
    }
    access_log.log_token_views(
        session, who.kind, common.accountable(who), [person_id], AccessKind.LEARNING_RECORD
    )
    session.commit()
    return answer
