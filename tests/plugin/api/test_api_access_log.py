"""Reads through the API are logged like reads on the pages (DESIGN section
9): who read whose record or learning record, marked "through the API", so a
learner sees an HR system's or a leader's script's reads on their page too."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import TokenKind
from plugin.models.privacy import AccessKind, AccessLogEntry, AccessVia
from tests.plugin.views.conftest import World, sign_in

from .conftest import ALL_SCOPES, auth, make_token, moment_body


def entries(app: Flask) -> list[tuple[int | None, str, int, AccessKind, int | None, AccessVia]]:
    with session_scope(app) as session:
        rows = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))
        return [
            (e.viewer_id, e.viewer_role, e.subject_id, e.what, e.record_id, e.via) for e in rows
        ]


def test_a_leaders_token_reading_records_is_logged_for_the_people_named(
    pages_app: Flask, world: World
) -> None:
    ada, bo, dee = world.people["ada"], world.people["bo"], world.people["dee"]
    secret = make_token(pages_app, person=ada)
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments", json=moment_body(world, people=[bo, dee]), headers=auth(secret)
    ).get_json()
    assert entries(pages_app) == []  # recording is not reading

    assert client.get(f"/api/v1/records/{made['id']}", headers=auth(secret)).status_code == 200
    one = [
        (ada, "personal_token", p, AccessKind.RECORD, made["id"], AccessVia.API) for p in (bo, dee)
    ]
    assert entries(pages_app) == one

    listed = client.get("/api/v1/records", headers=auth(secret))
    assert [r["id"] for r in listed.get_json()["items"]] == [made["id"]]
    assert entries(pages_app) == one + one

    # Bo's own page names the read and says it came through the API.
    page = sign_in(pages_app, world, "bo").get("/me/")
    assert page.status_code == 200
    assert "through the API" in page.get_data(as_text=True)


def test_a_service_token_read_is_answered_for_by_the_admin_who_made_it(
    pages_app: Flask, world: World
) -> None:
    bo, cy = world.people["bo"], world.people["cy"]
    secret = make_token(pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES, created_by=cy)
    client = pages_app.test_client()
    response = client.get(f"/api/v1/learning-record?person_id={bo}", headers=auth(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert entries(pages_app) == [
        (cy, "service_token", bo, AccessKind.LEARNING_RECORD, None, AccessVia.API)
    ]


def test_reading_ones_own_learning_record_logs_nothing(pages_app: Flask, world: World) -> None:
    bo = world.people["bo"]
    secret = make_token(pages_app, person=bo, scopes=("records:read",))
    response = pages_app.test_client().get("/api/v1/learning-record", headers=auth(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert entries(pages_app) == []


def test_a_refused_read_logs_nothing(pages_app: Flask, world: World) -> None:
    gus = world.people["gus"]  # leads the other team
    secret = make_token(pages_app, person=gus)
    ada_secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    made = client.post(
        "/api/v1/moments", json=moment_body(world), headers=auth(ada_secret)
    ).get_json()
    assert client.get(f"/api/v1/records/{made['id']}", headers=auth(secret)).status_code == 404
    assert entries(pages_app) == []
