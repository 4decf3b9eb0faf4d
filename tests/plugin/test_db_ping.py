"""Pooled PostgreSQL connections are pinged before use only after sitting
idle (plugin.db.ping_when_idle), and a dead idle one is replaced.

PostgreSQL only: SQLite has no server connections to lose.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

import plugin.db
from plugin.db import Database
from tests.plugin.postgres_faults import postgres_only, terminate


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    assert isinstance(pid, int)
    return pid


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_url = postgres_only(database_url)
    database = Database(postgres_url)
    try:
        first = _backend_pid(database.engine)
        terminate(postgres_url, {first})
        monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 0.0)  # idle long enough
        second = _backend_pid(database.engine)  # the ping found it dead: a new one
        assert second != first
    finally:
        database.dispose()


def test_a_connection_just_used_is_not_pinged(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_url = postgres_only(database_url)
    database = Database(postgres_url)
    pings: list[Any] = []
    real = database.engine.dialect.do_ping
    monkeypatch.setattr(database.engine.dialect, "do_ping", lambda c: pings.append(c) or real(c))
    try:
        monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)
        first = _backend_pid(database.engine)
        assert _backend_pid(database.engine) == first
        assert pings == []  # neither the new connection nor its reuse was pinged
        monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 0.0)
        assert _backend_pid(database.engine) == first
        assert len(pings) == 1
    finally:
        database.dispose()
