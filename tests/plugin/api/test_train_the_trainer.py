"""Train-the-trainer sessions through the API: recorded with the trainer
(train-the-trainer-attended queued), once per Idempotency-Key; refused
input names its field; only a leader, for a team the token covers."""

from __future__ import annotations

from typing import Any

from flask import Flask

from plugin.models import TokenKind
from tests.plugin.views.conftest import World

from .conftest import auth, field_errors, make_token, outbox_count, templates_of, when


def ttt_body(org: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Giving feedback that lands",
        "trainer_id": org.people["cy"],  # L&D may run one
        "minutes": 90,
        "occurred_at": when(-24),
    }
    body.update(changes)
    return body


def test_a_leader_records_a_ttt_session(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    response = pages_app.test_client().post(
        "/api/v1/ttt-sessions", json=ttt_body(world, notes="Mine"), headers=auth(secret)
    )
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["kind"] == "ttt_session"
    assert made["minutes"] == 90
    assert made["notes"] == "Mine"
    assert {(p["person_id"], p["role"]) for p in made["participants"]} == {
        (world.people["cy"], "experienced_trainer"),
        (world.people["ada"], "new_trainer"),
    }
    assert templates_of(pages_app, made["id"]) == ["train-the-trainer-attended"]


def test_a_retry_records_once(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "ttt-1"})
    body = ttt_body(world)
    first = client.post("/api/v1/ttt-sessions", json=body, headers=headers)
    second = client.post("/api/v1/ttt-sessions", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json()["id"] == first.get_json()["id"]
    assert outbox_count(pages_app) == 1


BAD = [
    ({"trainer_id": "cy"}, "trainer_id", 422),
    ({"trainer_id": 999_999}, "trainer", 422),  # not offered: the service's words
    ({"minutes": 0}, "minutes", 422),
    ({"occurred_at": when(48)}, "occurred_at", 422),
    ({"title": ""}, "title", 422),
]


def test_refused_input_names_its_field_and_stores_nothing(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    for change, field, status in BAD:
        response = client.post(
            "/api/v1/ttt-sessions", json=ttt_body(world, **change), headers=auth(secret)
        )
        assert response.status_code == status, (change, response.get_json())
        assert field in field_errors(response), (change, response.get_json())
    missing = {k: v for k, v in ttt_body(world).items() if k != "minutes"}
    response = client.post("/api/v1/ttt-sessions", json=missing, headers=auth(secret))
    assert response.status_code == 422
    assert "minutes" in field_errors(response)
    assert outbox_count(pages_app) == 0


def test_only_a_leader_for_a_team_the_token_covers(pages_app: Flask, world: World) -> None:
    client = pages_app.test_client()
    bo = make_token(pages_app, person=world.people["bo"])
    assert (
        client.post("/api/v1/ttt-sessions", json=ttt_body(world), headers=auth(bo)).status_code
        == 403
    )
    south = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.other_team])
    refused = client.post(
        "/api/v1/ttt-sessions",
        json=ttt_body(world, leader_id=world.people["ada"], team_id=world.team),
        headers=auth(south),
    )
    assert refused.status_code == 403
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    made = client.post(
        "/api/v1/ttt-sessions",
        json=ttt_body(world, leader_id=world.people["ada"]),
        headers=auth(north),
    )
    assert made.status_code == 201
    assert made.get_json()["leader_id"] == world.people["ada"]
    assert outbox_count(pages_app) == 1
