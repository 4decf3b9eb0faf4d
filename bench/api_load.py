"""The API under load with the LRS down, then the LRS back.

50 locust users (each a leader's app with its own personal token) record
coaching moments through ``POST /api/v1/moments`` for 60 s against waitress
with PostgreSQL (then the same against gunicorn with a worker per core),
while the LRS is stopped (the configured endpoint has no server). Checked:
p95 under 50 ms, no failed request, every record's statement in the
outbox. Then Learning Locker is started, the delivery worker drains the
outbox, and every statement is in the LRS exactly once (each id found, and
the LRS holds no more statements than we queued).

Each run starts with a warm-up (:data:`WARM_UP_REQUESTS`, not counted in
the figures), as a server that has run a while is warm; the full test ends
with a run without one, for comparison. Locust starts the users over 5 s
(:data:`SPAWN_RATE`) and counts from when all of them run, for the full
``seconds``. ``python -m bench api_load`` runs
the full test; ``run(users=5, seconds=5)`` (``--quick``) is the small
version the test suite runs. Loopback only, bounded in time:
locust stops itself (``-t``), and the server is ended afterwards. Beside
locust's figures it prints the server's own time per request (its access
log) and its CPU per request (/proc), which tell waiting in the server's
queue or for a core apart from the work itself.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from bench._core_setup import scratch_database
from bench._size import size
from lrs_client import LRSClient
from plugin.config import Settings
from plugin.db import Database
from plugin.demo.local_lrs import free_port
from plugin.jobs.connection import delivery_options, lrs_client
from plugin.jobs.delivery import DeliveryWorker
from plugin.models import (
    LeaderLedRecord,
    LtiPlatform,
    Membership,
    OutboxRow,
    Person,
    PersonIdentifier,
    Role,
    Team,
    TokenKind,
)
from plugin.services import tokens
from statements.identity import Identity
from tests.lrs_servers.servers import learning_locker

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ISSUER = "https://moodle.bench.example"
LEARNERS = 20
P95_GOAL_MS = 50.0


@dataclass(frozen=True)
class ServerSide:
    """What the web process itself saw: its own time per request (from the
    access log: app start to answer, without waiting in waitress's queue or
    the load generator) and its CPU time per request (from /proc)."""

    p50_ms: float
    p95_ms: float
    cpu_ms_per_request: float | None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its children now running
    (gunicorn's workers) on Linux; None elsewhere."""
    try:
        stats = [Path(f"/proc/{pid}/stat").read_text()]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and entry.name != str(pid):
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if stat.rpartition(")")[2].split()[1] == str(pid):
                    stats.append(stat)
    except OSError:
        return None
    ticks = 0
    for stat in stats:
        fields = stat.rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _server_side(log: Path, cpu: float | None, skip: int = 0) -> ServerSide | None:
    """From the access log, past the first ``skip`` answers (the warm-up)."""
    timings = [
        float(found)
        for found in re.findall(r"POST /api/v1/moments 201 ([0-9.]+) ms", log.read_text())
    ][skip:]
    if not timings:
        return None
    per_request = cpu * 1000 / len(timings) if cpu is not None else None
    return ServerSide(_percentile(timings, 0.5), _percentile(timings, 0.95), per_request)


@dataclass
class LoadResult:
    users: int
    seconds: int
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    records: int
    outbox: int
    delivered: int
    in_lrs: int
    missing_in_lrs: int
    lrs_total: int
    web: str = "waitress"
    server: ServerSide | None = None

    @property
    def ok(self) -> bool:
        return (
            self.failures == 0
            and self.requests > 0
            and self.outbox == self.records
            and self.missing_in_lrs == 0
            and self.lrs_total == self.outbox
        )


def _seed(database: Database, users: int) -> tuple[list[str], list[int]]:
    """A course with one leader, 20 learners, and a personal token per locust user."""
    with database.session_scope() as session:
        session.add(
            LtiPlatform(issuer=ISSUER, name="Bench", auth_login_url=ISSUER, jwks_url=ISSUER)
        )
        team = Team(platform_issuer=ISSUER, context_id="bench", title="Bench team")
        session.add(team)
        people: list[Person] = []
        for number in range(LEARNERS + 1):
            identity = Identity.account(ISSUER, str(1000 + number))
            person = Person(display_name=f"Person {number}", statement_key=identity.key())
            person.identifiers.append(PersonIdentifier(kind="account", key=identity.key()))
            session.add(person)
            people.append(person)
        session.flush()
        for index, person in enumerate(people):
            role = Role.LEADER if index == 0 else Role.LEARNER
            session.add(Membership(person_id=person.id, team_id=team.id, role=role))
        session.flush()
        secrets = [
            tokens.create(
                session,
                tokens.TokenInput(
                    kind=TokenKind.PERSONAL,
                    name=f"bench {n}",
                    scopes=("records:write",),
                    person_id=people[0].id,
                ),
                created_by=None,
                now=datetime.now(UTC),
            ).secret
            for n in range(users)
        ]
        return secrets, [p.id for p in people[1:]]


