"""Delivery by real worker processes: SIGKILL at random moments, and four at once on PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
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
from counting_proxy import CountingProxy
from sqlalchemy import func, select

from lrs_client import LRSClient
from plugin.db import Database
from plugin.models.workers import WorkerHeartbeat
from tests.lrs_servers.servers import RunningLRS
from tests.lrs_servers.servers import learning_locker as make_learning_locker


@pytest.fixture(scope="module")
def learning_locker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLRS]:
    """A Learning Locker of this module alone: its 20,000 statements stay out of the shared one."""
    server = make_learning_locker(tmp_path_factory.mktemp("worker-lrs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ll_client(learning_locker: RunningLRS) -> Iterator[LRSClient]:
    client = LRSClient(learning_locker.endpoint, username="ll-key", password="ll-secret")
    yield client
    client.close()


def _heartbeats(database: Database) -> int:
    with database.session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(WorkerHeartbeat)) or 0)


def _wait(predicate, within: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _stop_all(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> list[int]:
    """SIGTERM to each, as an operator stops workers, then their exit codes. Any
    still running a minute later fails the test with the stacks of its whole
    process group (SIGUSR1) and is killed with its children first, so that it
    cannot go on delivering under the next tests."""
    for process, _log in workers:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 60
    stuck = []
    for process, log in workers:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            stuck.append((process, log))
    for process, _log in stuck:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGUSR1)
    if stuck:
        time.sleep(2)
    for process, _log in stuck:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    if stuck:
        logs = "\n".join(f"{log}:\n{log.read_text(errors='replace')[-6000:]}" for _p, log in stuck)
        pytest.fail(f"{len(stuck)} worker(s) still running 60 s after SIGTERM:\n{logs}")
    return [process.returncode for process, _log in workers]


def _stop(process: subprocess.Popen[bytes], log: Path) -> int:
    return _stop_all([(process, log)])[0]


def test_killed_workers_leave_nothing_lost_or_doubled(
    database: Database,
    database_url: str,
    learning_locker: RunningLRS,
    ll_client: LRSClient,
    tmp_path: Path,
) -> None:
    activity = session_activity()
    ids = enqueue_attended(database, activity, 5000)
    env = worker_env(
        database_url,
        learning_locker.endpoint,
        delivery_batch_size="50",
        delivery_lease_seconds="2",
        delivery_poll_seconds="0.1",
    )
    log = tmp_path / "worker.log"
    rng = random.Random(os.getpid())
    kills_mid_delivery = kills_holding_leases = 0
    while kills_mid_delivery < 5:
        before = outbox_counts(database).get("stored", 0)
        assert before < len(ids), "all delivered before five kills: slow the worker down"
        worker = start_worker(env, log=log)
        _wait(
            lambda b=before: outbox_counts(database).get("stored", 0) > b,  # type: ignore[misc]
            within=60,
            what=f"the worker to deliver (log: {log.read_text()[-2000:]})",
        )
        time.sleep(rng.uniform(0.0, 0.25))
        worker.kill()  # SIGKILL: no clean-up at all
        worker.wait(timeout=30)
        counts = outbox_counts(database)
        if counts.get("pending", 0) + counts.get("claimed", 0):
            kills_mid_delivery += 1
        if counts.get("claimed", 0):
            kills_holding_leases += 1  # killed between claim and settle
    assert kills_holding_leases >= 1, "no kill landed inside a batch"
    # A last worker picks up the rest, including rows whose lease the killed ones held.
    worker = start_worker(env, log=log)
    _wait(lambda: outbox_counts(database) == {"stored": len(ids)}, 120, "the rest delivered")
    assert _stop(worker, log) == 0
    held = lrs_ids(ll_client, activity)
    assert set(held) == set(ids)
    assert max(held.values()) == 1
    assert outbox_counts(database) == {"stored": len(ids)}


def test_sqlite_refuses_a_second_worker(
    database: Database, database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the single-worker guard is for SQLite; PostgreSQL runs many")
    env = worker_env(database_url, learning_locker.endpoint, delivery_poll_seconds="0.1")
    first = start_worker(env, log=tmp_path / "first.log")
    try:
        time.sleep(3)  # let the first one take the lock
        result = subprocess.run(
            [LEADERLED, "worker", "--no-sync", "--once"],
            check=False,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "another delivery worker is already running" in result.stderr
        assert "Traceback" not in result.stderr
        many = subprocess.run(
            [LEADERLED, "worker", "--no-sync", "--concurrency", "2"],
            check=False,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert many.returncode != 0
        assert "SQLite allows one delivery worker" in many.stderr
    finally:
        assert _stop(first, tmp_path / "first.log") == 0


def test_four_workers_on_postgresql_post_each_statement_once(
    database: Database,
    database_url: str,
    learning_locker: RunningLRS,
    ll_client: LRSClient,
    tmp_path: Path,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one")
    activity = session_activity()
    ids = enqueue_attended(database, activity, 10_000)
    upstream = f"http://127.0.0.1:{learning_locker.port}"
    with CountingProxy(upstream) as proxy:
        env = worker_env(
            database_url, proxy.endpoint(), delivery_batch_size="250", delivery_poll_seconds="0.1"
        )
        # Two processes with two delivery workers each: four claiming at once.
        workers = [
            start_worker(env, "--concurrency", "2", log=tmp_path / f"w{n}.log") for n in range(2)
        ]
        try:
            _wait(lambda: outbox_counts(database) == {"stored": len(ids)}, 180, "delivery")
        finally:
            codes = _stop_all([(w, tmp_path / f"w{n}.log") for n, w in enumerate(workers)])
        assert codes == [0, 0]
        assert set(proxy.posted) == {i.lower() for i in ids}
        assert max(proxy.posted.values()) == 1, proxy.posted.most_common(3)
        assert proxy.posts >= 40  # batches of at most 250 went through the proxy
    held = lrs_ids(ll_client, activity)
    assert set(held) == set(ids)
    assert max(held.values()) == 1


def test_sigterm_finishes_the_batch_and_releases_every_lease(
    database: Database, database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    activity = session_activity()
    ids = enqueue_attended(database, activity, 3000)
    env = worker_env(database_url, learning_locker.endpoint, delivery_batch_size="100")
    log = tmp_path / "worker.log"
    worker = start_worker(env, log=log)
    _wait(lambda: outbox_counts(database).get("stored", 0) > 0, 60, "delivery to start")
    assert _stop(worker, log) == 0
    counts = outbox_counts(database)
    assert "claimed" not in counts, counts  # nothing left leased to a stopped worker
    assert counts.get("pending", 0) > 0, "stopped too late to show anything"
    assert counts["stored"] + counts["pending"] == len(ids)
    assert counts["stored"] % 100 == 0  # whole batches only
    assert "statements delivered by this process" in (tmp_path / "worker.log").read_text()


def test_sigusr1_writes_where_every_thread_is_and_stops_nothing(
    database: Database, database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    env = worker_env(database_url, learning_locker.endpoint, delivery_poll_seconds="0.1")
    log = tmp_path / "worker.log"
    worker = start_worker(env, log=log)
    _wait(lambda: "worker starting" in log.read_text(errors="replace"), 60, "the worker to start")
    worker.send_signal(signal.SIGUSR1)  # while it starts: stacks, not the end of it
    _wait(lambda: _heartbeats(database) > 0, 60, "the worker's loops to run")
    before = len(log.read_text(errors="replace"))
    worker.send_signal(signal.SIGUSR1)

    def dumped_its_threads() -> bool:  # a dump may be read while it is being written
        written = log.read_text(errors="replace")[before:]
        return (
            "plugin/jobs/runner.py" in written  # the worker's own threads
            and written.count("most recent call first") >= 3  # main thread and helpers
        )

    _wait(dumped_its_threads, 30, f"the stacks of the worker's threads (log: {log})")
    assert worker.poll() is None  # still running
    assert _stop(worker, log) == 0
