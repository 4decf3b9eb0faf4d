"""The quick mode of bench/api_load.py: a few locust users record through
the API (waitress, the test database) while the LRS is down; every record's
statement is in the outbox, and once Learning Locker is up every statement
arrives exactly once. The 60 s, 50-user figures are in bench/RESULTS.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.api_load import SERVERS, run

pytestmark = pytest.mark.lrs


@pytest.mark.parametrize("server", SERVERS)
def test_quick_load_with_the_lrs_down_then_up(tmp_path: Path, server: str) -> None:
    selected = os.environ.get("LEADERLED_TEST_DATABASE", "sqlite")
    url = None if selected.startswith("postgresql") else f"sqlite:///{tmp_path / 'load.sqlite3'}"
    result = run(users=5, seconds=5, database_url=url, server=server)
    assert result.requests > 0
    assert result.failures == 0
    assert result.outbox == result.records  # one statement per moment, none lost
    assert result.delivered == result.outbox
    assert result.missing_in_lrs == 0
    assert result.lrs_total == result.outbox  # each exactly once
    # The web process's own timing of its answers, read from its access log.
    assert result.server is not None
    assert 0 < result.server.p50_ms <= result.server.p95_ms
