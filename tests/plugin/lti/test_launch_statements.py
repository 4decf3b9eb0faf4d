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
# (its registration, then cached for a few seconds). Validation consumes the
# login in one statement of its own (autocommit: no BEGIN and COMMIT around
# it); the launch's rows, its used nonce among them, are stored in one
# transaction after it.
EXPECTED = {
    "sqlite": (10, 5),
    "postgresql": (10, 5),
}


AUTOCOMMIT = "[autocommit] "


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL text of every statement the app's engines run meanwhile (a
    launch's validation has an engine of its own, and so has its transaction
    on SQLite), marked when it ran in autocommit mode."""
    seen: list[str] = []

    def record(conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        seen.append((AUTOCOMMIT if _autocommit(conn) else "") + statement)

    database = get_db(app)
    engines = {database.engine, database.launch_engine, database.checks_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _autocommit(conn: Any) -> bool:
    """Whether the driver's connection commits each statement as it runs."""
    driver = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        return driver.isolation_level is None
    return bool(driver.autocommit)


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
    # Validation's statements (consuming the login, then on the first launch
    # reading the registration) commit as they run, so no lock is held while
    # the platform's key set is fetched; what the launch stores commits
    # together, after them.
    for statements, validating in ((first, 2), (again, 1)):
        assert statements[0].startswith(AUTOCOMMIT + "DELETE FROM lti_login_state"), shown
        autocommitted = [s.startswith(AUTOCOMMIT) for s in statements]
        stored_after = len(statements) - validating
        assert autocommitted == [True] * validating + [False] * stored_after, shown
