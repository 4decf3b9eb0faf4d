"""API tests run against the page tests' organisation (Team North: Ada leads
Bo, Dee and Eli, Cy is L&D; Team South: Gus leads Hal) with tokens made by
the token service, as the CLI and the token pages make them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from plugin.db import session_scope
from plugin.models import ApiToken, Scope, TokenKind
from plugin.services import tokens
from tests.plugin.views.conftest import World, pages_app, world  # noqa: F401 - fixtures

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
            created_by=None,
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
