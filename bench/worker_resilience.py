"""The delivery worker through an LRS outage, and beside a 100,000-statement sync.

PostgreSQL, real ``leaderled`` worker processes as an operator runs them.

- outage: ``leaderled worker --no-sync`` delivers to Learning Locker through a
  counting proxy while knowledge sessions are recorded at a steady pace (40
  statements/s). Learning Locker is stopped for ``BENCH_OUTAGE_SECONDS``
  (default 300) and started again. Printed: how long after the LRS answered
  again the first statement was stored (the goal: within 10 s), how long the
  backlog took to drain, what reached the LRS while it was down, and, as the
  baseline of the same run, the record-to-stored latency before the outage.
- sync beside delivery: a backlog of statements delivered by ``leaderled
  worker --no-sync`` to Learning Locker, alone (baseline) and while the
  worker's sync (``leaderled worker --no-delivery``, whose first pass is a
  backfill) pulls 100,000 Moodle course completions
  (``BENCH_SYNC_STATEMENTS``), in alternating rounds of the same run. The
  sync reads from a feed server that serves the statements from memory,
  pre-serialised, so the figure is the worker's: its sync's CPU, database and
  network work against its delivery on the same two cores and the same
  PostgreSQL, not the capacity of an LRS serving both. The goal: delivery
  slows by at most 10%.

``python -m bench worker_resilience`` (``BENCH_QUICK=1``: a 30 s outage and a
20,000-statement sync).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from bench._core_setup import scratch_database
from bench._size import size
from bench.delivery import session_events, statements_of
from bench.sync import LEARNERS, MOODLE, completion
from plugin.db import Database
from plugin.demo.local_lrs import free_port
from plugin.models.formal import FormalRecord
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.people import Person, PersonIdentifier
from plugin.models.sync import SyncCursor
from plugin.services import outbox
from statements.identity import Identity
from tests.lrs_client.faults import FaultProxy
from tests.lrs_servers.servers import RunningLRS, learning_locker

QUICK = os.environ.get("BENCH_QUICK") == "1"
#: ``python -m bench --quick`` (the test suite): only that it runs, in seconds.
OUTAGE = float(os.environ.get("BENCH_OUTAGE_SECONDS", str(size(300, 3) if not QUICK else 30)))
SYNC_TOTAL = int(
    os.environ.get("BENCH_SYNC_STATEMENTS", str(size(100_000, 5_000) if not QUICK else 20_000))
)
BACKLOG = size(2_000 if QUICK else 6_000, 100)
ROUNDS = size(3 if QUICK else 6, 1)
PACE = 0.05  # one knowledge session (two statements) every 50 ms
LEADERLED = str(Path(sys.executable).parent / "leaderled")


# -- processes ---------------------------------------------------------------------


def worker_env(database_url: str, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        LEADERLED_DATABASE_URL=database_url,
        LEADERLED_LRS_ENDPOINT=endpoint,
        LEADERLED_LRS_USERNAME="bench",
        LEADERLED_LRS_PASSWORD="bench",
        LEADERLED_SECRET_KEY="bench",
        LEADERLED_DELIVERY_BATCH_SIZE="200",
        LEADERLED_DELIVERY_POLL_SECONDS="0.05",
        LEADERLED_SYNC_PAGE_SIZE="500",
    )
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([LEADERLED, *args], env=env, stdout=out, stderr=out)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)


def stored_count(database: Database) -> int:
    with database.session_scope() as session:
        query = select(func.count()).where(OutboxRow.state == OutboxState.STORED)
        return int(session.scalar(query) or 0)


def wait_stored(database: Database, total: int, within: float = 900) -> float:
    started = time.monotonic()
    while stored_count(database) < total:
        if time.monotonic() - started > within:
            raise RuntimeError("statements were not delivered in time")
        time.sleep(0.02)
    return time.monotonic() - started


# -- outage ------------------------------------------------------------------------


class Recorder(threading.Thread):
    """Records knowledge sessions (two statements each) at a steady pace until stopped."""

    def __init__(self, database: Database) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.halt = threading.Event()
        self.commits: dict[str, float] = {}

    def run(self) -> None:
        while not self.halt.is_set():
            built = [s for e in session_events(1) for s in statements_of(e)]  # fresh uuid4 ids
            with self.database.session_scope() as session:
                outbox.enqueue(session, built)
            now = time.time()
            self.commits.update({str(s["id"]).lower(): now for s in built})
            self.halt.wait(PACE)


def outage(database: Database, tmp: Path) -> None:
    lrs = learning_locker(tmp / "lrs-outage")
    lrs.start()
    proxy = FaultProxy(f"http://127.0.0.1:{lrs.port}").start()
    worker = start(["worker", "--no-sync"], worker_env(database.url, proxy.endpoint), tmp / "w.log")
    recorder = Recorder(database)
    try:
        time.sleep(3)
        recorder.start()
        time.sleep(20)  # steady state: the baseline latency
        before = dict(recorder.commits)
        lrs.stop()
        down_at = time.monotonic()
        down_wall = time.time()
        time.sleep(5)
        proxy.log.clear()
        time.sleep(max(0.0, OUTAGE - 5))
        during = list(proxy.log)
        lrs.start()  # returns once /about answers
        back = time.monotonic()
        back_wall = time.time()
        while _first_stored_after(database, back_wall) is None:
            if time.monotonic() - back > 600:
                raise RuntimeError("delivery did not resume")
            time.sleep(0.02)
        first = _first_stored_after(database, back_wall)
        assert first is not None
        recorder.halt.set()
        recorder.join()
        total = len(recorder.commits)
        wait_stored(database, total)
        drained_at = time.monotonic()
    finally:
        recorder.halt.set()
        stop(worker)
        proxy.stop()
        lrs.stop()
    with database.session_scope() as session:
        rows = session.execute(
            select(OutboxRow.statement_id, OutboxRow.stored_at).where(
                OutboxRow.statement_id.in_(list(before))
            )
        ).all()
    latencies = [at.timestamp() - before[sid] for sid, at in rows if before[sid] < down_wall - 2]
    resumed = first - back_wall
    queued = sum(1 for t in recorder.commits.values() if down_wall <= t <= back_wall)
    minutes = (OUTAGE - 5) / 60
    methods = sorted({f"{s.method} {s.path.split('?')[0]}" for s in during})
    baseline = statistics.median(latencies)
    print(f"outage of {back - down_at:.0f} s (Learning Locker stopped, then started again)")
    print("| measure | value |")
    print("|---|---|")
    print(f"| baseline: record-to-stored latency before the outage, p50 | {baseline:.2f} s |")
    print(f"| first statement stored after the LRS answered again | {resumed:.2f} s |")
    print(f"| x baseline latency | {resumed / baseline:.1f}x |")
    print(f"| statements recorded while the LRS was down | {queued:,} |")
    print(
        f"| backlog drained (all {total:,} stored) after the LRS answered | "
        f"{drained_at - back:.1f} s |"
    )
    print(f"| requests reaching the LRS while down, per minute | {len(during) / minutes:.1f} |")
    print(f"| what they were | {', '.join(methods) or 'none'} |")
    print(
        f"goal: resumed within 10 s of the LRS answering: {'met' if resumed <= 10 else 'NOT MET'}"
    )


def _first_stored_after(database: Database, wall: float) -> float | None:
    with database.session_scope() as session:
        moment = session.scalar(
            select(func.min(OutboxRow.stored_at)).where(
                OutboxRow.stored_at >= datetime.fromtimestamp(wall, UTC)
            )
        )
    return moment.timestamp() if moment is not None else None


# -- sync beside delivery -------------------------------------------------------------


def feed_server(port: int, total: int) -> None:
    """Run in a child process: an LRS that serves ``total`` completions, pages of 500."""
    start_at = datetime(2025, 1, 1, tzinfo=UTC)
    pages: list[bytes] = []
    for first in range(0, total, 500):
        statements = []
        for n in range(first, min(total, first + 500)):
            s = completion(n)
            s["id"] = f"00000000-0000-4000-8000-{n:012d}"
            s["stored"] = (start_at + timedelta(milliseconds=n)).isoformat()
            statements.append(s)
        more = f"/xAPI/statements?page={first // 500 + 1}" if first + 500 < total else ""
        pages.append(json.dumps({"statements": statements, "more": more}).encode())
    consistent = datetime.now(UTC).isoformat()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path.startswith("/xAPI/about"):
                body = b'{"version":["1.0.3"]}'
            else:
                page = 0
                if "page=" in self.path:
                    page = int(self.path.rsplit("page=", 1)[1].split("&")[0])
                body = pages[page]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Experience-API-Consistent-Through", consistent)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


def delivery_round(
    database: Database, lrs: RunningLRS, env: dict[str, str], log: Path, sync_env: Any
) -> tuple[float, int, float | None]:
    """Statements/s of one backlog; with ``sync_env``, while the worker's sync runs:
    then also the formal records it synced during the round and its total seconds."""
    lrs.restart()
    with database.session_scope() as session:
        session.execute(delete(OutboxRow))
        session.execute(delete(FormalRecord))
        session.execute(delete(SyncCursor))
    worker = start(["worker", "--no-sync"], env, log)
    sync = None
    try:
        time.sleep(3)  # the worker polls an empty queue
        if sync_env is not None:
            # The worker's sync loop in a process of its own; its first pass is a backfill.
            sync = start(["worker", "--no-delivery", "--sync-interval", "3600"], sync_env, log)
            sync_started = time.monotonic()
            while _formal(database) == 0 and sync.poll() is None:
                time.sleep(0.05)  # until its first page is in
        before = _formal(database)
        backlog = [s for e in session_events(BACKLOG // 2) for s in statements_of(e)]
        with database.session_scope() as session:
            outbox.enqueue(session, backlog)
        seconds = wait_stored(database, len(backlog))
        gained = _formal(database) - before
        if sync is not None and (sync.poll() is not None or _formal(database) >= SYNC_TOTAL):
            raise RuntimeError("the sync ended before the round did: raise BENCH_SYNC_STATEMENTS")
    finally:
        stop(worker)
    sync_seconds = None
    if sync is not None:
        deadline = time.monotonic() + 900
        while _formal(database) < SYNC_TOTAL:
            if sync.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the sync did not finish its pass; see {log}")
            time.sleep(0.1)
        sync_seconds = time.monotonic() - sync_started
        stop(sync)
    return len(backlog) / seconds, gained, sync_seconds


def _formal(database: Database) -> int:
    with database.session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(FormalRecord)) or 0)


def sync_beside_delivery(database: Database, tmp: Path) -> None:
    with database.session_scope() as session:
        for n in range(LEARNERS):
            person = Person(display_name=f"Learner {n}")
            key = Identity.account(MOODLE, str(n)).key()
            person.identifiers.append(PersonIdentifier(kind="account", key=key))
            session.add(person)
    port = free_port()
    feed = subprocess.Popen(
        [sys.executable, "-m", "bench.worker_resilience", "feed", str(port), str(SYNC_TOTAL)],
        stdout=subprocess.PIPE,
    )
    assert feed.stdout is not None
    feed.stdout.readline()  # "ready"
    lrs = learning_locker(tmp / "lrs-deliver")
    lrs.start()
    deliver_env = worker_env(database.url, lrs.endpoint)
    sync_env = worker_env(database.url, f"http://127.0.0.1:{port}/xAPI/")
    log = tmp / "sync-bench.log"
    alone: list[float] = []
    beside: list[float] = []
    sync_seconds: list[float] = []
    try:
        for _ in range(ROUNDS):
            rate, _, _ = delivery_round(database, lrs, deliver_env, log, None)
            alone.append(rate)
            rate, gained, took = delivery_round(database, lrs, deliver_env, log, sync_env)
            beside.append(rate)
            assert took is not None
            sync_seconds.append(took)
            print(
                f"  round: alone {alone[-1]:,.0f}/s, beside the sync {rate:,.0f}/s "
                f"({gained:,} formal records synced during the round)",
                flush=True,
            )
    finally:
        lrs.stop()
        feed.terminate()
        feed.wait(timeout=30)
    ratios = [y / x for x, y in zip(alone, beside, strict=True)]
    ratio = statistics.median(ratios)
    print(
        f"backlog {BACKLOG:,} statements per round, batches of 200, PostgreSQL, Learning Locker; "
        f"sync of {SYNC_TOTAL:,} statements (pages of 500) from a feed server; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    print("| round | delivery alone (baseline) | delivery beside the sync | beside / alone |")
    print("|---|---|---|---|")
    for n, (x, y) in enumerate(zip(alone, beside, strict=True), 1):
        print(f"| {n} | {x:,.0f} statements/s | {y:,.0f} statements/s | {y / x:.2f}x |")
    print(
        f"| median | {statistics.median(alone):,.0f} statements/s | "
        f"{statistics.median(beside):,.0f} statements/s | {ratio:.2f}x (median of the rounds) |"
    )
    print(f"each sync of {SYNC_TOTAL:,} took {statistics.median(sync_seconds):.0f} s (median)")
    slowdown = 1 - ratio
    verdict = "met" if slowdown <= 0.10 else "NOT MET"
    print(f"goal: delivery slowed by at most 10%: {slowdown:.1%} ({verdict})")


def main() -> None:
    parts = os.environ.get("BENCH_PARTS", "outage,sync").split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "outage" in parts:
            with scratch_database() as url:
                database = Database(url)
                try:
                    outage(database, Path(tmp))
                finally:
                    database.dispose()
        if "sync" in parts:
            with scratch_database() as url:
                database = Database(url)
                try:
                    sync_beside_delivery(database, Path(tmp))
                finally:
                    database.dispose()


if __name__ == "__main__":
    if sys.argv[1] == "feed":
        feed_server(int(sys.argv[2]), int(sys.argv[3]))
