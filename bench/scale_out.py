"""Scale-out on PostgreSQL: 2 web processes and 4 workers on one database.

Leaders record coaching moments through ``POST /api/v1/moments`` (personal
API tokens), spread over two waitress processes, for ``seconds``. Four
``leaderled worker --no-sync`` processes deliver to Ralph (filesystem
backend: its statements survive a restart). Once delivery runs, one
worker is killed with SIGKILL, caught holding leases where possible (they
run out and the others take its rows); then Ralph is stopped and started
again on the same port while the load goes on. When
the load ends the outbox drains; then every statement must be in Ralph
exactly once: Ralph's statement ids are compared to the outbox's.

``python -m bench scale_out`` (60 s, 16 users; ``BENCH_SIZE=tiny``: 8 s, 4
users). ``run()`` is what ``tests/bench/test_scale_out.py`` calls.
Loopback only; every process started here is stopped here.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import func, select, text

from bench._core_setup import scratch_database
from bench.api_load import _seed
from lrs_client import LRSClient
from plugin.db import Database
from plugin.demo.local_lrs import free_port
from plugin.models import LeaderLedRecord, OutboxRow
from plugin.models.outbox import OutboxState
from tests.lrs_servers.servers import RunningLRS
from tests.lrs_servers.servers import ralph as make_ralph

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WEB = 2
WORKERS = 4
LEASE_SECONDS = 5


@dataclass
class ScaleResult:
    seconds: float
    users: int
    boot_seconds: float = 0.0  # Ralph, 2 web processes and 4 workers, side by side
    peak_connections: int = 0  # PostgreSQL connections to the database, sampled
    requests: int = 0
    failures: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    records: int = 0
    outbox: int = 0
    stored: int = 0
    killed_leases: int = 0  # rows the killed worker held at the moment it died
    lrs_down_seconds: float = 0.0
    drain_seconds: float = 0.0  # from the end of the load to an empty queue
    in_lrs: int = 0
    missing: int = 0
    duplicates: int = 0
    extra: int = 0
    worker_exit_codes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def ok(self) -> bool:
        return (
            self.failures == 0
            and self.requests > 0
            and self.records == self.requests
            and self.stored == self.outbox
            and self.missing == 0
            and self.duplicates == 0
            and self.extra == 0
            and all(code == 0 for code in self.worker_exit_codes)
        )


def _env(url: str, lrs: RunningLRS, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        {
            "LEADERLED_DATABASE_URL": url,
            "LEADERLED_SECRET_KEY": "bench-scale-out",
            "LEADERLED_LRS_ENDPOINT": lrs.endpoint,
            "LEADERLED_LRS_USERNAME": lrs.username,
            "LEADERLED_LRS_PASSWORD": lrs.password,
            "LEADERLED_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def _web(url: str, lrs: RunningLRS, workdir: Path, n: int) -> tuple[subprocess.Popen[bytes], str]:
    """One waitress process (8 threads), started; returns it and its base URL."""
    port = free_port()
    env = _env(url, lrs, LEADERLED_PUBLIC_URL=f"http://127.0.0.1:{port}")
    with (workdir / f"web{n}.log").open("ab") as log:
        process = subprocess.Popen(
            [
                str(BIN / "waitress-serve"),
                *("--threads", "8", "--host", "127.0.0.1", "--port", str(port)),
                *("--call", "plugin:create_app"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def _answers(process: subprocess.Popen[bytes], base: str, what: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(base + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{what} did not start; see its log")
        time.sleep(0.2)


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _worker(url: str, lrs: RunningLRS, workdir: Path, n: int) -> subprocess.Popen[bytes]:
    env = _env(
        url,
        lrs,
        LEADERLED_DELIVERY_BATCH_SIZE="50",
        LEADERLED_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        LEADERLED_DELIVERY_POLL_SECONDS="0.2",
        LEADERLED_DELIVERY_PROBE_SECONDS="1",
    )
    with (workdir / f"worker{n}.log").open("ab") as log:
        return subprocess.Popen(
            [str(BIN / "leaderled"), "worker", "--no-sync"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _load(
    bases: list[str],
    secrets: list[str],
    people: list[int],
    users: int,
    stop: threading.Event,
    result: ScaleResult,
) -> list[threading.Thread]:
    """``users`` threads, each a leader's app posting moments as fast as answered."""
    lock = threading.Lock()

    def user(number: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {secrets[number % len(secrets)]}"}
        sent = 0
        while not stop.is_set():
            base = bases[(number + sent) % len(bases)]  # alternate between the web processes
            sent += 1
            body = {
                "kind": "coaching",
                "people": [people[(number + sent) % len(people)]],
                "minutes": 15,
                "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                "topic": "products",
            }
            started = time.perf_counter()
            try:
                answer = session.post(
                    base + "/api/v1/moments", json=body, headers=headers, timeout=30
                )
                status, text = answer.status_code, answer.text[:200]
            except requests.RequestException as error:
                status, text = 0, str(error)
            took = (time.perf_counter() - started) * 1000
            with lock:
                result.requests += 1
                result.latencies_ms.append(took)
                if status != 201:
                    result.failures += 1
                    if len(result.errors) < 5:
                        result.errors.append(f"{status}: {text}")
        session.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    return threads


def _counts(database: Database) -> dict[str, int]:
    with database.session_scope() as session:
        rows = session.execute(
            select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
        ).all()
    return {OutboxState(state).value: int(n) for state, n in rows}


def _leases_of(database: Database, pid: int) -> int:
    with database.session_scope() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(
                    OutboxRow.state == OutboxState.CLAIMED,
                    OutboxRow.lease_owner.like(f"%:{pid}:%"),
                )
            )
            or 0
        )


