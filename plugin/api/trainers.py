"""Train-the-trainer (tip 3): sessions a leader attended, feedback asked for
and given on a session they taught, and trainer pairings (L&D), through the
same services and rules as the train-the-trainer and L&D pages."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from plugin.api import common
from plugin.api.auth import grant, requires
from plugin.api.fields import Id, Number, Text, When
from plugin.api.idempotency import PARAMETER, run_write
from plugin.api.schemas import RecordSchema
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.models.people import Role
from plugin.models.trainers import FeedbackRequest, TrainerPairing
from plugin.services import feedback, pairings, token_access, train_the_trainer
from plugin.services.errors import NotFound
from plugin.services.people import Actor

bp = Blueprint(
    "api_trainers",
    __name__,
    url_prefix="/api/v1",
    description="Train-the-trainer: sessions attended, feedback on teaching, trainer pairings.",
)


class ForLeaderSchema(Schema):
    team_id = Id(
        allow_none=True, metadata={"description": "Needed when the leader leads several teams."}
    )
    leader_id = Id(
        allow_none=True, metadata={"description": "Service tokens: the leader it is for."}
    )


class TttInSchema(ForLeaderSchema):
    title = Text(max_length=1000, required=True)
    trainer_id = Id(required=True, metadata={"description": "The person who ran it."})
    minutes = Number(required=True)
    occurred_at = When(required=True)
    notes = Text(load_default="", metadata={"description": "Private: never sent to the LRS."})


class AskInSchema(ForLeaderSchema):
    session_id = Id(required=True, metadata={"description": "A knowledge session you taught."})
    reviewer_id = Id(required=True, metadata={"description": "The colleague asked."})
    message = Text(max_length=10_000, load_default="")


class GiveInSchema(Schema):
    rating = Number(required=True, metadata={"description": "1 to 5."})
    comment = Text(
        load_default="",
        metadata={"description": "Sent to the LRS only if the organisation opted in."},
    )


class FeedbackRequestSchema(Schema):
    id = fields.Integer(required=True)
    requester_id = fields.Integer(required=True)
    reviewer_id = fields.Integer(required=True)
    session_id = fields.Integer(required=True)
    pairing_id = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    feedback_record_id = fields.Integer(allow_none=True)


class FeedbackRequestListSchema(Schema):
    made = fields.List(fields.Nested(FeedbackRequestSchema), required=True)
    received = fields.List(fields.Nested(FeedbackRequestSchema), required=True)


class PairingInSchema(Schema):
    new_trainer_id = Id(required=True)
    experienced_trainer_id = Id(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PairingSchema(Schema):
    id = fields.Integer(required=True)
    new_trainer_id = fields.Integer(required=True)
    experienced_trainer_id = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    registration = fields.String(required=True)
    activity_iri = fields.String(required=True)
    record_id = fields.Integer(allow_none=True)


class PairingListSchema(Schema):
    items = fields.List(fields.Nested(PairingSchema), required=True)


class PersonArgs(Schema):
    person_id = Id(strict=False, metadata={"description": "Service tokens: whose."})


def request_json(row: FeedbackRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "requester_id": row.requester_id,
        "reviewer_id": row.reviewer_id,
        "session_id": row.session_record_id,
        "pairing_id": row.pairing_id,
        "message": row.message,
        "created_at": common.aware(row.created_at),
        "answered_at": common.aware(row.answered_at) if row.answered_at else None,
        "feedback_record_id": row.feedback_record_id,
    }


def pairing_json(row: TrainerPairing) -> dict[str, Any]:
    return {
        "id": row.id,
        "new_trainer_id": row.new_trainer_id,
        "experienced_trainer_id": row.experienced_trainer_id,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "ended_at": common.aware(row.ended_at) if row.ended_at else None,
        "registration": row.registration,
        "activity_iri": row.activity_iri,
        "record_id": row.record_id,
    }


# -- train-the-trainer sessions --------------------------------------------------


@bp.route("/ttt-sessions", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(TttInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def record_ttt(data: dict[str, Any]) -> Response:
    """Record attending a train-the-trainer session"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        row = train_the_trainer.record_ttt(
            session,
            actor,
            train_the_trainer.TttInput(
                data["title"],
                data["trainer_id"],
                data["minutes"],
                data["occurred_at"],
                data.get("notes") or "",
            ),
            pub=common.publishing(session, actor.team_id),
            now=common.now(),
            today=common.today(),
        )
        return common.answer(session, row, 201)

    return run_write(work)


# -- feedback on teaching -------------------------------------------------------


