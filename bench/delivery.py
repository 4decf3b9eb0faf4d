"""Record-to-stored: throughput and latency of outbox delivery with 1, 2 and 4 workers.

PostgreSQL database, Learning Locker's statement service as the LRS,
``leaderled worker --no-sync`` processes as an operator runs them. Baseline,
measured in the same run against the same (restarted, empty) LRS: the same
statements sent straight through ``LRSClient.deliver`` in batches of the
worker's size, no database at all, which is the ceiling for delivery.

- throughput: a backlog of N statements committed at once while the workers
  idle; statements/s from that commit until the last is marked stored.
- latency: knowledge sessions recorded one at a time (taught + attendance,
  through ``plugin.services.recording``) at a steady pace; per statement,
  the time from its commit to ``stored_at``.

``python -m bench delivery`` (``BENCH_QUICK=1`` for a smaller run).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from bench._core_setup import scratch_database
from bench._size import TINY
from lrs_client import LRSClient
from plugin.db import Database
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.people import Person
from plugin.models.records import LeaderLedRecord, RecordKind
from plugin.services import outbox, recording
from statements.builders import (
    KnowledgeSession,
    SessionTaught,
    Text,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.identity import Identity
from tests.lrs_servers.servers import RunningLRS, learning_locker

QUICK = os.environ.get("BENCH_QUICK") == "1"
BACKLOG = 40 if TINY else 2_000 if QUICK else 10_000
PACED_RECORDS = 5 if TINY else 100 if QUICK else 300
PACE_SECONDS = 0.05  # one record (two statements) every 50 ms: 40 statements/s
BATCH = 200
WORKERS = (1,) if TINY else (1, 2, 4)
MOODLE = "https://moodle.example.org"
LEADER = Identity.account(MOODLE, "leader-1")
LEADERLED = str(Path(sys.executable).parent / "leaderled")


def session_events(count: int) -> list[SessionTaught]:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return [
        SessionTaught(
            LEADER,
            KnowledgeSession(
                id=f"https://leaderled.example.org/sessions/{n % 40}",
                title=Text(en="Our products"),
                topic="products",
            ),
            start + timedelta(minutes=n),
            timedelta(minutes=20),
            (Identity.account(MOODLE, f"learner-{n}"),),
        )
        for n in range(count)
    ]


def statements_of(event: SessionTaught) -> list[dict[str, object]]:
    return [knowledge_session_taught(event)] + [
        knowledge_session_attended(a) for a in event.attendances()
    ]


def baseline(lrs: RunningLRS) -> float:
    """Statements/s of LRSClient.deliver alone, same statements and batch size."""
    lrs.restart()
    batch = [s for e in session_events(BACKLOG // 2) for s in statements_of(e)]
    with LRSClient(lrs.endpoint, username="bench", password="bench") as client:
        client.negotiate()
        started = time.perf_counter()
        for i in range(0, len(batch), BATCH):
            report = client.deliver(batch[i : i + BATCH])
            assert all(r.delivered for r in report)
        return len(batch) / (time.perf_counter() - started)


def start_workers(
    count: int, database_url: str, lrs: RunningLRS, log: Path
) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        LEADERLED_DATABASE_URL=database_url,
        LEADERLED_LRS_ENDPOINT=lrs.endpoint,
        LEADERLED_LRS_USERNAME="bench",
        LEADERLED_LRS_PASSWORD="bench",
        LEADERLED_SECRET_KEY="bench",
        LEADERLED_DELIVERY_BATCH_SIZE=str(BATCH),
        LEADERLED_DELIVERY_POLL_SECONDS="0.05",
    )
    with log.open("ab") as out:
        return [
            subprocess.Popen([LEADERLED, "worker", "--no-sync"], env=env, stdout=out, stderr=out)
            for _ in range(count)
        ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)


def wait_stored(database: Database, total: int, within: float = 600) -> None:
    deadline = time.monotonic() + within
    query = select(func.count()).where(OutboxRow.state == OutboxState.STORED)
    while True:
        with database.session_scope() as session:
            if (session.scalar(query) or 0) >= total:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("statements were not delivered in time")
        time.sleep(0.02)


def measure(
    database: Database, lrs: RunningLRS, workers: int, log: Path
) -> tuple[float, list[float]]:
    lrs.restart()
    with database.session_scope() as session:
        session.execute(delete(OutboxRow))
        session.execute(delete(LeaderLedRecord))
        leader = Person(display_name="Leader")
        session.add(leader)
        session.flush()
        leader_id = leader.id
    processes = start_workers(workers, database.url, lrs, log)
    try:
        time.sleep(4)  # let every worker start and poll an empty queue
        backlog = [s for e in session_events(BACKLOG // 2) for s in statements_of(e)]
        with database.session_scope() as session:
            outbox.enqueue(session, backlog)
        committed = time.perf_counter()
        wait_stored(database, len(backlog))
        throughput = len(backlog) / (time.perf_counter() - committed)

        commits: dict[str, float] = {}
        for event in session_events(PACED_RECORDS):
            built = statements_of(event)
            with database.session_scope() as session:
                row = LeaderLedRecord(
                    kind=RecordKind.KNOWLEDGE_SESSION,
                    leader_id=leader_id,
                    occurred_at=event.occurred_at,
                    details={},
                )
                recording.record(session, row, built)
            now = time.time()
            commits.update({str(s["id"]): now for s in built})
            time.sleep(PACE_SECONDS)
        wait_stored(database, len(backlog) + len(commits))
        with database.session_scope() as session:
            stored = session.execute(
                select(OutboxRow.statement_id, OutboxRow.stored_at).where(
                    OutboxRow.statement_id.in_(list(commits))
                )
            ).all()
        latencies = [at.timestamp() - commits[sid] for sid, at in stored]
    finally:
        stop(processes)
    return throughput, latencies


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, scratch_database() as url:
        lrs = learning_locker(Path(tmp) / "lrs")
        lrs.start()
        database = Database(url)
        try:
            floor = baseline(lrs)
            print(f"backlog {BACKLOG} statements, batches of {BATCH}, PostgreSQL, Learning Locker")
            print(f"baseline LRSClient.deliver alone: {floor:,.0f} statements/s")
            print("| workers | throughput | x baseline | latency p50 | p95 | max |")
            print("|---|---|---|---|---|---|")
            for count in WORKERS:
                rate, lat = measure(database, lrs, count, Path(tmp) / "workers.log")
                q = statistics.quantiles(lat, n=20)
                print(
                    f"| {count} | {rate:,.0f} statements/s | {rate / floor:.2f}x | "
                    f"{statistics.median(lat) * 1000:.0f} ms | {q[18] * 1000:.0f} ms | "
                    f"{max(lat) * 1000:.0f} ms |",
                    flush=True,
                )
        finally:
            database.dispose()
            lrs.stop()
