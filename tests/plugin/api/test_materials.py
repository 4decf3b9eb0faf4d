"""Library materials through the API: a leader's use (material-used, once a
day) and a share with the team or chosen learners (material-shared, the
learners as participants); retries record once; refusals name their field."""

from __future__ import annotations

from flask import Flask

from plugin.db import session_scope
from plugin.models import Membership, Role, TokenKind
from tests.plugin.views.conftest import World

from .conftest import add_material, auth, field_errors, make_token, outbox_count, templates_of


def test_a_leader_uses_a_material_once_a_day(pages_app: Flask, world: World) -> None:
    material = add_material(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    used = client.post(f"/api/v1/materials/{material}/uses", json={}, headers=auth(secret))
    assert used.status_code == 201, used.get_json()
    record = used.get_json()
    assert record["kind"] == "material_used"
    assert templates_of(pages_app, record["id"]) == ["material-used"]
    again = client.post(f"/api/v1/materials/{material}/uses", json={}, headers=auth(secret))
    assert again.status_code == 204
    assert outbox_count(pages_app) == 1


def test_sharing_with_the_team_and_with_chosen_people(pages_app: Flask, world: World) -> None:
    material = add_material(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    url = f"/api/v1/materials/{material}/shares"
    team = client.post(url, json={"audience": "team"}, headers=auth(secret))
    assert team.status_code == 201, team.get_json()
    assert {p["person_id"] for p in team.get_json()["participants"]} == {
        world.people[k] for k in ("bo", "dee", "eli")
    }
    assert templates_of(pages_app, team.get_json()["id"]) == ["material-shared"]
    chosen = client.post(
        url, json={"audience": "people", "people": [world.people["bo"]]}, headers=auth(secret)
    )
    assert chosen.status_code == 201
    assert [p["person_id"] for p in chosen.get_json()["participants"]] == [world.people["bo"]]


def test_a_retry_shares_once(pages_app: Flask, world: World) -> None:
    material = add_material(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "share-1"})
    url = f"/api/v1/materials/{material}/shares"
    first = client.post(url, json={"audience": "team"}, headers=headers)
    second = client.post(url, json={"audience": "team"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert outbox_count(pages_app) == 1


def test_refused_input_names_its_field(pages_app: Flask, world: World) -> None:
    material = add_material(pages_app, world)
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    url = f"/api/v1/materials/{material}/shares"
    for body, field in (
        ({"audience": "everyone"}, "audience"),
        ({"audience": "people", "people": []}, "people"),
        ({"audience": "people", "people": [world.people["hal"]]}, "people"),
        ({"audience": "people", "people": ["bo"]}, "people.0"),
        ({}, "audience"),
    ):
        response = client.post(url, json=body, headers=auth(secret))
        assert response.status_code == 422, (body, response.get_json())
        assert field in field_errors(response), (body, response.get_json())
    assert outbox_count(pages_app) == 0


def test_who_may_use_and_share(pages_app: Flask, world: World) -> None:
    material = add_material(pages_app, world)
    client = pages_app.test_client()
    bo = make_token(pages_app, person=world.people["bo"])
    assert (
        client.post(f"/api/v1/materials/{material}/uses", json={}, headers=auth(bo)).status_code
        == 403
    )
    ada = make_token(pages_app, person=world.people["ada"])
    assert (
        client.post("/api/v1/materials/999999/uses", json={}, headers=auth(ada)).status_code == 404
    )
    south = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.other_team])
    refused = client.post(
        f"/api/v1/materials/{material}/shares",
        json={"audience": "team", "leader_id": world.people["ada"], "team_id": world.team},
        headers=auth(south),
    )
    assert refused.status_code == 403
    gus = client.post(
        f"/api/v1/materials/{material}/shares",
        json={"audience": "team", "leader_id": world.people["gus"]},
        headers=auth(south),
    )
    assert gus.status_code == 201
    assert [p["person_id"] for p in gus.get_json()["participants"]] == [world.people["hal"]]


def test_the_library_and_what_was_shared_with_me(pages_app: Flask, world: World) -> None:
    guideline = add_material(pages_app, world)
    add_material(pages_app, world, title="Best practice for onboarding")
    ada = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    found = client.get("/api/v1/materials?q=onboarding", headers=auth(ada)).get_json()
    assert [m["title"] for m in found["items"]] == ["Best practice for onboarding"]
    assert (found["total"], found["page"], found["pages"]) == (1, 1, 1)
    everything = client.get("/api/v1/materials", headers=auth(ada)).get_json()
    assert everything["total"] == 2
    bad = client.get("/api/v1/materials?language=xx", headers=auth(ada))
    assert bad.status_code == 422
    assert "language" in field_errors(bad)
    bo = make_token(pages_app, person=world.people["bo"])
    assert client.get("/api/v1/materials", headers=auth(bo)).status_code == 403
    assert client.get("/api/v1/materials/shared", headers=auth(bo)).get_json()["items"] == []
    shared = client.post(
        f"/api/v1/materials/{guideline}/shares",
        json={"audience": "people", "people": [world.people["bo"]]},
        headers=auth(ada),
    )
    assert shared.status_code == 201
    (mine,) = client.get("/api/v1/materials/shared", headers=auth(bo)).get_json()["items"]
    assert mine["material"]["id"] == guideline
    assert mine["leader_id"] == world.people["ada"]
    dee = make_token(pages_app, person=world.people["dee"])
    assert client.get("/api/v1/materials/shared", headers=auth(dee)).get_json()["items"] == []
    south = make_token(pages_app, kind=TokenKind.SERVICE, teams=[world.other_team])
    other = client.get(
        f"/api/v1/materials/shared?person_id={world.people['bo']}", headers=auth(south)
    )
    assert other.status_code == 404


def test_a_team_limited_token_reads_what_was_shared_in_its_teams_only(
    pages_app: Flask, world: World
) -> None:
    guideline = add_material(pages_app, world)
    with session_scope(pages_app) as session:  # Bo (North) is in South too
        session.add(
            Membership(person_id=world.people["bo"], team_id=world.other_team, role=Role.LEARNER)
        )
    client = pages_app.test_client()
    shared = client.post(  # Ada shares in North
        f"/api/v1/materials/{guideline}/shares",
        json={"audience": "people", "people": [world.people["bo"]]},
        headers=auth(make_token(pages_app, person=world.people["ada"])),
    )
    assert shared.status_code == 201

    def items(teams: list[int]) -> list[int]:
        token = make_token(pages_app, kind=TokenKind.SERVICE, teams=teams)
        found = client.get(
            f"/api/v1/materials/shared?person_id={world.people['bo']}", headers=auth(token)
        )
        assert found.status_code == 200, found.get_json()
        return [item["material"]["id"] for item in found.get_json()["items"]]

    assert items([world.other_team]) == []
    assert items([world.team]) == [guideline]
