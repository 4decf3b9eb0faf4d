"""Every API route and scope: no token or a dead one is a 401, a token
without the scope a 403, and a token never reads or writes outside its
person or teams (what it may not see is "not found", as on the pages)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import ApiToken, LeaderLedRecord, Membership, Role, Scope, TokenKind
from plugin.services import tokens
from plugin.services.errors import Invalid
from tests.plugin.views.conftest import World, counts
from tests.plugin.views.test_route_authorization import SCOPES

from .conftest import ALL_SCOPES, auth, expire, make_token, moment_body, session_body


def _api_requests(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SCOPES:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int(max=2147483647):{name}>", "1").replace(f"<{name}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


def test_no_token_a_wrong_one_an_expired_or_a_revoked_one_is_401(
    pages_app: Flask, world: World
) -> None:
    expired = make_token(pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES)
    expire(pages_app, expired)
    revoked = make_token(pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES)
    with session_scope(pages_app) as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(revoked)))
        assert row is not None
        tokens.revoke(session, row, datetime.now(UTC))
    client = pages_app.test_client()
    for headers in (
        {},
        {"Authorization": "Basic YTpi"},
        auth("llt_not-a-token"),
        auth(expired),
        auth(revoked),
    ):
        for endpoint, method, path in _api_requests(pages_app):
            response = client.open(path, method=method, headers=headers, json={})
            assert response.status_code == 401, (endpoint, method, headers)
            assert response.content_type == "application/problem+json"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("scope", [s.value for s in Scope])
def test_a_token_without_the_scope_is_403_and_with_it_passes_the_gate(
    pages_app: Flask, world: World, scope: str
) -> None:
    holder = make_token(pages_app, kind=TokenKind.SERVICE, scopes=[scope])
    client = pages_app.test_client()
    for endpoint, method, path in _api_requests(pages_app):
        response = client.open(path, method=method, headers=auth(holder), json={})
        needed = SCOPES[endpoint]
        if needed is None or needed == scope:
            assert response.status_code not in (401, 403), (endpoint, method, scope)
            assert response.status_code < 500, (endpoint, method, scope)
        else:
            assert response.status_code == 403, (endpoint, method, scope)
            assert needed in response.get_json()["detail"]


def _ada_moment(app: Flask, world: World) -> int:
    secret = make_token(app, person=world.people["ada"])
    made = app.test_client().post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert made.status_code == 201
    return int(made.get_json()["id"])


def test_another_leader_never_reads_or_changes_ada_s_record(pages_app: Flask, world: World) -> None:
    record_id = _ada_moment(pages_app, world)
    gus = make_token(pages_app, person=world.people["gus"])
    client = pages_app.test_client()
    before = counts(pages_app)
    assert client.get(f"/api/v1/records/{record_id}", headers=auth(gus)).status_code == 404
    assert client.get("/api/v1/records", headers=auth(gus)).get_json()["items"] == []
    changed = client.put(
        f"/api/v1/moments/{record_id}",
        json=moment_body(world, people=[world.people["hal"]]),
        headers=auth(gus),
    )
    assert changed.status_code == 404
    assert client.delete(f"/api/v1/records/{record_id}", headers=auth(gus)).status_code == 404
    assert counts(pages_app) == before
    # Gus may not record for Ada's team, nor name its people.
    refused = client.post(
        "/api/v1/moments", json=moment_body(world, team_id=world.team), headers=auth(gus)
    )
    assert refused.status_code == 403
    assert client.get(f"/api/v1/teams/{world.team}/members", headers=auth(gus)).status_code == 404


def test_a_learner_token_reads_only_its_own(pages_app: Flask, world: World) -> None:
    _ada_moment(pages_app, world)
    bo = make_token(pages_app, person=world.people["bo"])
    client = pages_app.test_client()
    assert client.get("/api/v1/records", headers=auth(bo)).get_json()["items"] == []
    assert client.get(f"/api/v1/teams/{world.team}/members", headers=auth(bo)).status_code == 404
    other = client.get(
        "/api/v1/learning-record",
        query_string={"person_id": world.people["dee"]},
        headers=auth(bo),
    )
    assert other.status_code == 404
    # A learner records nothing as a leader.
    assert (
        client.post("/api/v1/moments", json=moment_body(world), headers=auth(bo)).status_code == 403
    )


def test_a_team_limited_service_token_stays_in_its_teams(pages_app: Flask, world: World) -> None:
    record_id = _ada_moment(pages_app, world)
    south = make_token(
        pages_app,
        kind=TokenKind.SERVICE,
        scopes=("records:read", "records:write"),
        teams=[world.other_team],
    )
    north = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=("records:read",), teams=[world.team]
    )
    client = pages_app.test_client()
    assert client.get(f"/api/v1/records/{record_id}", headers=auth(south)).status_code == 404
    assert client.get("/api/v1/records", headers=auth(south)).get_json()["items"] == []
    listed = client.get("/api/v1/records", headers=auth(north)).get_json()["items"]
    assert [item["id"] for item in listed] == [record_id]
    assert listed[0]["notes"] is None  # private notes are their writer's only
    assert client.delete(f"/api/v1/records/{record_id}", headers=auth(south)).status_code == 404
    foreign = client.post(
        "/api/v1/sessions",
        json=session_body(world, leader_id=world.people["ada"], team_id=world.team),
        headers=auth(south),
    )
    assert foreign.status_code == 403
    learning = client.get(
        "/api/v1/learning-record",
        query_string={"person_id": world.people["bo"]},
        headers=auth(south),
    )
    assert learning.status_code == 404


def test_a_person_limited_service_token_acts_for_that_person_only(
    pages_app: Flask, world: World
) -> None:
    record_id = _ada_moment(pages_app, world)
    for_bo = make_token(
        pages_app,
        kind=TokenKind.SERVICE,
        scopes=("records:read", "records:write"),
        person=world.people["bo"],
    )
    client = pages_app.test_client()
    other = client.post(
        f"/api/v1/records/{record_id}/confirmation",
        json={"rating": 3, "person_id": world.people["dee"]},
        headers=auth(for_bo),
    )
    assert other.status_code == 404
    mine = client.post(
        f"/api/v1/records/{record_id}/confirmation", json={"rating": 3}, headers=auth(for_bo)
    )
    assert mine.status_code == 201
    assert mine.get_json()["leader_id"] == world.people["bo"]


def test_admin_needs_an_organisation_wide_token(pages_app: Flask, world: World) -> None:
    with session_scope(pages_app) as session, pytest.raises(Invalid) as refused:
        tokens.create(
            session,
            tokens.TokenInput(
                kind=TokenKind.SERVICE, name="x", scopes=("admin",), team_ids=(world.team,)
            ),
            created_by=None,
            now=datetime.now(UTC),
        )
    assert "whole organisation" in refused.value.errors["scopes"]
    with session_scope(pages_app) as session, pytest.raises(Invalid) as personal:
        tokens.create(
            session,
            tokens.TokenInput(
                kind=TokenKind.PERSONAL, name="x", scopes=("admin",), person_id=world.people["ada"]
            ),
            created_by=None,
            now=datetime.now(UTC),
        )
    assert personal.value.errors == {"scopes": "Choose scopes from the list offered."}


def test_a_token_is_stored_hashed_and_its_last_use_recorded(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    with session_scope(pages_app) as session:
        (row,) = session.scalars(select(ApiToken))
        assert secret not in (row.token_hash, row.hint, row.name)
        assert row.token_hash == tokens.digest(secret)
        assert row.last_used_at is None
    assert pages_app.test_client().get("/api/v1/me", headers=auth(secret)).status_code == 200
    with session_scope(pages_app) as session:
        (row,) = session.scalars(select(ApiToken))
        assert row.last_used_at is not None
        assert session.scalar(select(LeaderLedRecord.id)) is None


def test_rate_limit_answers_429_with_retry_after(pages_app: Flask, world: World) -> None:
    pages_app.config["LEADERLED"] = pages_app.config["LEADERLED"].merged(
        {"api_rate_limit": "3 per minute"}
    )
    secret = make_token(pages_app, person=world.people["ada"])
    other = make_token(pages_app, person=world.people["gus"])
    client = pages_app.test_client()
    codes = [client.get("/api/v1/me", headers=auth(secret)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/me", headers=auth(secret))
    assert limited.content_type == "application/problem+json"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/me", headers=auth(other)).status_code == 200  # per token


def test_a_token_limited_to_two_teams_reaches_both(pages_app: Flask, world: World) -> None:
    both = make_token(
        pages_app,
        kind=TokenKind.SERVICE,
        scopes=("records:read",),
        teams=[world.team, world.other_team],
    )
    client = pages_app.test_client()
    for team in (world.team, world.other_team):
        found = client.get(f"/api/v1/teams/{team}/members", headers=auth(both))
        assert found.status_code == 200
    me = client.get("/api/v1/me", headers=auth(both)).get_json()
    assert sorted(me["team_ids"]) == sorted([world.team, world.other_team])


def test_a_team_limited_token_reads_no_teaching_of_a_leader_outside_its_teams(
    pages_app: Flask, world: World
) -> None:
    gus = make_token(pages_app, person=world.people["gus"])  # Gus leads South only
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]], minutes=45),
        headers=auth(gus),
    )
    assert made.status_code == 201
    north = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=(Scope.REPORTS_READ,), teams=[world.team]
    )
    answer = client.get(
        "/api/v1/reports/teaching",
        query_string={"leader_id": world.people["gus"]},
        headers=auth(north),
    )
    assert answer.status_code == 404, answer.get_json()
    assert "45" not in answer.get_data(as_text=True)
    # Organisation-wide, the same question is answered.
    everyone = make_token(pages_app, kind=TokenKind.SERVICE, scopes=(Scope.REPORTS_READ,))
    found = client.get(
        "/api/v1/reports/teaching",
        query_string={"leader_id": world.people["gus"]},
        headers=auth(everyone),
    ).get_json()
    assert found["month"] == [{"kind": "coaching_moment", "count": 1, "minutes": 45}]


def test_a_token_its_person_limited_to_one_team_reads_no_records_of_another(
    pages_app: Flask, world: World
) -> None:
    with session_scope(pages_app) as session:  # Gus leads North as well as South
        session.add(Membership(person_id=world.people["gus"], team_id=world.team, role=Role.LEADER))
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]], team_id=world.other_team),
        headers=auth(make_token(pages_app, person=world.people["gus"])),
    )
    assert made.status_code == 201, made.get_json()
    south_record = made.get_json()["id"]
    north_only = make_token(pages_app, person=world.people["gus"], teams=[world.team])
    assert (
        client.get(f"/api/v1/records/{south_record}", headers=auth(north_only)).status_code == 404
    )
    listed = client.get("/api/v1/records", headers=auth(north_only)).get_json()["items"]
    assert south_record not in [r["id"] for r in listed]
    everywhere = make_token(pages_app, person=world.people["gus"])
    assert (
        client.get(f"/api/v1/records/{south_record}", headers=auth(everywhere)).status_code == 200
    )


def test_a_team_limited_token_reads_a_learning_record_within_its_teams(
    pages_app: Flask, world: World
) -> None:
    with session_scope(pages_app) as session:  # Hal (South) is in North too
        session.add(
            Membership(person_id=world.people["hal"], team_id=world.team, role=Role.LEARNER)
        )
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]], title="North-only coaching"),
        headers=auth(make_token(pages_app, person=world.people["ada"])),
    )
    assert made.status_code == 201, made.get_json()

    def titles(token: str) -> list[str]:
        record = client.get(
            "/api/v1/learning-record",
            query_string={"person_id": world.people["hal"]},
            headers=auth(token),
        )
        assert record.status_code == 200, record.get_json()
        return [e["title"] for e in record.get_json()["leader_led"]]

    south = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=(Scope.RECORDS_READ,), teams=[world.other_team]
    )
    north = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=(Scope.RECORDS_READ,), teams=[world.team]
    )
    assert titles(south) == []
    assert titles(north) == ["North-only coaching"]


def test_a_team_limited_token_reads_a_leader_s_teaching_in_its_teams_only(
    pages_app: Flask, world: World
) -> None:
    client = pages_app.test_client()
    made = client.post(  # Gus (South) coaches Hal in South
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]], minutes=45),
        headers=auth(make_token(pages_app, person=world.people["gus"])),
    )
    assert made.status_code == 201
    north = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=(Scope.REPORTS_READ,), teams=[world.team]
    )
    named = client.get(  # North named, although Gus does not lead it
        "/api/v1/reports/teaching",
        query_string={"leader_id": world.people["gus"], "team_id": world.team},
        headers=auth(north),
    ).get_json()
    assert (named["month"], named["quarter"], named["reached_this_quarter"]) == ([], [], 0)
    with session_scope(pages_app) as session:  # now Gus leads North as well
        session.add(Membership(person_id=world.people["gus"], team_id=world.team, role=Role.LEADER))
    unnamed = client.get(
        "/api/v1/reports/teaching",
        query_string={"leader_id": world.people["gus"]},
        headers=auth(north),
    ).get_json()
    assert (unnamed["month"], unnamed["reached_this_quarter"]) == ([], 0)


def test_a_token_limited_to_a_team_its_person_no_longer_leads_still_reads_their_own_records(
    pages_app: Flask, world: World
) -> None:
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]]),
        headers=auth(make_token(pages_app, person=world.people["gus"])),
    )
    assert made.status_code == 201
    south_only = make_token(pages_app, person=world.people["gus"], teams=[world.other_team])
    with session_scope(pages_app) as session:  # Gus stays in South, as a learner
        membership = session.scalars(
            select(Membership).where(
                Membership.person_id == world.people["gus"],
                Membership.team_id == world.other_team,
            )
        ).one()
        membership.role = Role.LEARNER
    found = client.get(f"/api/v1/records/{made.get_json()['id']}", headers=auth(south_only))
    assert found.status_code == 200, found.get_json()
