"""Real worker processes through an LRS outage, missing credentials and a long sync.

The LRS is Learning Locker, really stopped and started again; a fault proxy
in front of it counts what reaches it, answers like ADL's reference LRS
(400 "Request has no authorization" without credentials) or stalls a sync.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from core_helpers import (
    LEADERLED,
    ROOT,
    enqueue_attended,
    lrs_ids,
    outbox_counts,
    session_activity,
    start_worker,
    worker_env,
)
from sqlalchemy import select

from lrs_client import LRSClient
from plugin import create_app
from plugin.cli import main
from plugin.db import Database
from plugin.jobs.health import health
from plugin.models.outbox import OutboxRow
from tests.lrs_client.faults import Fault, FaultProxy
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


@pytest.fixture
def proxy(own_lrs: RunningLRS) -> Iterator[FaultProxy]:
    with FaultProxy(f"http://127.0.0.1:{own_lrs.port}") as running:
        yield running


def _wait(predicate: Callable[[], bool], within: float, what: str) -> float:
    """Seconds until ``predicate`` held; fails after ``within``."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < within, f"timed out waiting for {what}"
        time.sleep(0.02)
    return time.monotonic() - started


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=60)


def _held(database: Database) -> bool:
    with database.session_scope() as session:
        return any(h.held_since is not None for h in health(session))


def test_delivery_resumes_within_seconds_of_the_lrs_answering_again(
    database: Database,
    database_url: str,
    own_lrs: RunningLRS,
    proxy: FaultProxy,
    tmp_path: Path,
) -> None:
    """Not after each row's own backoff: the worker reads from the LRS while it is down."""
    activity = session_activity()
    env = worker_env(database_url, proxy.endpoint, delivery_poll_seconds="0.2")
    log = tmp_path / "worker.log"
    worker = start_worker(env, log=log)
    try:
        enqueue_attended(database, activity, 20)
        _wait(lambda: outbox_counts(database) == {"stored": 20}, 30, "delivery before the outage")
        own_lrs.stop()  # the LRS goes down
        outage_started = time.monotonic()
        during = enqueue_attended(database, activity, 200)
        _wait(lambda: _held(database), 30, f"the worker to hold (log: {log.read_text()[-2000:]})")
        time.sleep(15)  # long enough for per-row backoffs to have grown past 15 s
        proxy.log.clear()
        time.sleep(10)
        probes = list(proxy.log)
        assert outbox_counts(database) == {"stored": 20, "pending": 200}
        own_lrs.start()  # memory mode: back, and empty
        back = time.monotonic()
        resumed = _wait(
            lambda: outbox_counts(database).get("stored", 0) == 220, 30, "delivery to resume"
        )
        outage = back - outage_started
    finally:
        assert _stop(worker) == 0
    # Within a few seconds of the LRS answering (the worker reads from it at most every
    # 5 s), after an outage of about 25 s: nothing waited out a backoff of its own.
    assert outage > 25
    assert resumed < 7.0, f"resumed {resumed:.1f} s after the LRS came back"
    # Not hammered while down: only reads, a few every 10 s.
    assert {(s.method, s.path.split("?")[0]) for s in probes} <= {("GET", "/xAPI/statements")}
    assert 1 <= len(probes) <= 4, probes
    with LRSClient(own_lrs.endpoint, username="k", password="s") as client:
        held = lrs_ids(client, activity)
    assert set(held) == {i.lower() for i in during}  # the LRS restarted empty
    assert max(held.values()) == 1
    assert "held" in log.read_text()
    assert "answers again" in log.read_text()


