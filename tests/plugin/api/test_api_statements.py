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

# Read: the token, the leader's teams, the team's platform, the leader's role
# in the team, the people recorded, the topic, the leader, the owners of the
# statement's identities. Written: the record, its participant, the outbox
# row, the statement's subjects (the leader and the learner: one INSERT on
# PostgreSQL, one per row on SQLite: that is how SQLAlchemy's ORM batches an
# INSERT returning new ids on each), the record's link to its statement.
EXPECTED = {"sqlite": 14, "postgresql": 13}


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
