"""Expectations through the API: listed with progress from the leader's
records, acknowledged once (expectations-acknowledged queued), retried
without a second record, refused for people it does not apply to."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import ExpectationAcknowledgement, TokenKind
from tests.plugin.views.conftest import World

from .conftest import (
    add_expectation,
    auth,
    field_errors,
    make_token,
    outbox_count,
    session_body,
    templates_of,
)


def acks(app: Flask) -> int:
    with session_scope(app) as session:
        found = session.scalar(select(func.count()).select_from(ExpectationAcknowledgement))
        return int(found or 0)


def test_a_leader_sees_progress_and_acknowledges(pages_app: Flask, world: World) -> None:
    expectation = add_expectation(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    assert (
        client.post("/api/v1/sessions", json=session_body(world), headers=auth(secret)).status_code
        == 201
    )
    (listed,) = client.get("/api/v1/expectations", headers=auth(secret)).get_json()["items"]
    assert listed["id"] == expectation
    assert listed["acknowledged_at"] is None
    assert listed["progress"] == {
        "done": 1,
        "target": 3,
        "measure": "knowledge_sessions",
        "period": "quarter",
        "met": False,
    }
    made = client.post(
        f"/api/v1/expectations/{expectation}/acknowledgement", json={}, headers=auth(secret)
    )
    assert made.status_code == 201, made.get_json()
    record = made.get_json()
    assert record["kind"] == "expectation_acknowledged"
    assert templates_of(pages_app, record["id"]) == ["expectations-acknowledged"]
    (listed,) = client.get("/api/v1/expectations", headers=auth(secret)).get_json()["items"]
    assert listed["acknowledged_at"] is not None
    twice = client.post(
        f"/api/v1/expectations/{expectation}/acknowledgement", json={}, headers=auth(secret)
    )
    assert twice.status_code == 409
    assert acks(pages_app) == 1


def test_a_retry_acknowledges_once(pages_app: Flask, world: World) -> None:
    expectation = add_expectation(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "ack-1"})
    url = f"/api/v1/expectations/{expectation}/acknowledgement"
    first = client.post(url, json={}, headers=headers)
    second = client.post(url, json={}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert acks(pages_app) == 1
    assert outbox_count(pages_app) == 1


def test_refused_and_unreachable_expectations(pages_app: Flask, world: World) -> None:
    south_only = add_expectation(pages_app, world, team=world.other_team)
    ada = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    # Team South's expectation does not apply to Ada: "not found", as on her page.
    assert (
        client.post(
            f"/api/v1/expectations/{south_only}/acknowledgement", json={}, headers=auth(ada)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/expectations", headers=auth(ada)).get_json()["items"] == []
    bad = client.post(
        f"/api/v1/expectations/{south_only}/acknowledgement",
        json={"team_id": "north"},
        headers=auth(ada),
    )
    assert bad.status_code == 422
    assert "team_id" in field_errors(bad)
    # A learner is expected nothing as a teacher.
    bo = make_token(pages_app, person=world.people["bo"])
    assert client.get("/api/v1/expectations", headers=auth(bo)).status_code == 403
    assert (
        client.post(
            f"/api/v1/expectations/{south_only}/acknowledgement", json={}, headers=auth(bo)
        ).status_code
        == 403
    )
    # A service token of team North reads Ada's, not Gus's, and must name whose.
    north_token = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    unnamed = client.get("/api/v1/expectations", headers=auth(north_token))
    assert unnamed.status_code == 422
    assert "person_id" in field_errors(unnamed)
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    assert (
        client.get(
            f"/api/v1/expectations?person_id={world.people['ada']}", headers=auth(north)
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/expectations?person_id={world.people['gus']}", headers=auth(north)
        ).status_code
        == 404
    )
    gus = make_token(pages_app, person=world.people["gus"])
    made = client.post(
        f"/api/v1/expectations/{south_only}/acknowledgement", json={}, headers=auth(gus)
    )
    assert made.status_code == 201
    assert acks(pages_app) == 1
