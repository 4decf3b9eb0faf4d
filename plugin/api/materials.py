"""Library materials (tip 4): search the library (leaders and L&D), what was
shared with a person, and a leader's use of one or share of one with their
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
from plugin.api.fields import Id, Text
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.material import Material, MaterialKind
from plugin.models.people import Role
from plugin.services import materials, token_access
from plugin.services.errors import NotAllowed
from plugin.services.roles import has_role

bp = Blueprint(
    "api_materials",
    __name__,
    url_prefix="/api/v1/materials",
    description="The material library: search, shared with a person, used and shared.",
)


class MaterialSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MaterialKind]))
    description = fields.String(allow_none=True)
    language = fields.String(required=True)
    url = fields.String(allow_none=True, metadata={"description": "A link, if not a file."})
    has_file = fields.Boolean(required=True, metadata={"description": "Opened on its page."})
    activity_iri = fields.String(required=True)
    value_ids = fields.List(fields.Integer(), required=True)
    topics = fields.List(fields.String(), required=True, metadata={"description": "Topic slugs."})
    retired = fields.Boolean(required=True)


class LibraryPageSchema(Schema):
    items = fields.List(fields.Nested(MaterialSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class LibraryArgs(Schema):
    q = Text(max_length=200, load_default="", metadata={"description": "Words in title or text."})
    value_id = Id(strict=False)
    priority_id = Id(strict=False)
    topic = Text(max_length=64, load_default="", metadata={"description": "A topic slug."})
    language = fields.String(load_default="", validate=validate.OneOf(["", *materials.LANGUAGES]))
    kind = fields.String(
        load_default="", validate=validate.OneOf(["", *(k.value for k in MaterialKind)])
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class SharedSchema(Schema):
    material = fields.Nested(MaterialSchema, required=True)
    leader_id = fields.Integer(allow_none=True, metadata={"description": "Who shared it."})
    shared_at = fields.AwareDateTime(required=True)


class SharedListSchema(Schema):
    items = fields.List(fields.Nested(SharedSchema), required=True)


class PersonArgs(Schema):
    person_id = Id(strict=False, metadata={"description": "Service tokens: whose."})


def material_json(row: Material) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind.value,
        "description": row.description,
        "language": row.language,
        "url": row.url,
        "has_file": row.has_file,
        "activity_iri": row.iri,
        "value_ids": sorted(v.id for v in row.values),
        "topics": sorted(t.slug for t in row.topics),
        "retired": row.retired_at is not None,
    }


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


@bp.route("", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(LibraryArgs, location="query")
@bp.response(200, LibraryPageSchema)
def library(args: dict[str, Any]) -> dict[str, Any]:
    """The library's current materials, newest first, 20 a page (leaders and L&D)"""
    session = db_session()
    who = grant()
    if who.person_id is not None and not (
        has_role(session, who.person_id, Role.LEADER)
        or has_role(session, who.person_id, Role.LND_ADMIN)
    ):
        raise NotAllowed(_("Only a leader can do this."))
    found = materials.search(
        session,
        materials.LibraryFilter(
            text=args["q"],
            value_id=args.get("value_id"),
            priority_id=args.get("priority_id"),
            topic=args["topic"],
            language=args["language"],
            kind=args["kind"],
            page=args["page"],
        ),
    )
    return {
        "items": [material_json(m) for m in found.rows],
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
    }


@bp.route("/shared", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, SharedListSchema)
def shared(args: dict[str, Any]) -> dict[str, Any]:
    """Materials shared with a person (their learning record), newest share first

    A token limited to teams reads what was shared in those teams."""
    session = db_session()
    who = grant()
    person_id = token_access.person_of(session, who, args.get("person_id"))
    return {
        "items": [
            {
                "material": material_json(s.material),
                "leader_id": s.leader.id if s.leader else None,
                "shared_at": common.aware(s.shared_at),
            }
            for s in materials.shared_with(session, person_id, who.team_ids or None)
        ]
    }


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
