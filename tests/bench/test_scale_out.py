"""Scale-out on PostgreSQL (bench/scale_out.py, short): 2 web processes and 4
workers on one database, leaders recording through the API while a worker is
killed with SIGKILL and the LRS (Ralph) is stopped and started: every request
recorded, every statement in the LRS exactly once. The 60 s figures are in
bench/RESULTS.md."""

from __future__ import annotations

import os

import pytest

from bench.scale_out import run

SELECTED = os.environ.get("LEADERLED_TEST_DATABASE", "sqlite")

pytestmark = [
    pytest.mark.lrs,
    pytest.mark.skipif(
        not SELECTED.startswith("postgresql"),
        reason="several web processes and workers share one PostgreSQL database",
    ),
]


def test_two_web_processes_and_four_workers_deliver_each_statement_once() -> None:
    result = run(seconds=8.0, users=4)
    assert result.errors == []
    assert result.requests > 20
    assert result.failures == 0
    assert result.records == result.requests  # every answered request was recorded
    assert result.outbox == result.records  # one statement per coaching moment
    assert result.stored == result.outbox
    assert result.missing == 0
    assert result.extra == 0
    assert result.duplicates == 0  # each exactly once, the killed worker's rows too
    assert result.worker_exit_codes == [0, 0, 0]
    assert result.lrs_down_seconds > 1
