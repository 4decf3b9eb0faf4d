"""Shared fixtures: the database under test (SQLite or PostgreSQL) and the app.

``LEADERLED_TEST_DATABASE`` selects the backend: ``sqlite`` (default) or a
PostgreSQL URL such as ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.
For PostgreSQL each test session creates its own database next to the given
one and drops it afterwards, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from plugin import create_app, migrate
from plugin.db import Base, get_db

pytest_plugins = ["tests.lrs_servers.fixtures"]


def _postgres_database(admin_url: str) -> Iterator[str]:
    url = make_url(admin_url)
    name = f"leaderled_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session."""
    selected = os.environ.get("LEADERLED_TEST_DATABASE", "sqlite")
    if selected.startswith("postgresql"):
        for url in _postgres_database(selected):
            migrate.upgrade(url)
            yield url
        return
    path: Path = tmp_path_factory.mktemp("db") / "leaderled.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    yield url


def wipe_database(app: Flask) -> None:
    """Empty every table a test may have filled; the reference rows the
    migrations seed (the built-in topic categories) stay, as in production."""
    database = get_db(app)
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "topic_category":
                conn.execute(table.delete().where(table.c.builtin.is_(False)))
            else:
                conn.execute(table.delete())
    database.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(
        {"database_url": database_url, "testing": True, "secret_key": "test-secret"}
    )
    yield application
    wipe_database(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