def _sample_connections(database: Database, stop: threading.Event, result: ScaleResult) -> None:
    """The most connections the database had open at once (every 0.5 s)."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
    while not stop.is_set():
        with database.engine.connect() as conn:
            result.peak_connections = max(result.peak_connections, int(conn.scalar(query) or 0))
        stop.wait(0.5)


def _wait(predicate, within: float, what: str, poll: float = 0.1) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > within:
            raise TimeoutError(f"timed out after {within:.0f} s waiting for {what}")
        time.sleep(poll)
    return time.monotonic() - started


def run(*, seconds: float = 60.0, users: int = 16, database_url: str | None = None) -> ScaleResult:
    """The whole scenario; ``database_url`` a migrated, empty PostgreSQL database
    (a scratch one of ``LEADERLED_BENCH_DATABASE``'s server when None)."""
    result = ScaleResult(seconds=seconds, users=users)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = database_url or stack.enter_context(scratch_database())
        if not url.startswith("postgresql"):
            raise ValueError("the scale-out benchmark needs PostgreSQL (several workers)")
        lrs = make_ralph(workdir / "ralph")
        # Everything boots at once: Ralph in a thread, the processes side by side.
        boot = time.monotonic()
        booting = threading.Thread(target=lrs.start)
        booting.start()
        stack.callback(lrs.stop)
        database = Database(url)
        stack.callback(database.dispose)
        secrets, people = _seed(database, users)
        webs = [_web(url, lrs, workdir, n) for n in range(WEB)]
        workers = [_worker(url, lrs, workdir, n) for n in range(WORKERS)]
        for process, _ in webs:
            stack.callback(_end, process)
        for process in workers:
            stack.callback(_end, process)
        for n, (process, base) in enumerate(webs):
            _answers(process, base, f"web process {n} (logs in {workdir})")
        booting.join()
        bases = [base for _, base in webs]
        result.boot_seconds = time.monotonic() - boot
        stop = threading.Event()
        started = time.monotonic()
        threads = _load(bases, secrets, people, users, stop, result)
        sampling = threading.Thread(target=_sample_connections, args=(database, stop, result))
        sampling.start()
        # A worker dies without any clean-up, if it can be caught holding leases.
        _wait(lambda: _counts(database).get("stored", 0) > 0, 60, "the first delivery")
        victim = workers[0]
        with suppress(TimeoutError):  # else killed between batches, holding nothing
            _wait(lambda: _leases_of(database, victim.pid) > 0, 5, "a lease", poll=0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        result.killed_leases = _leases_of(database, victim.pid)
        # Then the LRS goes down and comes back on the same port, its data kept.
        down = time.monotonic()
        lrs.stop()
        time.sleep(2.0)
        lrs.start()
        result.lrs_down_seconds = time.monotonic() - down
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        stop.set()
        for thread in [*threads, sampling]:
            thread.join(timeout=60)
        result.seconds = time.monotonic() - started
        load_end = time.monotonic()
        _wait(
            lambda: set(_counts(database)) <= {"stored", "parked"},
            180 + LEASE_SECONDS,
            f"the outbox to drain (logs in {workdir})",
        )
        result.drain_seconds = time.monotonic() - load_end
        for process in workers[1:]:
            process.send_signal(signal.SIGTERM)
        result.worker_exit_codes = [p.wait(timeout=60) for p in workers[1:]]
        with database.session_scope() as session:
            result.records = int(
                session.scalar(select(func.count()).select_from(LeaderLedRecord)) or 0
            )
            outbox_ids = set(session.scalars(select(OutboxRow.statement_id)))
        counts = _counts(database)
        result.outbox = sum(counts.values())
        result.stored = counts.get("stored", 0)
        with LRSClient(lrs.endpoint, username=lrs.username, password=lrs.password) as client:
            held = Counter(str(s["id"]).lower() for s in client.query(limit=1000))
        result.in_lrs = sum(held.values())
        result.missing = len(outbox_ids - set(held))
        result.extra = len(set(held) - outbox_ids)
        result.duplicates = sum(n - 1 for n in held.values() if n > 1)
    return result


HEADER = (
    "| web | workers | users | boot | seconds | requests | failed | req/s | median | p95 | "
    "peak PG connections | records | outbox | stored | leases of the killed worker | "
    "LRS down | drain after load | in LRS | missing | doubled |\n" + "|---" * 20 + "|"
)


def report(result: ScaleResult) -> str:
    median = statistics.median(result.latencies_ms) if result.latencies_ms else 0.0
    return (
        f"| {WEB} | {WORKERS} (1 killed) | {result.users} | {result.boot_seconds:.0f} s | "
        f"{result.seconds:.0f} s | {result.requests} | {result.failures} | {result.rps:.1f} | "
        f"{median:.0f} ms | {result.percentile(0.95):.0f} ms | {result.peak_connections} | "
        f"{result.records} | {result.outbox} | "
        f"{result.stored} | {result.killed_leases} | {result.lrs_down_seconds:.1f} s | "
        f"{result.drain_seconds:.1f} s | {result.in_lrs} | {result.missing} | "
        f"{result.duplicates} |"
    )


def main() -> None:
    tiny = os.environ.get("BENCH_SIZE") == "tiny"
    result = run(seconds=8.0 if tiny else 60.0, users=4 if tiny else 16)
    print(HEADER)
    print(report(result))
    for error in result.errors:
        print("error:", error)
    verdict = "met" if result.ok else "NOT met"
    print(f"every request recorded, every statement in the LRS exactly once: {verdict}")
    if not result.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