#: The web servers the load runs against: one waitress process (the issue's
#: set-up), and gunicorn with a worker per core (plugin/gunicorn_conf.py).
SERVERS = ("waitress", "gunicorn")


def _command(server: str, port: int) -> list[str]:
    if server == "gunicorn":
        return [str(BIN / "gunicorn"), "-c", "python:plugin.gunicorn_conf", "plugin:create_app()"]
    return [
        str(BIN / "waitress-serve"),
        "--threads",
        "8",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--call",
        "plugin:create_app",
    ]


@contextmanager
def _web(url: str, lrs_endpoint: str, workdir: Path, server: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {
        **os.environ,
        "LEADERLED_DATABASE_URL": url,
        "LEADERLED_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LEADERLED_SECRET_KEY": uuid.uuid4().hex,
        "LEADERLED_LRS_ENDPOINT": lrs_endpoint,
        "LEADERLED_LRS_USERNAME": "ll-key",
        "LEADERLED_LRS_PASSWORD": "ll-secret",
        "LEADERLED_WEB_BIND": f"127.0.0.1:{port}",
    }
    log = (workdir / "web.log").open("ab")
    process = subprocess.Popen(
        _command(server, port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/api/v1/openapi.json", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{server} did not start; see " + str(workdir / "web.log"))
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


#: Users started per second: all 50 within 5 s (all in the same instant
#: would measure the load generator's own start, see --reset-stats below).
SPAWN_RATE = 10


def _locust(
    base: str, secrets: list[str], people: list[int], users: int, seconds: int, workdir: Path
) -> dict[str, Any]:
    prefix = workdir / "locust"
    env = {
        **os.environ,
        "LEADERLED_BENCH_TOKENS": ",".join(secrets),
        "LEADERLED_BENCH_PEOPLE": ",".join(map(str, people)),
    }
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "_locust_api.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(SPAWN_RATE),
            "-t",
            # The ramp, then ``seconds`` with every user running (measured).
            f"{seconds + -(-users // SPAWN_RATE)}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            # Figures from when all users run: the spawning second is the
            # load generator's own start (50 users opening connections at
            # once on the same 2 cores), not the server's answer time.
            "--reset-stats",
            "--stop-timeout",
            "5",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=seconds + 120,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "locust.log").open("wb"),
    )
    with (workdir / "locust_stats.csv").open(newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    return rows["Aggregated"]


#: Requests sent before the measured load, from as many clients at once as a
#: server process has threads: they open the pool's database connections
#: and fill the caches a server that has run for a while has (SQL compiled
#: once per process, statements prepared per connection). Without them the
#: 50 users' first calls reach a cold process all in the same second; those
#: are some 3% of a minute's calls and alone decide the p95. Measured runs
#: (and the LRS check) include these records; the figures do not.
WARM_UP_REQUESTS = 160
WARM_UP_CLIENTS = 8


def _warm_up(base: str, secrets: list[str], people: list[int]) -> int:
    """Send :data:`WARM_UP_REQUESTS` recordings; returns how many succeeded."""
    from concurrent.futures import ThreadPoolExecutor

    def one(number: int) -> bool:
        body = {
            "kind": "coaching",
            "people": [people[number % len(people)]],
            "minutes": 15,
            "occurred_at": datetime.now(UTC).isoformat(),
            "topic": "products",
        }
        headers = {"Authorization": f"Bearer {secrets[number % len(secrets)]}"}
        answer = requests.post(base + "/api/v1/moments", json=body, headers=headers, timeout=30)
        return answer.status_code == 201

    with ThreadPoolExecutor(WARM_UP_CLIENTS) as pool:
        return sum(pool.map(one, range(WARM_UP_REQUESTS)))


def _in_lrs(client: LRSClient, ids: list[str]) -> tuple[int, int]:
    """(found, total): each id looked up, then every statement the LRS holds counted."""
    found = 0
    for statement_id in ids:
        try:
            client.get(statement_id)
            found += 1
        except Exception:
            continue
    total = sum(len(page.statements) for page in client.query().pages())
    return found, total


def run(
    *,
    users: int = 50,
    seconds: int = 60,
    database_url: str | None = None,
    server: str = "waitress",
    warm_up: bool = True,
) -> LoadResult:
    with tempfile.TemporaryDirectory() as tmp, _database(database_url) as url:
        workdir = Path(tmp)
        lrs = learning_locker(workdir / "lrs")  # created, not started: the LRS is down
        database = Database(url)
        try:
            secrets, people = _seed(database, users)
            with _web(url, lrs.endpoint, workdir, server) as (base, pid):
                warmed = _warm_up(base, secrets, people) if warm_up else 0
                before = _cpu_seconds(pid)
                stats = _locust(base, secrets, people, users, seconds, workdir)
                after = _cpu_seconds(pid)
            used = after - before if before is not None and after is not None else None
            own = _server_side(workdir / "web.log", used, skip=warmed)
            with database.session_scope() as session:
                records = session.scalar(select(func.count()).select_from(LeaderLedRecord)) or 0
                ids = list(session.scalars(select(OutboxRow.statement_id)))
            lrs.start()
            settings = Settings(
                database_url=url,
                lrs_endpoint=lrs.endpoint,
                lrs_username=lrs.username,
                lrs_password=lrs.password,
            )
            with lrs_client(settings) as client:
                delivered = DeliveryWorker(database, client, delivery_options(settings)).run(
                    until_empty=True
                )
                found, total = _in_lrs(client, ids)
        finally:
            database.dispose()
            lrs.stop()
    return LoadResult(
        users=users,
        seconds=seconds,
        requests=int(stats["Request Count"]),
        failures=int(stats["Failure Count"]),
        median_ms=float(stats["Median Response Time"]),
        p95_ms=float(stats["95%"]),
        p99_ms=float(stats["99%"]),
        rps=float(stats["Requests/s"]),
        records=int(records),
        outbox=len(ids),
        delivered=delivered,
        in_lrs=found,
        missing_in_lrs=len(ids) - found,
        lrs_total=total,
        web=server if warm_up else f"{server}, cold start",
        server=own,
    )


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url is not None and url.startswith("sqlite"):
        from plugin import migrate

        migrate.upgrade(url)
        yield url
        return
    with scratch_database() as scratch:
        yield scratch


def report(result: LoadResult) -> str:
    own = result.server
    cpu = own.cpu_ms_per_request if own is not None else None
    return (
        f"| {result.web} | {result.users} | {result.seconds} s | {result.requests} | "
        f"{result.failures} | {result.rps:.1f}/s | {result.median_ms:.0f} ms | "
        f"{result.p95_ms:.0f} ms | {result.p99_ms:.0f} ms | "
        + (f"{own.p50_ms:.0f} / {own.p95_ms:.0f} ms | " if own is not None else "- | ")
        + (f"{cpu:.1f} ms | " if cpu is not None else "- | ")
        + f"{result.records} | {result.outbox} | {result.delivered} | "
        f"{result.in_lrs} | {result.lrs_total} |"
    )


HEADER = (
    "| server | users | time | requests | failures | throughput | p50 | p95 | p99 | "
    "server's own p50 / p95 | server CPU per request | records | outbox rows | delivered | "
    "found by id in LRS | statements in LRS |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


#: Users and seconds of each run (``--quick``: a few users for a few seconds).
USERS, SECONDS = size(50, 5), size(60, 5)


def main() -> None:
    """Both servers, one after the other, on the same machine."""
    results = [run(users=USERS, seconds=SECONDS, server=server) for server in SERVERS]
    # The same load on a process that has answered nothing yet, for comparison.
    results.append(run(users=USERS, seconds=SECONDS, server=SERVERS[0], warm_up=False))
    print(HEADER)
    for result in results:
        print(report(result))
    for result in results:
        verdict = "met" if result.ok and result.p95_ms < P95_GOAL_MS else "NOT met"
        print(
            f"{result.web}: goals (p95 < {P95_GOAL_MS:.0f} ms, no error, all in outbox, "
            f"each once in LRS): {verdict}"
        )
