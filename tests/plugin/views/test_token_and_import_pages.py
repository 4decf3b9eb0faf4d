"""The API token pages (a leader's personal tokens, L&D's service tokens)
and L&D's CSV import page."""

from __future__ import annotations

import io
import re

from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import ApiToken, LeaderLedRecord, Person

from .conftest import World, csrf_token, sign_in


def _secret(html: str) -> str:
    found = re.search(r'id="new-token-value" type="text" readonly value="(llt_[^"]+)"', html)
    assert found, "the new token is not shown"
    return found.group(1)


def test_a_leader_creates_uses_and_revokes_a_personal_token(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    form = {
        "csrf_token": csrf_token(client, "/leader/tokens"),
        "name": "My export",
        "scopes": ["records:read"],
        "days": "30",
    }
    created = client.post("/leader/tokens", data=form)
    assert created.status_code == 200
    secret = _secret(created.get_data(as_text=True))
    assert 'value="My export"' not in created.get_data(as_text=True)  # a fresh form
    assert secret not in client.get("/leader/tokens").get_data(as_text=True)  # shown once
    api = pages_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/records", headers=headers).status_code == 200
    assert api.post("/api/v1/moments", json={}, headers=headers).status_code == 403
    with session_scope(pages_app) as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    gus = sign_in(pages_app, world, "gus")
    stolen = gus.post(
        f"/leader/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(gus, "/leader/tokens")}
    )
    assert stolen.status_code == 404
    revoked = client.post(
        f"/leader/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_token(client, "/leader/tokens")},
    )
    assert revoked.status_code == 303
    assert api.get("/api/v1/records", headers=headers).status_code == 401


def test_a_refused_token_form_stores_nothing(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada", locale="nl")
    form = {
        "csrf_token": csrf_token(client, "/leader/tokens"),
        "name": "",
        "scopes": ["admin"],
        "days": "9999",
    }
    refused = client.post("/leader/tokens", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Er is een probleem" in html
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_l_and_d_creates_a_service_token_for_one_team(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "cy")
    form = {
        "csrf_token": csrf_token(client, "/admin/tokens"),
        "name": "HR sync",
        "scopes": ["records:write", "records:read"],
        "days": "90",
        "teams": [str(world.team)],
    }
    created = client.post("/admin/tokens", data=form)
    assert created.status_code == 200
    secret = _secret(created.get_data(as_text=True))
    api = pages_app.test_client()
    members = api.get(
        f"/api/v1/teams/{world.team}/members", headers={"Authorization": f"Bearer {secret}"}
    )
    assert members.status_code == 200
    south = api.get(
        f"/api/v1/teams/{world.other_team}/members", headers={"Authorization": f"Bearer {secret}"}
    )
    assert south.status_code == 404


def test_l_and_d_imports_a_file_and_sees_errors_per_row(pages_app: Flask, world: World) -> None:
    with session_scope(pages_app) as session:
        for key, person_id in world.people.items():
            session.get_one(Person, person_id).email = f"{key}@example.org"
    client = sign_in(pages_app, world, "cy")
    header = "kind;leader;team;occurred_at;minutes;people;topic"
    bad = f"{header}\ncoaching;ada@example.org;north;2024-02-01 10:00;ten;bo@example.org;products\n"
    shown = client.post(
        "/admin/import/",
        data={
            "csrf_token": csrf_token(client, "/admin/import/"),
            "file": (io.BytesIO(bad.encode("cp1252")), "past.csv"),
        },
        content_type="multipart/form-data",
    )
    assert shown.status_code == 422
    html = shown.get_data(as_text=True)
    assert 'id="import-errors"' in html
    assert "<code>minutes</code>" in html
    good = bad.replace(";ten;", ";30;")
    for expected in ("Imported 1 record.", "1 row was imported before and was skipped."):
        done = client.post(
            "/admin/import/",
            data={
                "csrf_token": csrf_token(client, "/admin/import/"),
                "file": (io.BytesIO(good.encode()), "past.csv"),
            },
            content_type="multipart/form-data",
        )
        assert done.status_code == 200
        assert expected in done.get_data(as_text=True)
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(LeaderLedRecord)) == 1
