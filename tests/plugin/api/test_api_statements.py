"""How many SQL statements one ``POST /api/v1/moments`` issues (issue 12).

Under load each statement is a round trip and SQLAlchemy work while the
request holds the interpreter; the count is written here so that one more
cannot slip in unseen. A change that needs more must say why by changing
the number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from plugin.db import get_db
from tests.plugin.views.conftest import World

from .conftest import auth, make_token, moment_body

# Read: the token (with its teams), the teams the leader leads with their platforms,
# the leader with the people recorded and their memberships (the leader's
# role checked on the way), the topic. Written: the record, its participant,
# the record's link to its statement (one flush); then the outbox row and the
# statement's subjects (the leader and the learner), each one bulk INSERT
# without reading anything back. The owners of the statement's identities are
# known from building it, so they are not looked up.
EXPECTED = {"sqlite": 9, "postgresql": 9}


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL text of every statement the app's engine runs meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_statements_per_recorded_moment(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    first = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert first.status_code == 201, first.get_data(as_text=True)
    with counted(pages_app) as seen:
        again = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert again.status_code == 201, again.get_data(as_text=True)
    assert len(again.get_json()["statement_ids"]) == 1
    assert len(seen) == EXPECTED[get_db(pages_app).engine.dialect.name], "\n".join(seen)
