"""On SQLite a launch commits without waiting for the disk (issue 17), and
only a launch does: records and their outbox rows keep ``synchronous=FULL``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text

from plugin.db import Database, get_db

from .conftest import LivePlatform, launch, make_tool_app, register, spec_for, wipe

# What a launch may write: its login, nonce, registration, person and session.
LAUNCH_TABLES = {
    "lti_login_state",
    "lti_used_nonce",
    "lti_deployment",
    "person",
    "person_identifier",
    "team",
    "membership",
    "lti_launch_session",
}
WRITE = re.compile(r"^\s*(?:WITH .*?\)\s*)?(INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)", re.I | re.S)


def _synchronous(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA synchronous")).scalar_one())


@pytest.fixture
def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's commit waits in the server, not in this process")


@pytest.mark.usefixtures("sqlite_only")
def test_only_the_launch_engine_commits_without_waiting_for_the_disk(tool: Flask) -> None:
    database = get_db(tool)
    assert database.launch_engine is not database.engine
    assert _synchronous(database.engine) == 2  # FULL
    assert _synchronous(database.launch_engine) == 1  # NORMAL
    assert _synchronous(database.checks_engine) == 1  # the login consumed as validation starts


@pytest.mark.usefixtures("sqlite_only")
def test_full_makes_launches_wait_like_everything_else(database_url: str) -> None:
    app = make_tool_app(database_url, sqlite_launch_synchronous="full")
    try:
        database = get_db(app)
        assert database.launch_engine is database.engine
        assert _synchronous(database.engine) == 2
        assert _synchronous(database.checks_engine) == 2
    finally:
        wipe(app)


def test_an_unknown_value_is_refused(database_url: str) -> None:
    with pytest.raises(ValueError, match="LEADERLED_SQLITE_LAUNCH_SYNCHRONOUS"):
        Database(database_url, launch_synchronous="off")


@pytest.mark.usefixtures("sqlite_only")
def test_the_launch_engine_writes_only_what_a_launch_stores(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    written: list[str] = []

    def record(*args: Any) -> None:
        match = WRITE.match(str(args[2]))
        if match:
            written.append(match.group(2).lower())

    database = get_db(tool)
    engines = (database.launch_engine, database.checks_engine)
    reg = register(tool, moodle)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert {"lti_login_state", "lti_used_nonce", "lti_launch_session"} <= set(written)
    assert set(written) <= LAUNCH_TABLES
