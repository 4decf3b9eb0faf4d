"""Trainer pairings through the API: an organisation-wide admin token acts
as the L&D admin who created it; the experienced trainer's capacity holds
(trainer-pairing-assigned queued for each accepted pairing); leaders read
their own pairings and cannot pair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from plugin.models import TokenKind
from tests.plugin.views.conftest import World
from tests.plugin.views.tips_helpers import add_leader

from .conftest import (
    ALL_SCOPES,
    auth,
    field_errors,
    make_token,
    make_trainer,
    outbox_count,
    templates_of,
)

TODAY = datetime.now(UTC).date()


def pairing_body(org: World, new: str = "ada", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "new_trainer_id": org.people[new],
        "experienced_trainer_id": org.people["gus"],
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
    }
    body.update(changes)
    return body


def admin_token(app: Flask, world: World) -> str:
    return make_token(app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES, created_by=world.people["cy"])


def test_l_and_d_pairs_within_capacity(pages_app: Flask, world: World) -> None:
    make_trainer(pages_app, world.people["gus"], 1)
    add_leader(pages_app, world, "ivy", "30", "Ivy Leader")
    secret = admin_token(pages_app, world)
    client = pages_app.test_client()
    made = client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(secret))
    assert made.status_code == 201, made.get_json()
    pairing = made.get_json()
    assert pairing["new_trainer_id"] == world.people["ada"]
    assert templates_of(pages_app, pairing["record_id"]) == ["trainer-pairing-assigned"]
    full = client.post("/api/v1/pairings", json=pairing_body(world, "ivy"), headers=auth(secret))
    assert full.status_code == 422
    assert "1 of 1" in field_errors(full)["experienced_trainer"]
    ada = make_token(pages_app, person=world.people["ada"])
    mine = client.get("/api/v1/pairings", headers=auth(ada)).get_json()["items"]
    assert [p["id"] for p in mine] == [pairing["id"]]
    ended = client.post(f"/api/v1/pairings/{pairing['id']}/end", headers=auth(secret))
    assert ended.status_code == 200
    assert ended.get_json()["ended_at"] is not None
    assert (
        client.post(f"/api/v1/pairings/{pairing['id']}/end", headers=auth(secret)).status_code
        == 409
    )
    assert client.post("/api/v1/pairings/999999/end", headers=auth(secret)).status_code == 404
    # The place is free again.
    again = client.post("/api/v1/pairings", json=pairing_body(world, "ivy"), headers=auth(secret))
    assert again.status_code == 201


def test_a_retry_pairs_once(pages_app: Flask, world: World) -> None:
    make_trainer(pages_app, world.people["gus"], 2)
    secret = admin_token(pages_app, world)
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "pair-1"})
    first = client.post("/api/v1/pairings", json=pairing_body(world), headers=headers)
    second = client.post("/api/v1/pairings", json=pairing_body(world), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert outbox_count(pages_app) == 1


def test_refused_input_names_its_field(pages_app: Flask, world: World) -> None:
    make_trainer(pages_app, world.people["gus"], 2)
    secret = admin_token(pages_app, world)
    client = pages_app.test_client()
    for change, field in (
        ({"experienced_trainer_id": world.people["bo"]}, "experienced_trainer"),
        ({"new_trainer_id": world.people["bo"]}, "new_trainer"),
        ({"ends_on": TODAY.isoformat()}, "ends_on"),
        ({"starts_on": "next week"}, "starts_on"),
        ({"new_trainer_id": None}, "new_trainer_id"),
    ):
        response = client.post(
            "/api/v1/pairings", json=pairing_body(world, **change), headers=auth(secret)
        )
        assert response.status_code == 422, (change, response.get_json())
        assert field in field_errors(response), (change, response.get_json())
    assert outbox_count(pages_app) == 0


def test_only_an_organisation_token_of_l_and_d_pairs(pages_app: Flask, world: World) -> None:
    make_trainer(pages_app, world.people["gus"], 2)
    client = pages_app.test_client()
    ada = make_token(pages_app, person=world.people["ada"])
    assert (
        client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(ada)).status_code
        == 403
    )
    # Admin scope, but created by nobody from L&D (a leader, or the command line).
    for creator in (world.people["ada"], None):
        other = make_token(pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES, created_by=creator)
        refused = client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(other))
        assert refused.status_code == 403
    north = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.team])
    assert (
        client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(north)).status_code
        == 403
    )
    assert outbox_count(pages_app) == 0
