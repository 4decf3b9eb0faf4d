"""API tests run against the page tests' organisation (Team North: Ada leads
Bo, Dee and Eli, Cy is L&D; Team South: Gus leads Hal) with tokens made by
the token service, as the CLI and the token pages make them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import ApiToken, OutboxRow, Role, Scope, TokenKind, Trainer
from plugin.services import expectations, materials, tokens
from plugin.services.people import Actor
from statements.templates import match_profile
from statements.validation import validate
from tests.plugin.views.conftest import SITE, World, pages_app, world  # noqa: F401 - fixtures

ALL_SCOPES = tuple(s.value for s in Scope)
LEADER_SCOPES = ("records:write", "records:read", "reports:read")


def make_token(
    app: Flask,
    *,
    kind: TokenKind = TokenKind.PERSONAL,
    person: int | None = None,
    scopes: Sequence[str] = LEADER_SCOPES,
    teams: Sequence[int] = (),
    days: int = 30,
    created_by: int | None = None,
) -> str:
    with session_scope(app) as session:
        made = tokens.create(
            session,
            tokens.TokenInput(
                kind=kind,
                name="test",
                scopes=tuple(scopes),
                days=days,
                person_id=person,
                team_ids=tuple(teams),
            ),
            created_by=created_by,
            now=datetime.now(UTC),
        )
        return made.secret


def expire(app: Flask, secret: str) -> None:
    with session_scope(app) as session:
        for token in session.query(ApiToken).where(ApiToken.token_hash == tokens.digest(secret)):
            token.expires_at = datetime.now(UTC) - timedelta(seconds=1)


def auth(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


def when(hours: float = -1) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def moment_body(org: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "coaching",
        "people": [org.people["bo"]],
        "minutes": 15,
        "occurred_at": when(),
        "topic": "products",
    }
    body.update(changes)
    return body


def session_body(org: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Our new savings account",
        "topic": "products",
        "people": [org.people["bo"], org.people["dee"]],
        "minutes": 60,
        "occurred_at": when(),
    }
    body.update(changes)
    return body


def client_for(app: Flask) -> FlaskClient:
    return app.test_client()


def verbs_of(app: Flask, record_id: int) -> list[str]:
    """The verbs of the statements queued for a record, in order."""
    with session_scope(app) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == record_id).order_by(OutboxRow.id)
        )
        return [json.loads(r.statement_json)["verb"]["id"] for r in rows]


def statements_for(app: Flask, record_id: int) -> list[dict[str, Any]]:
    with session_scope(app) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == record_id).order_by(OutboxRow.id)
        )
        return [json.loads(r.statement_json) for r in rows]


def outbox_count(app: Flask) -> int:
    with session_scope(app) as session:
        return len(session.scalars(select(OutboxRow.id)).all())


def add_material(app: Flask, org: World, title: str = "Coaching guideline") -> int:
    """A library material, added by Cy (L&D) through the library service."""
    with session_scope(app) as session:
        made = materials.create_material(
            session,
            Actor(person_id=org.people["cy"], role=Role.LND_ADMIN),
            materials.MaterialInput(
                title=title, kind="coaching-guideline", language="en", url="https://example.org/g"
            ),
            store=None,
            max_bytes=1000,
            site=SITE,
        )
        return made.id


def add_expectation(app: Flask, org: World, team: int | None = None) -> int:
    with session_scope(app) as session:
        made = expectations.create(
            session,
            Actor(person_id=org.people["cy"], role=Role.LND_ADMIN),
            expectations.ExpectationInput(
                text_en="Run three knowledge sessions a quarter",
                text_nl="Geef drie kennissessies per kwartaal",
                role="trainer",
                team_id=team,
                measure="knowledge_sessions",
                target=3,
                period="quarter",
            ),
            site=SITE,
        )
        return made.id


def make_trainer(app: Flask, person_id: int, capacity: int) -> None:
    with session_scope(app) as session:
        session.add(Trainer(person_id=person_id, capacity=capacity))


def templates_of(app: Flask, record_id: int) -> list[str]:
    """The profile templates the record's queued statements match (valid xAPI each)."""
    found = []
    for statement in statements_for(app, record_id):
        assert validate(statement).ok
        (matched,) = match_profile(statement).matched
        found.append(matched.rsplit("/", 1)[-1])
    return found


def field_errors(response: Any) -> dict[str, str]:
    """A problem+json answer's errors by field."""
    assert response.content_type == "application/problem+json"
    return {e["field"]: e["detail"] for e in response.get_json().get("errors", [])}