@bp.route("/feedback-requests", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, FeedbackRequestListSchema)
def list_feedback_requests(args: dict[str, Any]) -> dict[str, Any]:
    """Requests for feedback a person made and was asked (only these two see one)

    A token limited to teams reads the requests about those teams' sessions."""
    session = db_session()
    who = grant()
    person_id = token_access.person_of(session, who, args.get("person_id"))
    teams = who.team_ids or None
    return {
        "made": [request_json(r) for r in feedback.requests_made(session, person_id, teams)],
        "received": [
            request_json(r) for r in feedback.requests_received(session, person_id, teams)
        ],
    }


@bp.route("/feedback-requests", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(AskInSchema)
@bp.response(201, FeedbackRequestSchema)
@bp.doc(parameters=[PARAMETER])
def ask_feedback(data: dict[str, Any]) -> Response:
    """Ask a colleague for feedback on a knowledge session you taught"""

    def work(session: Session) -> Response:
        actor = token_access.leader(
            session, grant(), leader_id=data.get("leader_id"), team_id=data.get("team_id")
        )
        row = feedback.ask(
            session,
            actor,
            feedback.AskInput(data["session_id"], data["reviewer_id"], data.get("message") or ""),
            now=common.now(),
            today=common.today(),
        )
        return common.json_response(
            FeedbackRequestSchema().dump(request_json(row)),
            201,
            url_for("api_trainers.list_feedback_requests"),
        )

    return run_write(work)


@bp.route("/feedback-requests/<int(max=2147483647):request_id>/feedback", methods=["POST"])
@requires(Scope.RECORDS_WRITE)
@bp.arguments(GiveInSchema)
@bp.response(201, RecordSchema)
@bp.doc(parameters=[PARAMETER])
def give_feedback(data: dict[str, Any], request_id: int) -> Response:
    """Give the feedback you were asked for, with a rating (recorded as feedback-given)"""

    def work(session: Session) -> Response:
        who = grant()
        asked = session.get(FeedbackRequest, request_id)
        if asked is None or not (
            token_access.reaches(who, asked.reviewer_id, asked.session_record.team_id)
            or token_access.reaches(who, asked.requester_id, asked.session_record.team_id)
        ):
            raise NotFound(_("There is no such request for feedback of yours."))
        # A token for the requester gets the service's "the colleague gives it".
        person_id = who.person_id if who.person_id is not None else asked.reviewer_id
        row = feedback.give(
            session,
            Actor(person_id=person_id, role=Role.LEADER),
            request_id,
            feedback.GiveInput(data["rating"], data.get("comment") or ""),
            pub=common.publishing(session, asked.session_record.team_id),
            now=common.now(),
        )
        return common.answer(session, row, 201)

    return run_write(work)


# -- pairings ---------------------------------------------------------------------


@bp.route("/pairings", methods=["GET"])
@requires(Scope.RECORDS_READ)
@bp.arguments(PersonArgs, location="query")
@bp.response(200, PairingListSchema)
def list_pairings(args: dict[str, Any]) -> dict[str, Any]:
    """A person's trainer pairings, either side, newest first"""
    session = db_session()
    person_id = token_access.person_of(session, grant(), args.get("person_id"))
    return {"items": [pairing_json(p) for p in pairings.pairings_of(session, person_id)]}


@bp.route("/pairings", methods=["POST"])
@requires(Scope.ADMIN)
@bp.arguments(PairingInSchema)
@bp.response(201, PairingSchema)
@bp.doc(parameters=[PARAMETER])
def pair(data: dict[str, Any]) -> Response:
    """Pair a new trainer with an experienced one, within their capacity (L&D)"""

    def work(session: Session) -> Response:
        actor = token_access.lnd_admin(session, grant())
        row = pairings.pair(
            session,
            actor,
            pairings.PairingInput(
                data["new_trainer_id"],
                data["experienced_trainer_id"],
                data["starts_on"],
                data["ends_on"],
            ),
            pub=common.publishing(session, None),
            now=common.now(),
            today=common.today(),
        )
        return common.json_response(
            PairingSchema().dump(pairing_json(row)), 201, url_for("api_trainers.list_pairings")
        )

    return run_write(work)


@bp.route("/pairings/<int(max=2147483647):pairing_id>/end", methods=["POST"])
@requires(Scope.ADMIN)
@bp.response(200, PairingSchema)
@bp.doc(parameters=[PARAMETER])
def end_pairing(pairing_id: int) -> Response:
    """End a pairing before its end date (L&D)"""

    def work(session: Session) -> Response:
        pairings.pairing_by_id(session, pairing_id)  # "not found" before "not yours"
        actor = token_access.lnd_admin(session, grant())
        row = pairings.end_pairing(session, actor, pairing_id, now=common.now())
        return common.json_response(PairingSchema().dump(pairing_json(row)), 200)

    return run_write(work)
