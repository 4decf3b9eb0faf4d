"""How many SQL statements one ``POST /lti/launch`` issues (issue 17).

Every statement is a round trip and SQLAlchemy work on the launch's hot
path; the counts are written here so that one more cannot slip in unseen.
A change that needs more must say why by changing the number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from plugin.db import get_db
from plugin.lti import bounds
from plugin.lti_platform.presets import User

from .conftest import LivePlatform, login, register, spec_for, stored

# (first launch of a person, the same person again), per database. The first
# launch here is also the process's first from this platform: one more read
# (the platform's key set URL), made before the launch's transaction so the
# key fetch holds no write lock. PostgreSQL consumes the login and records
# its nonce in one statement; SQLite has no DML in a CTE, so it takes two.
EXPECTED = {
    "sqlite": (11, 5),
    "postgresql": (10, 4),
}


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL text of every statement the app's engines run meanwhile (on
    SQLite a launch's transaction has an engine of its own)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    database = get_db(app)
    engines = {database.engine, database.launch_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _launch(app: Flask, client: FlaskClient, live: LivePlatform, reg: Any, sub: str) -> list[str]:
    spec = spec_for(
        live, reg, user=User(sub=sub, given_name="Ada", family_name="Lovelace"), role="learner"
    )
    started = login(client, live, reg, spec)
    _, form = live.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    with counted(app) as seen:
        response = client.post("/lti/launch", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return seen


def test_statements_per_launch(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The periodic purge of expired rows (every n-th write per process) is
    # not part of a launch's steady cost; it is tested in test_nonces.py.
    monkeypatch.setattr(bounds, "_due", lambda name, cap: False)
    reg = register(tool, moodle)
    first = _launch(tool, tool_client, moodle, reg, "7")
    again = _launch(tool, tool_client, moodle, reg, "7")
    assert stored(tool)["person"] == 1
    assert stored(tool)["lti_launch_session"] == 2
    dialect = get_db(tool).engine.dialect.name
    expected_first, expected_again = EXPECTED[dialect]
    shown = "\n".join(["first:", *first, "again:", *again])
    assert (len(first), len(again)) == (expected_first, expected_again), shown
