"""A database connection that dies under a launch's validation (a restart
of the server) is a 503 asking to try again, not a 500: the login is
consumed through the driver's cursor (plugin.db.first_row), which must still
hand a lost connection to SQLAlchemy. Nothing was consumed, so the same
launch then goes through on a new connection."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

import plugin.db
from plugin.db import get_db
from tests.plugin.postgres_faults import backends, postgres_only, terminate

from .conftest import LivePlatform, login, register, spec_for, stored


def _form(client: FlaskClient, live: LivePlatform, reg: Any) -> dict[str, str]:
    started = login(client, live, reg, spec_for(live, reg))
    return live.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))[1]


def test_a_connection_lost_under_validation_is_a_503_and_the_launch_then_works(
    database_url: str,
    tool: Flask,
    tool_client: FlaskClient,
    moodle: LivePlatform,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    postgres_url = postgres_only(database_url)
    monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # never pinged
    reg = register(tool, moodle)
    with backends(get_db(tool).checks_engine) as pids:
        first = tool_client.post("/lti/launch", data=_form(tool_client, moodle, reg))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert pids
    form = _form(tool_client, moodle, reg)
    terminate(postgres_url, pids)

    lost = tool_client.post("/lti/launch", data=form)
    assert lost.status_code == 503, lost.get_data(as_text=True)
    assert lost.headers["Retry-After"] == "1"
    assert "try again" in lost.get_data(as_text=True)
    assert stored(tool)["lti_launch_session"] == 1

    again = tool_client.post("/lti/launch", data=form)
    assert again.status_code == 200, again.get_data(as_text=True)
    assert stored(tool)["lti_launch_session"] == 2


def test_a_connection_lost_while_storing_says_to_start_again_from_the_course(
    database_url: str,
    tool: Flask,
    tool_client: FlaskClient,
    moodle: LivePlatform,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Validation has consumed the login by then: the 503 says to start again
    from the course page (posting the same form again is refused as used),
    not the generic "try again"."""
    postgres_url = postgres_only(database_url)
    monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    reg = register(tool, moodle)
    with backends(get_db(tool).launch_engine) as pids:
        first = tool_client.post("/lti/launch", data=_form(tool_client, moodle, reg))
    assert first.status_code == 200, first.get_data(as_text=True)
    form = _form(tool_client, moodle, reg)
    terminate(postgres_url, pids)

    lost = tool_client.post("/lti/launch", data=form)
    assert lost.status_code == 503, lost.get_data(as_text=True)
    assert "Start the launch again from the course page" in lost.get_data(as_text=True)
    again = tool_client.post("/lti/launch", data=form)
    assert again.status_code == 400
    assert "already used" in again.get_data(as_text=True)
    assert stored(tool)["lti_launch_session"] == 1
    fresh = tool_client.post("/lti/launch", data=_form(tool_client, moodle, reg))
    assert fresh.status_code == 200, fresh.get_data(as_text=True)
