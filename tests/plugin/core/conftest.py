"""Fixtures of the core tests: the app's database and a client of the real LRS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from lrs_client import LRSClient
from plugin.db import Database, get_db
from tests.lrs_servers.servers import RunningLRS


@pytest.fixture
def database(app: Flask) -> Database:
    """The migrated test database (emptied after the test by the ``app`` fixture)."""
    return get_db(app)


@pytest.fixture
def ll_client(learning_locker: RunningLRS) -> Iterator[LRSClient]:
    client = LRSClient(
        learning_locker.endpoint,
        username=learning_locker.username,
        password=learning_locker.password,
    )
    yield client
    client.close()
