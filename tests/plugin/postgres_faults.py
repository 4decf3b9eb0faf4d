"""Ending PostgreSQL connections from the server side, as a restart or an
idle-connection reaper does (pg_terminate_backend)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url


def postgres_only(database_url: str) -> str:
    """The URL, when the suite runs on PostgreSQL; skips the test otherwise."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connections to lose")
    return database_url


def terminate(url: str, pids: set[int]) -> None:
    """End these server processes from a connection of our own, as the
    server does when it restarts."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@contextmanager
def backends(engine: Engine) -> Iterator[set[int]]:
    """The server process ids of the connections the engine hands out meanwhile."""
    seen: set[int] = set()

    def taken(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        seen.add(dbapi_connection.info.backend_pid)

    event.listen(engine, "checkout", taken)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", taken)
