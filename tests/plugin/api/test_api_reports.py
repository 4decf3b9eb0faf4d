"""``GET /api/v1/reports/indicators``: the L&D figures by the same rules as the
pages (L&D any team, a leader their own, a learner none), never beyond a
token's teams, and bad query input is a 422 problem, not a 500."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from plugin.db import session_scope
from plugin.models import TokenKind
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
)
from tests.plugin.views.conftest import World

from .conftest import ALL_SCOPES, auth, make_token

URL = "/api/v1/reports/indicators"
FEBRUARY = "?period=month&on=2025-02-10"


def _coaching(app: Flask, world: World) -> None:
    """Ada coached Bo for 30 minutes; Gus coached Hal for 20 (February 2025)."""
    with session_scope(app) as session:
        for leader, learner, team, minutes in (
            ("ada", "bo", world.team, 30),
            ("gus", "hal", world.other_team, 20),
        ):
            row = LeaderLedRecord(
                kind=RecordKind.COACHING_MOMENT,
                leader_id=world.people[leader],
                team_id=team,
                occurred_at=datetime(2025, 2, 3, 9, tzinfo=UTC),
                duration_seconds=minutes * 60,
                details={},
            )
            row.participants = [
                RecordParticipant(person_id=world.people[learner], role=ParticipantRole.LEARNER)
            ]
            session.add(row)


def _hours(body: dict) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    return [(k["kind"], k["records"], k["seconds"]) for k in body["hours_by_kind"]]


def test_lnd_sees_the_organisation_and_any_team(pages_app: Flask, world: World) -> None:
    _coaching(pages_app, world)
    client = pages_app.test_client()
    token = make_token(pages_app, person=world.people["cy"])
    whole = client.get(URL + FEBRUARY, headers=auth(token))
    assert whole.status_code == 200, whole.json
    assert _hours(whole.json) == [("coaching_moment", 2, 3000)]
    assert whole.json["scope"]["period"]["start"] == "2025-02-01T00:00:00+00:00"
    south = client.get(f"{URL}{FEBRUARY}&team_id={world.other_team}", headers=auth(token))
    assert _hours(south.json) == [("coaching_moment", 1, 1200)]


def test_a_leader_sees_only_their_team(pages_app: Flask, world: World) -> None:
    _coaching(pages_app, world)
    client = pages_app.test_client()
    token = make_token(pages_app, person=world.people["ada"])
    own = client.get(URL + FEBRUARY, headers=auth(token))
    assert own.status_code == 200
    assert own.json["scope"]["team_ids"] == [world.team]
    assert _hours(own.json) == [("coaching_moment", 1, 1800)]
    other = client.get(f"{URL}{FEBRUARY}&team_id={world.other_team}", headers=auth(token))
    assert other.status_code == 404
    assert other.content_type == "application/problem+json"


def test_a_learner_gets_no_report(pages_app: Flask, world: World) -> None:
    token = make_token(pages_app, person=world.people["bo"], scopes=("reports:read",))
    response = pages_app.test_client().get(URL, headers=auth(token))
    assert response.status_code == 403


def test_a_token_limited_to_a_team_stays_in_it(pages_app: Flask, world: World) -> None:
    _coaching(pages_app, world)
    client = pages_app.test_client()
    # L&D sees every team, but this token of theirs only North.
    admin = make_token(pages_app, person=world.people["cy"], teams=[world.team])
    found = client.get(URL + FEBRUARY, headers=auth(admin))
    assert found.json["scope"]["team_ids"] == [world.team]
    assert _hours(found.json) == [("coaching_moment", 1, 1800)]
    south = client.get(f"{URL}{FEBRUARY}&team_id={world.other_team}", headers=auth(admin))
    assert south.status_code == 404
    service = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=("reports:read",), teams=[world.team]
    )
    limited = client.get(URL + FEBRUARY, headers=auth(service))
    assert _hours(limited.json) == [("coaching_moment", 1, 1800)]
    wide = make_token(pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES)
    everything = client.get(URL + FEBRUARY, headers=auth(wide))
    assert everything.json["scope"]["team_ids"] is None


def test_bad_query_input_is_a_422_problem(pages_app: Flask, world: World) -> None:
    client = pages_app.test_client()
    token = make_token(pages_app, person=world.people["cy"])
    for query in (
        "?period=decade",
        "?from=2025-01-01",
        "?from=2025-02-01&to=2025-01-01",
        "?on=yesterday",
        "?kind=teleporting",
        "?team_id=north",
    ):
        response = client.get(URL + query, headers=auth(token))
        assert response.status_code == 422, (query, response.json)
        assert response.content_type == "application/problem+json"
    custom = client.get(URL + "?from=2025-02-01&to=2025-02-28", headers=auth(token))
    assert custom.json["scope"]["period"]["end"] == "2025-03-01T00:00:00+00:00"
