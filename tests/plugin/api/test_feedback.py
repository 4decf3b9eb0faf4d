"""Feedback on teaching through the API: a leader asks a colleague about a
session they taught; the colleague gives it with a rating (feedback-given
queued), once; only the two people of a request reach it."""

from __future__ import annotations

from flask import Flask

from plugin.models import TokenKind
from tests.plugin.views.conftest import World

from .conftest import (
    auth,
    field_errors,
    make_token,
    make_trainer,
    outbox_count,
    session_body,
    templates_of,
)


def asked(app: Flask, world: World) -> tuple[int, int, str, str]:
    """Ada taught a session and asked Gus (an experienced trainer) about it."""
    make_trainer(app, world.people["gus"], 2)
    ada = make_token(app, person=world.people["ada"])
    gus = make_token(app, person=world.people["gus"])
    client = app.test_client()
    taught = client.post("/api/v1/sessions", json=session_body(world), headers=auth(ada))
    session_id = taught.get_json()["id"]
    response = client.post(
        "/api/v1/feedback-requests",
        json={"session_id": session_id, "reviewer_id": world.people["gus"], "message": "Honest?"},
        headers=auth(ada),
    )
    assert response.status_code == 201, response.get_json()
    return session_id, response.get_json()["id"], ada, gus


def test_asked_then_given_with_a_rating(pages_app: Flask, world: World) -> None:
    session_id, request_id, ada, gus = asked(pages_app, world)
    client = pages_app.test_client()
    mine = client.get("/api/v1/feedback-requests", headers=auth(ada)).get_json()
    assert [r["id"] for r in mine["made"]] == [request_id]
    assert mine["made"][0]["session_id"] == session_id
    waiting = client.get("/api/v1/feedback-requests", headers=auth(gus)).get_json()
    assert [r["id"] for r in waiting["received"]] == [request_id]
    given = client.post(
        f"/api/v1/feedback-requests/{request_id}/feedback",
        json={"rating": 4, "comment": "Clear examples"},
        headers=auth(gus),
    )
    assert given.status_code == 201, given.get_json()
    record = given.get_json()
    assert record["kind"] == "feedback"
    assert record["rating"] == 4
    assert record["parent_id"] == session_id
    assert templates_of(pages_app, record["id"]) == ["feedback-given"]
    again = client.post(
        f"/api/v1/feedback-requests/{request_id}/feedback", json={"rating": 5}, headers=auth(gus)
    )
    assert again.status_code == 409
    answered = client.get("/api/v1/feedback-requests", headers=auth(ada)).get_json()["made"][0]
    assert answered["feedback_record_id"] == record["id"]


def test_a_retry_gives_once(pages_app: Flask, world: World) -> None:
    _session_id, request_id, _ada, gus = asked(pages_app, world)
    client = pages_app.test_client()
    before = outbox_count(pages_app)
    headers = auth(gus, **{"Idempotency-Key": "fb-1"})
    url = f"/api/v1/feedback-requests/{request_id}/feedback"
    first = client.post(url, json={"rating": 3}, headers=headers)
    second = client.post(url, json={"rating": 3}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert outbox_count(pages_app) == before + 1


def test_refused_input_names_its_field(pages_app: Flask, world: World) -> None:
    session_id, request_id, ada, gus = asked(pages_app, world)
    client = pages_app.test_client()
    before = outbox_count(pages_app)
    for body, field in (
        ({"session_id": session_id, "reviewer_id": world.people["bo"]}, "reviewer"),
        ({"session_id": 999_999, "reviewer_id": world.people["gus"]}, "session"),
        ({"session_id": session_id, "reviewer_id": world.people["gus"]}, "reviewer"),  # again
        ({"session_id": session_id}, "reviewer_id"),
        ({"session_id": "x", "reviewer_id": world.people["gus"]}, "session_id"),
    ):
        response = client.post("/api/v1/feedback-requests", json=body, headers=auth(ada))
        assert response.status_code == 422, (body, response.get_json())
        assert field in field_errors(response), (body, response.get_json())
    url = f"/api/v1/feedback-requests/{request_id}/feedback"
    for body, field in (({"rating": 9}, "rating"), ({"rating": "good"}, "rating"), ({}, "rating")):
        response = client.post(url, json=body, headers=auth(gus))
        assert response.status_code == 422, (body, response.get_json())
        assert field in field_errors(response)
    assert outbox_count(pages_app) == before


def test_only_the_two_people_of_a_request_reach_it(pages_app: Flask, world: World) -> None:
    _session_id, request_id, ada, _gus = asked(pages_app, world)
    client = pages_app.test_client()
    url = f"/api/v1/feedback-requests/{request_id}/feedback"
    # The one who asked cannot answer their own request.
    assert client.post(url, json={"rating": 5}, headers=auth(ada)).status_code == 403
    bo = make_token(pages_app, person=world.people["bo"])
    assert client.post(url, json={"rating": 5}, headers=auth(bo)).status_code == 404
    assert client.get("/api/v1/feedback-requests", headers=auth(bo)).get_json() == {
        "made": [],
        "received": [],
    }
    # A service token of team South does not reach a session of team North.
    south = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.other_team])
    assert client.post(url, json={"rating": 5}, headers=auth(south)).status_code == 404
    # A service token of team North gives it on the reviewer's behalf.
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    given = client.post(url, json={"rating": 5}, headers=auth(north))
    assert given.status_code == 201
    assert given.get_json()["leader_id"] == world.people["gus"]


def test_a_team_limited_token_reads_requests_about_its_teams_sessions_only(
    pages_app: Flask, world: World
) -> None:
    _session_id, request_id, _ada, gus = asked(pages_app, world)  # a North session
    client = pages_app.test_client()
    south_only = make_token(pages_app, person=world.people["gus"], teams=[world.other_team])
    limited = client.get("/api/v1/feedback-requests", headers=auth(south_only)).get_json()
    assert limited == {"made": [], "received": []}
    everything = client.get("/api/v1/feedback-requests", headers=auth(gus)).get_json()
    assert [r["id"] for r in everything["received"]] == [request_id]