def test_missing_credentials_hold_the_queue_and_park_nothing(
    database: Database,
    database_url: str,
    own_lrs: RunningLRS,
    proxy: FaultProxy,
    tmp_path: Path,
) -> None:
    """ADL's reference LRS answers a request without credentials with 400, not 401."""
    proxy.refuse_unauthenticated()
    activity = session_activity()
    ids = enqueue_attended(database, activity, 20)
    env = worker_env(database_url, proxy.endpoint)
    del env["LEADERLED_LRS_USERNAME"], env["LEADERLED_LRS_PASSWORD"]  # forgotten
    log = tmp_path / "worker.log"
    worker = start_worker(env, log=log)
    try:
        _wait(lambda: _held(database), 30, f"the worker to hold (log: {log.read_text()[-2000:]})")
        time.sleep(2)
        assert outbox_counts(database) == {"pending": 20}
    finally:
        assert _stop(worker) == 0
    posts = proxy.seen("POST")
    assert len(posts) == 1  # one try, no bisection, nothing parked
    written = log.read_text()
    assert "held" in written
    assert "Request has no authorization" in written
    assert "Nothing is parked" in written
    configured = create_app({"database_url": database_url})
    status = configured.test_cli_runner().invoke(main, ["outbox", "status"])
    assert status.exit_code == 0, status.output
    assert "delivery HELD since" in status.output
    assert "Request has no authorization" in status.output
    assert "parked 0" in status.output
    with database.session_scope() as session:
        assert {r.attempts for r in session.scalars(select(OutboxRow))} == {0}

    # The operator sets the credentials and restarts the worker: everything goes out.
    worker = start_worker(worker_env(database_url, proxy.endpoint), log=log)
    try:
        _wait(lambda: outbox_counts(database) == {"stored": 20}, 30, "delivery with credentials")
    finally:
        assert _stop(worker) == 0
    with LRSClient(own_lrs.endpoint, username="k", password="s") as client:
        assert set(lrs_ids(client, activity)) == {i.lower() for i in ids}
    status = configured.test_cli_runner().invoke(main, ["outbox", "status"])
    assert "HELD" not in status.output


def test_a_long_sync_does_not_hold_delivery_up(
    database: Database, database_url: str, proxy: FaultProxy, tmp_path: Path
) -> None:
    """``leaderled worker`` syncs in a loop of its own; here its first page takes 20 s."""
    stalled = Fault("stall", seconds=20, method="GET", path="/xAPI/statements?")
    proxy.add(stalled)
    log = tmp_path / "worker.log"
    env = worker_env(database_url, proxy.endpoint, delivery_poll_seconds="0.2")
    with log.open("ab") as out:
        worker = subprocess.Popen(
            [LEADERLED, "worker"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait(lambda: stalled not in proxy.faults, 30, "the sync to start its first page")
        activity = session_activity()
        enqueue_attended(database, activity, 50)
        took = _wait(
            lambda: outbox_counts(database) == {"stored": 50}, 15, "delivery during the sync"
        )
        sync_pages_done = [s for s in proxy.seen("GET") if "/xAPI/statements?" in s.path]
    finally:
        assert _stop(worker) == 0
    assert took < 5.0
    assert sync_pages_done == []  # the sync was still waiting for its page


def test_the_worker_runs_only_delivery_or_only_sync(
    database: Database, database_url: str, own_lrs: RunningLRS, tmp_path: Path
) -> None:
    from test_sync import moodle_completion

    from plugin.models.formal import FormalRecord

    with LRSClient(own_lrs.endpoint, username="k", password="s") as client:
        client.send([moodle_completion({"mbox": "mailto:x@example.org"}, 1, n) for n in range(3)])
    activity = session_activity()
    enqueue_attended(database, activity, 5)
    env = worker_env(database_url, own_lrs.endpoint)

    def once(*args: str) -> None:
        done = subprocess.run(
            [LEADERLED, "worker", "--once", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def formal() -> int:
        with database.session_scope() as session:
            return len(session.scalars(select(FormalRecord)).all())

    once("--no-delivery")
    assert (outbox_counts(database), formal()) == ({"pending": 5}, 3)
    once("--no-sync")
    assert (outbox_counts(database), formal()) == ({"stored": 5}, 3)
