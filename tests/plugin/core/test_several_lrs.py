"""Two real LRSs at once (Learning Locker and Ralph), configured by name.

Each gets every statement exactly once from its own queue; Learning Locker
being really stopped holds back none of Ralph's deliveries, and
``leaderled outbox status`` shows each LRS apart.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from core_helpers import LEADERLED, ROOT, lrs_ids, record_sessions, session_activity, start_worker
from sqlalchemy import func, select

from lrs_client import LRSClient
from plugin.config import Settings
from plugin.db import Database
from plugin.jobs.health import health
from plugin.models.outbox import OutboxRow
from plugin.models.records import RecordStatement
from tests.lrs_servers.servers import RunningLRS
from tests.lrs_servers.servers import learning_locker as make_learning_locker

pytestmark = pytest.mark.lrs


@pytest.fixture
def own_lrs(tmp_path: Path) -> Iterator[RunningLRS]:
    """A Learning Locker of this test alone: it is stopped and started on purpose."""
    server = make_learning_locker(tmp_path / "lrs")
    server.start()
    yield server
    server.stop()


def _env(database_url: str, ll: RunningLRS, ralph: RunningLRS) -> dict[str, str]:
    """What an operator sets: two named LRSs and no LEADERLED_LRS_ENDPOINT."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        {
            "LEADERLED_DATABASE_URL": database_url,
            "LEADERLED_SECRET_KEY": "test",
            "LEADERLED_DELIVERY_POLL_SECONDS": "0.1",
            "LEADERLED_DELIVERY_PROBE_SECONDS": "1",
            "LEADERLED_LRS__LL__ENDPOINT": ll.endpoint,
            "LEADERLED_LRS__LL__USERNAME": "ll-key",
            "LEADERLED_LRS__LL__PASSWORD": "ll-secret",
            "LEADERLED_LRS__RALPH__ENDPOINT": ralph.endpoint,
            "LEADERLED_LRS__RALPH__USERNAME": ralph.username,
            "LEADERLED_LRS__RALPH__PASSWORD": ralph.password,
            "LEADERLED_LRS__RALPH__PULL": "false",
        }
    )
    return env


def _by_lrs(database: Database) -> dict[tuple[str, str], int]:
    with database.session_scope() as session:
        rows = session.execute(
            select(OutboxRow.lrs, OutboxRow.state, func.count()).group_by(
                OutboxRow.lrs, OutboxRow.state
            )
        ).all()
    return {(lrs, str(state.value)): int(n) for lrs, state, n in rows}


def _wait(predicate: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_each_lrs_gets_every_statement_once_and_one_down_holds_back_nothing(
    database_url: str,
    database: Database,
    own_lrs: RunningLRS,
    ralph_empty: RunningLRS,
    tmp_path: Path,
) -> None:
    env = _env(database_url, own_lrs, ralph_empty)
    settings = Settings.from_env(env)
    assert settings.send_lrs_names == ("ll", "ralph")
    assert [t.name for t in settings.lrs_targets if t.pull] == ["ll"]
    listed = subprocess.run(
        [LEADERLED, "outbox", "status"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "LRS ll:" in listed  # configured LRSs are listed before they have seen anything
    assert "LRS ralph:" in listed
    recorder = Database(database_url, send_lrs=settings.send_lrs_names)
    activity = session_activity()
    own_lrs.stop()  # Learning Locker is down from the start
    log = tmp_path / "worker.log"
    worker = start_worker(env, log=log)
    try:
        first = record_sessions(recorder, activity, 15)  # 30 statements, two rows each
        n = len(first)
        # One link per statement, one outbox row per statement and LRS.
        with recorder.session_scope() as session:
            links = session.scalar(select(func.count()).select_from(RecordStatement))
        assert links == n
        _wait(
            lambda: _by_lrs(database).get(("ralph", "stored")) == n,
            60,
            f"Ralph's deliveries while Learning Locker is down (log: {log.read_text()[-2000:]})",
        )
        assert _by_lrs(database).get(("ll", "pending")) == n
        with database.session_scope() as session:
            figures = {h.lrs: h for h in health(session)}
        assert figures["ll"].held_since is not None
        assert figures["ll"].queue_depth == n
        assert figures["ralph"].held_since is None
        assert figures["ralph"].stored == n
        status = subprocess.run(
            [LEADERLED, "outbox", "status"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        ll_part, ralph_part = status.split("LRS ralph:")
        assert "LRS ll:" in ll_part
        assert "delivery HELD" in ll_part
        assert f"queued {n}" in ll_part
        assert f"stored {n}, parked 0" in ralph_part
        assert "HELD" not in ralph_part

        own_lrs.start()  # back on the same port (memory mode: empty)
        _wait(lambda: _by_lrs(database).get(("ll", "stored")) == n, 60, "Learning Locker's turn")
        more = record_sessions(recorder, activity, 5)
        everything = first + more
        _wait(
            lambda: (
                _by_lrs(database)
                == {("ll", "stored"): len(everything), ("ralph", "stored"): len(everything)}
            ),
            60,
            "both LRSs to receive the later statements",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, log.read_text()[-2000:]
        recorder.dispose()
    wanted = {i.lower() for i in everything}
    with LRSClient(own_lrs.endpoint, username="ll-key", password="ll-secret") as client:
        at_ll = lrs_ids(client, activity)
    assert set(at_ll) == wanted
    assert max(at_ll.values()) == 1
    with LRSClient(
        ralph_empty.endpoint, username=ralph_empty.username, password=ralph_empty.password
    ) as client:
        at_ralph = Counter(str(s["id"]).lower() for s in client.query(limit=1000))
    assert set(at_ralph) == wanted
    assert max(at_ralph.values()) == 1
