"""Goals through the API: set (goal-set queued), marked met (goal-met queued)
or not met (nothing sent), listed; retries answer once; refused input names
its field; nobody reaches another leader's goal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import Goal, Membership, Role, TokenKind
from tests.plugin.views.conftest import World

from .conftest import auth, field_errors, make_token, outbox_count, templates_of
from .test_api_idempotency import _twice_at_once

SOON = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()


def goal_count(app: Flask) -> int:
    with session_scope(app) as session:
        return int(session.scalar(select(func.count()).select_from(Goal)) or 0)


def test_a_leader_sets_a_goal_and_marks_it_met(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/goals", json={"title": "Teach with cases", "due_on": SOON}, headers=auth(secret)
    )
    assert made.status_code == 201, made.get_json()
    goal = made.get_json()
    assert goal["status"] == "open"
    assert goal["person_id"] == world.people["ada"]
    assert goal["team_id"] == world.team
    assert templates_of(pages_app, goal["set_record_id"]) == ["goal-set"]
    met = client.post(
        f"/api/v1/goals/{goal['id']}/result", json={"met": True}, headers=auth(secret)
    )
    assert met.status_code == 200
    assert met.get_json()["status"] == "met"
    assert templates_of(pages_app, met.get_json()["met_record_id"]) == ["goal-met"]
    again = client.post(
        f"/api/v1/goals/{goal['id']}/result", json={"met": False}, headers=auth(secret)
    )
    assert again.status_code == 409
    listed = client.get("/api/v1/goals", headers=auth(secret)).get_json()["items"]
    assert [g["id"] for g in listed] == [goal["id"]]


def test_not_met_stays_here(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    goal = client.post(
        "/api/v1/goals", json={"title": "Teach with cases", "due_on": SOON}, headers=auth(secret)
    ).get_json()
    before = outbox_count(pages_app)
    closed = client.post(
        f"/api/v1/goals/{goal['id']}/result", json={"met": False}, headers=auth(secret)
    )
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "not_met"
    assert closed.get_json()["met_record_id"] is None
    assert outbox_count(pages_app) == before


def test_a_retry_with_the_same_key_sets_one_goal(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    body = {"title": "Teach with cases", "due_on": SOON}
    headers = auth(secret, **{"Idempotency-Key": "goal-1"})
    first = client.post("/api/v1/goals", json=body, headers=headers)
    second = client.post("/api/v1/goals", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert goal_count(pages_app) == 1
    assert outbox_count(pages_app) == 1


def test_refused_input_names_its_field_and_stores_nothing(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    past = client.post(
        "/api/v1/goals", json={"title": "Old", "due_on": "2020-01-01"}, headers=auth(secret)
    )
    assert past.status_code == 422
    assert "today or later" in field_errors(past)["due_on"]
    untitled = client.post(
        "/api/v1/goals", json={"title": " ", "due_on": SOON}, headers=auth(secret)
    )
    assert untitled.status_code == 422
    assert "title" in field_errors(untitled)
    bad_date = client.post(
        "/api/v1/goals", json={"title": "X", "due_on": "31-12-2027"}, headers=auth(secret)
    )
    assert bad_date.status_code == 422
    assert "due_on" in field_errors(bad_date)
    no_met = client.post("/api/v1/goals/1/result", json={}, headers=auth(secret))
    assert no_met.status_code == 422
    assert "met" in field_errors(no_met)
    assert goal_count(pages_app) == 0
    assert outbox_count(pages_app) == 0


def test_nobody_reaches_another_leaders_goal(pages_app: Flask, world: World) -> None:
    ada = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    goal = client.post(
        "/api/v1/goals", json={"title": "Teach with cases", "due_on": SOON}, headers=auth(ada)
    ).get_json()
    gus = make_token(pages_app, person=world.people["gus"])
    south = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.other_team])
    for secret in (gus, south):
        closed = client.post(
            f"/api/v1/goals/{goal['id']}/result", json={"met": True}, headers=auth(secret)
        )
        assert closed.status_code == 404
    assert client.get("/api/v1/goals", headers=auth(gus)).get_json()["items"] == []
    other = client.get(f"/api/v1/goals?person_id={world.people['ada']}", headers=auth(gus))
    assert other.status_code == 404
    # A learner's own token cannot set a goal: goals are a leader's.
    bo = make_token(pages_app, person=world.people["bo"])
    refused = client.post("/api/v1/goals", json={"title": "X", "due_on": SOON}, headers=auth(bo))
    assert refused.status_code == 403
    read_only = make_token(pages_app, person=world.people["ada"], scopes=["records:read"])
    assert (
        client.post(
            "/api/v1/goals", json={"title": "X", "due_on": SOON}, headers=auth(read_only)
        ).status_code
        == 403
    )
    assert goal_count(pages_app) == 1


def test_a_service_token_sets_a_goal_for_a_leader_of_its_team(
    pages_app: Flask, world: World
) -> None:
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    client = pages_app.test_client()
    body = {"title": "Teach with cases", "due_on": SOON}
    missing = client.post("/api/v1/goals", json=body, headers=auth(north))
    assert missing.status_code == 422
    assert "leader_id" in field_errors(missing)
    made = client.post(
        "/api/v1/goals", json={**body, "leader_id": world.people["ada"]}, headers=auth(north)
    )
    assert made.status_code == 201
    outside = client.post(
        "/api/v1/goals", json={**body, "leader_id": world.people["gus"]}, headers=auth(north)
    )
    assert outside.status_code in (403, 404)
    listed = client.get(f"/api/v1/goals?person_id={world.people['ada']}", headers=auth(north))
    assert len(listed.get_json()["items"]) == 1


def test_the_same_goal_sent_twice_at_once_is_set_once(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    body = {"title": "Teach with cases", "due_on": SOON}
    answers = _twice_at_once(
        pages_app, "/api/v1/goals", body, auth(secret, **{"Idempotency-Key": "goal-race"})
    )
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_json() == answers[1].get_json()
    assert goal_count(pages_app) == 1
    assert outbox_count(pages_app) == 1


def test_a_token_limited_to_a_team_lists_only_that_teams_goals(
    pages_app: Flask, world: World
) -> None:
    """Ada leads North and South; a service token of North reads her North
    goal, not the one she set in South."""
    with session_scope(pages_app) as session:
        session.add(
            Membership(person_id=world.people["ada"], team_id=world.other_team, role=Role.LEADER)
        )
    ada = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    for title, team in (("North goal", world.team), ("South goal", world.other_team)):
        body = {"title": title, "due_on": SOON, "team_id": team}
        made = client.post("/api/v1/goals", json=body, headers=auth(ada))
        assert made.status_code == 201, made.get_json()
    query = f"/api/v1/goals?person_id={world.people['ada']}"
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    listed = client.get(query, headers=auth(north)).get_json()["items"]
    assert [g["title"] for g in listed] == ["North goal"]
    everywhere = client.get("/api/v1/goals", headers=auth(ada)).get_json()["items"]
    assert sorted(g["title"] for g in everywhere) == ["North goal", "South goal"]
