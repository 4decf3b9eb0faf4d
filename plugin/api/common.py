"""What every API resource needs: the session, "now", how statements are
written for a team, and a record as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from flask import Response, current_app, url_for
from sqlalchemy.orm import Session

from plugin.api.schemas import RecordSchema
from plugin.config import Settings
from plugin.models.api import TokenKind
from plugin.models.privacy import AccessKind
from plugin.models.records import LeaderLedRecord
from plugin.services.privacy import access_log
from plugin.services.publishing import Publishing, publishing_for_team
from plugin.services.record_queries import Delivery, DeliveryState
from plugin.services.token_access import Grant


def settings() -> Settings:
    found: Settings = current_app.config["LEADERLED"]
    return found


def now() -> datetime:
    return datetime.now(UTC)


def publishing(session: Session, team_id: int | None) -> Publishing:
    return publishing_for_team(session, settings(), team_id)


def today() -> date:
    return now().date()


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite drops it)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_json(
    row: LeaderLedRecord, delivery: DeliveryState, viewer_id: int | None
) -> dict[str, Any]:
    """A record for the API; private notes only for the person who wrote them."""
    details = row.details or {}
    return {
        "id": row.id,
        "kind": row.kind.value,
        "state": row.state.value,
        "leader_id": row.leader_id,
        "team_id": row.team_id,
        "title": row.title,
        "topic": row.topic,
        "value_id": row.company_value_id,
        "occurred_at": aware(row.occurred_at),
        "minutes": (row.duration_seconds // 60) if row.duration_seconds is not None else None,
        "rating": row.rating,
        "parent_id": row.parent_id,
        "activity_iri": row.activity_iri,
        "material_title": details.get("material_title"),
        "material_url": details.get("material_url"),
        "notes": row.notes if viewer_id is not None and viewer_id == row.leader_id else None,
        "participants": [
            {"person_id": p.person_id, "role": p.role.value} for p in row.participants
        ],
        "statement_ids": row.current_statement_ids(),
        "delivery": {"state": delivery.state.value, "reason": delivery.reason},
    }


def json_response(payload: Any, status: int = 200, location: str | None = None) -> Response:
    response = Response(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json"
    )
    if location:
        response.headers["Location"] = location
    return response


#: One schema for every answer: making one copies its fields each time.
_RECORD_SCHEMA = RecordSchema()


def answer(session: Session, row: LeaderLedRecord, status: int) -> Response:
    """A record just written, as its owner sees it, with its Location.

    Its statements were queued in this transaction, so it waits for the LRS.
    """
    session.flush()
    delivery = DeliveryState(Delivery.WAITING)
    return json_response(
        _RECORD_SCHEMA.dump(record_json(row, delivery, row.leader_id)),
        status,
        url_for("api_records.get_record", record_id=row.id),
    )


def log_record_reads(session: Session, who: Grant, rows: Sequence[LeaderLedRecord]) -> None:
    """Log, as the pages do, that the token's holder read records naming
    other people (DESIGN section 9), and commit the log."""
    for row in rows:
        named = [p.person_id for p in row.participants] + [row.leader_id]
        access_log.log_token_views(
            session, who.kind, accountable(who), named, AccessKind.RECORD, record_id=row.id
        )
    session.commit()


def accountable(who: Grant) -> int | None:
    """Who answers for a read through ``who``: a personal token's person, or
    the L&D admin who created a service token."""
    return who.person_id if who.kind is TokenKind.PERSONAL else who.created_by
