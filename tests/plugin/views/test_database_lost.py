"""A database connection that dies under a request (a restart of the
server) is a 503 asking to try again, not a 500; nothing of that request is
stored, and the next request is served on a new connection. See
plugin.db.ping_when_idle for why a connection may be used without a ping.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

import plugin.db
from plugin.db import get_db, session_scope
from plugin.models import LeaderLedRecord
from tests.plugin.api.conftest import auth, make_token, moment_body
from tests.plugin.postgres_faults import backends, postgres_only, terminate

from .conftest import World, sign_in


def _records(app: Flask) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(LeaderLedRecord)) or 0


def test_a_connection_lost_under_an_api_write_is_a_503_and_the_next_write_works(
    database_url: str, pages_app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_url = postgres_only(database_url)
    monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # never pinged
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    engine = get_db(pages_app).engine
    with backends(engine) as pids:
        first = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert first.status_code == 201, first.get_data(as_text=True)
    terminate(postgres_url, pids)

    lost = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert lost.status_code == 503, lost.get_data(as_text=True)
    assert int(lost.headers["Retry-After"]) >= 1  # ours, or the rate limit's window if later
    assert lost.content_type == "application/problem+json"
    assert "try again" in lost.get_json()["detail"]

    again = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert again.status_code == 201, again.get_data(as_text=True)
    assert _records(pages_app) == 2  # the lost request stored nothing


def _leader_whose_connections_died(
    database_url: str, app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> FlaskClient:
    """ada, signed in, after a page load whose connections the server then ended."""
    postgres_url = postgres_only(database_url)
    monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    leader = sign_in(app, world, "ada")
    with backends(get_db(app).engine) as pids:
        assert leader.get("/library/").status_code == 200
    terminate(postgres_url, pids)
    return leader


def test_a_connection_lost_under_a_page_is_a_503_page_and_the_next_load_works(
    database_url: str, pages_app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = _leader_whose_connections_died(database_url, pages_app, world, monkeypatch)
    lost = leader.get("/library/")
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert "try again" in lost.get_data(as_text=True)
    assert leader.get("/library/").status_code == 200


def test_a_connection_lost_while_rendering_an_error_page_still_gives_that_page(
    database_url: str, pages_app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 405's page is the request's first database use (its language comes from
    the launch session): a dead connection there is not a plain 500."""
    leader = _leader_whose_connections_died(database_url, pages_app, world, monkeypatch)
    refused = leader.delete("/library/")
    assert refused.status_code == 405, refused.get_data(as_text=True)
    assert "This page cannot be used that way" in refused.get_data(as_text=True)
    assert leader.get("/library/").status_code == 200
