"""L&D report figures at a million statements' worth of data, SQLite and
PostgreSQL, against the naive way in the same run.

The organisation: 10,000 people in 500 teams (2 leaders and 18 learners
each), two years of records and pulled formal records bulk-inserted: 60,000
knowledge sessions with 5 attendees (6 statements each), 200,000 coaching
and mentoring moments, 40,000 goals, acknowledgements and materials used,
8,000 learner ratings, 400,000 formal records: about a million statements.

Each grouped pass (``plugin.services.reports.passes``) and each figure with
a query of its own (``plugin.services.reports.local``) is timed for the
whole organisation over a quarter and a year, and for one team over a year
(best of 3), with the report's PostgreSQL settings; the naive baseline
loads every row and counts in Python (``plugin.services.reports.naive``, the
same rules). The slowest query's
plan is printed.

``python -m bench reports``; ``BENCH_REPORTS_SCALE=0.1`` for a tenth of the
data; ``--quick`` for a tiny run.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bench._core_setup import scratch_database
from bench._launch import deployment, signed_in
from bench._size import TINY
from plugin import create_app, migrate
from plugin.db import Database, session_scope
from plugin.models.catalogue import CompanyValue
from plugin.models.formal import FormalRecord
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services.reports import ReportPeriod, Scope, passes, trend
from plugin.services.reports import local as figures
from plugin.services.reports.naive import load_rows
from plugin.services.reports.rows import compute_rows

SCALE = 0.002 if TINY else float(os.environ.get("BENCH_REPORTS_SCALE", "1"))
TEAMS = max(2, int(500 * SCALE))
LEADERS_PER_TEAM, LEARNERS_PER_TEAM = 2, 18
SESSIONS = int(60_000 * SCALE)
MOMENTS = int(200_000 * SCALE)
OWN = int(40_000 * SCALE)
RATINGS = int(8_000 * SCALE)
FORMAL = int(400_000 * SCALE)
START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 730
BATCH = 20_000
ROUNDS = 3
TOPICS = ("products", "services", "distribution-channels", "market-dynamics", "operations")
ADL = "http://adlnet.gov/expapi/verbs/"


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(session: Session, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for batch in _batches(rows):
        session.execute(insert(model), batch)
        count += len(batch)
    return count


def generate(database: Database) -> dict[str, int]:
    """The organisation, bulk-inserted; returns row counts and statements' worth."""
    rng = random.Random(11)
    people = TEAMS * (LEADERS_PER_TEAM + LEARNERS_PER_TEAM)
    with database.session_scope() as session:
        _bulk(session, Team, ({"id": t + 1, "platform_issuer": "https://lms.bench",
              "context_id": f"t{t}", "title": f"Team {t}"} for t in range(TEAMS)))  # fmt: skip
        _bulk(session, Person, ({"id": p + 1, "display_name": f"P{p}"} for p in range(people)))
        session.add(CompanyValue(id=1, slug="customer-first", name_en="C", name_nl="K"))

        def member(p: int) -> tuple[int, Role]:
            team, seat = divmod(p, LEADERS_PER_TEAM + LEARNERS_PER_TEAM)
            return team + 1, Role.LEADER if seat < LEADERS_PER_TEAM else Role.LEARNER

        _bulk(session, Membership, ({"person_id": p + 1, "team_id": member(p)[0],
              "role": member(p)[1]} for p in range(people)))  # fmt: skip
        size = LEADERS_PER_TEAM + LEARNERS_PER_TEAM

        def leader_of(team: int) -> int:
            return (team - 1) * size + 1 + rng.randrange(LEADERS_PER_TEAM)

        def learner_of(team: int) -> int:
            return (team - 1) * size + 1 + LEADERS_PER_TEAM + rng.randrange(LEARNERS_PER_TEAM)

        def when() -> datetime:
            return START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))

        records: list[dict[str, Any]] = []
        participants: list[dict[str, Any]] = []
        for n in range(SESSIONS):
            team = rng.randrange(TEAMS) + 1
            rid = len(records) + 1
            records.append({"id": rid, "kind": RecordKind.KNOWLEDGE_SESSION,
                            "state": RecordState.ACTIVE, "leader_id": leader_of(team),
                            "team_id": team, "topic": TOPICS[n % 5],
                            "company_value_id": 1 if n % 3 == 0 else None, "occurred_at": when(),
                            "duration_seconds": 1800 + 900 * (n % 3), "details": {}})  # fmt: skip
            for p in {learner_of(team) for _ in range(5)}:
                participants.append({"record_id": rid, "person_id": p,
                                     "role": ParticipantRole.ATTENDEE})  # fmt: skip
        for n in range(MOMENTS):
            team = rng.randrange(TEAMS) + 1
            rid = len(records) + 1
            kind = RecordKind.COACHING_MOMENT if n % 4 else RecordKind.MENTORING_SESSION
            records.append({"id": rid, "kind": kind, "state": RecordState.ACTIVE,
                            "leader_id": leader_of(team), "team_id": team, "occurred_at": when(),
                            "duration_seconds": 600 + 300 * (n % 5), "details": {}})  # fmt: skip
            participants.append({"record_id": rid, "person_id": learner_of(team),
                                 "role": ParticipantRole.LEARNER})  # fmt: skip
        own = (RecordKind.GOAL_SET, RecordKind.GOAL_MET, RecordKind.EXPECTATION_ACKNOWLEDGED,
               RecordKind.MATERIAL_USED)  # fmt: skip
        for n in range(OWN):
            team = rng.randrange(TEAMS) + 1
            records.append({"id": len(records) + 1, "kind": own[n % 4],
                            "state": RecordState.ACTIVE, "leader_id": leader_of(team),
                            "team_id": team, "occurred_at": when(), "details": {}})  # fmt: skip
        for n in range(RATINGS):
            parent = records[rng.randrange(SESSIONS + MOMENTS)]
            records.append({"id": len(records) + 1, "kind": RecordKind.CONFIRMATION,
                            "state": RecordState.ACTIVE, "leader_id": learner_of(parent["team_id"]),
                            "team_id": parent["team_id"], "parent_id": parent["id"],
                            "rating": 1 + n % 5, "occurred_at": parent["occurred_at"],
                            "details": {}})  # fmt: skip
        _bulk(session, LeaderLedRecord, iter(records))
        _bulk(session, RecordParticipant, iter(participants))

        def formal() -> Iterator[dict[str, Any]]:
            for n in range(FORMAL):
                team = rng.randrange(TEAMS) + 1
                outcome = n % 2 == 0
                yield {"statement_id": f"{n:08x}-0000-4000-8000-000000000000", "lrs": "main",
                       "person_id": learner_of(team), "origin": "formal", "source": "cmi5",
                       "kind": "achievement" if outcome else "other",
                       "verb": ADL + ("passed" if outcome and n % 3 else
                                      "failed" if outcome else "terminated"),
                       "success": (n % 3 != 0) if outcome else None,
                       "completion": True if outcome else None, "is_outcome": outcome,
                       "duration_seconds": None if outcome else 1200.0,
                       "registration": f"r{n // 2}", "timestamp": when(), "voided": False,
                       "attempts_seen": 1}  # fmt: skip

        _bulk(session, FormalRecord, formal())
    statements = SESSIONS * 6 + MOMENTS + OWN + RATINGS * 2 + FORMAL
    return {
        "people": people,
        "records": len(records),
        "participants": len(participants),
        "formal": FORMAL,
        "statements": statements,
    }


def _six_to_the_end(scope: Scope) -> list[ReportPeriod]:
    """Six periods as long as the scope's (a year or a quarter), the last ending
    with the data: the x axis of the report page's trend."""
    if scope.period == ReportPeriod.year(scope.period.start.year):
        return [ReportPeriod.year(2026 - n) for n in reversed(range(6))]
    return [ReportPeriod.quarter(2026 - n // 4, 4 - n % 4) for n in reversed(range(6))]


QUERIES: dict[str, Callable[..., Any]] = {
    # The three grouped passes most figures are folded from (reports.passes) ...
    "records pass (hours, teaching, goals, self-recorded mix)": passes.records_pass,
    "participations pass (reach, mix, coaching)": passes.participations_pass,
    "formal pass (formal mix, formal per team)": passes.formal_pass,
    # ... and the figures with queries of their own.
    "ratings": figures._ratings,
    "train_the_trainer": lambda s, scope: figures._train_the_trainer(s, scope, 0),
    "topics_values": figures._topics_and_values,
    "organisation mix alone (the page's trend, per period)": trend.organisation_mix,
    "the page's trend: six periods to the end of the data": lambda s, scope: trend.mix_by_period(
        s, scope, _six_to_the_end(scope)
    ),
}


def _best(run: Callable[[], Any], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[float, str, Any]]]:
    """(seconds, SQL, parameters) of every statement run meanwhile."""
    found: list[tuple[float, str, Any]] = []
    began: list[float] = []

    def before(*_: Any) -> None:
        began.append(time.perf_counter())

    def after(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        found.append((time.perf_counter() - began.pop(), statement, params))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _plan(database: Database, name: str, scope: Scope) -> str:
    engine = database.engine
    with _captured(engine) as captured, database.session_scope() as session:
        passes.report_settings(session)
        QUERIES[name](session, scope)
    # The slowest query, not the report's settings (timed with the BEGIN
    # psycopg sends before them, they can be the slowest on tiny data).
    queries = [
        item
        for item in captured
        if item[1].lstrip().upper().startswith(("SELECT", "WITH")) and "set_config" not in item[1]
    ]
    _, sql, params = max(queries, key=lambda item: item[0])
    prefix = (
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
        if engine.dialect.name == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with engine.connect() as conn:
        passes.report_settings(conn)
        rows = conn.exec_driver_sql(prefix + sql, params).all()
    return sql + "\n\n" + "\n".join(" | ".join(str(c) for c in row) for row in rows)


#: The report page as L&D opens it, per scope (the filters' query string).
PAGES = {
    "organisation, quarter": "period=quarter&at=2025-Q2",
    "organisation, year": "period=year&at=2025",
    "one team, year": "period=year&at=2025&team=1",
}


def _page_times(label: str, url: str) -> None:
    """Server time of the report page through the WSGI app: the launch session,
    every figure, the line over six periods, the tables and the HTML."""
    app = create_app({"database_url": url, "secret_key": "bench", "public_url": "http://localhost"})
    with session_scope(app) as session:
        deployment_pk = deployment(session)
        admin = int(session.scalar(select(func.max(Person.id))) or 0) + 1
        session.add(Person(id=admin, display_name="L&D"))
        session.add(Membership(person_id=admin, team_id=1, role=Role.LND_ADMIN))
    client = signed_in(app, deployment_pk, admin, 1, Role.LND_ADMIN)
    print(f"\n{label}: the report page (L&D), best of {ROUNDS}")
    print("| scope | server time | HTML |")
    print("|---|---|---|")
    for scope_name, query in PAGES.items():
        sizes: list[int] = []

        def get(q: str = query, found: list[int] = sizes) -> None:
            response = client.get(f"/reports/?{q}")
            assert response.status_code == 200, response.status_code
            found.append(len(response.get_data()))

        seconds = _best(get)
        print(f"| {scope_name} | {seconds * 1000:.0f} ms | {sizes[-1] / 1024:.0f} KB |", flush=True)


def run(label: str, url: str) -> None:
    database = Database(url)
    began = time.perf_counter()
    counts = generate(database)
    if database.engine.dialect.name == "postgresql":
        # What autovacuum does to tables this size soon after such a load: statistics,
        # and the visibility map that lets covering indexes answer on their own; then
        # what the next checkpoint does, so that writing the load's dirty pages out
        # does not compete with the timed reports.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            # A role without pg_checkpoint: the server's own checkpoint comes later.
            with suppress(DBAPIError):
                conn.execute(text("CHECKPOINT"))
    else:
        with database.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    print(f"\n{label}: generated {counts} in {time.perf_counter() - began:.0f} s", flush=True)
    year = ReportPeriod.year(2025)
    scopes = {
        "organisation, quarter": Scope(ReportPeriod.quarter(2025, 2)),
        "organisation, year": Scope(year),
        "one team, year": Scope(year, frozenset({1})),
    }
    slowest = ("", "", 0.0)
    # Every report is timed before the naive way loads its millions of rows: kept
    # alive meanwhile, they made each garbage collection between two timed
    # rounds walk them, which a web process serving reports never holds.
    wholes: dict[str, float] = {}
    for scope_name, scope in scopes.items():
        print(f"\n{label}, {scope_name}", flush=True)
        print("| figure | best of 3 |")
        print("|---|---|")
        for name, query in QUERIES.items():
            with database.session_scope() as session:
                passes.report_settings(session)
                seconds = _best(lambda q=query, s=session, c=scope: q(s, c))  # type: ignore[misc]
            if seconds > slowest[2]:
                slowest = (name, scope_name, seconds)
            print(f"| {name} | {seconds * 1000:.1f} ms |", flush=True)
        with database.session_scope() as session:
            whole = _best(lambda s=session, c=scope: figures.compute(s, c))  # type: ignore[misc]
        wholes[scope_name] = whole
        print(f"| **all (compute)** | **{whole * 1000:.0f} ms** |", flush=True)
    _page_times(label, url)
    began = time.perf_counter()
    with database.session_scope() as session:
        rows = load_rows(session)
    loaded = (rows, time.perf_counter() - began)
    print(f"\nnaive: every row loaded in {loaded[1] * 1000:.0f} ms", flush=True)
    print("| scope | compute | naive: load rows + count in Python | naive / compute |")
    print("|---|---|---|---|")
    for scope_name, scope in scopes.items():
        # The naive way loads every row whatever the scope: loaded once per database,
        # its time added to each scope's counting.
        counting = _best(lambda c=scope: compute_rows(c, *loaded[0]), rounds=1)  # type: ignore[misc]
        naive = loaded[1] + counting
        whole = wholes[scope_name]
        print(f"| {scope_name} | {whole * 1000:.0f} ms | {loaded[1] * 1000:.0f} + "
              f"{counting * 1000:.0f} = {naive * 1000:.0f} ms | {naive / whole:.1f}x |",
              flush=True)  # fmt: skip
    name, scope_name, seconds = slowest
    print(f"\n{label}: slowest query {name} ({scope_name}, {seconds * 1000:.1f} ms); its plan:")
    print(_plan(database, name, scopes[scope_name]))
    database.dispose()


def _counting(items: Any, counted: list[int]) -> Iterator[dict[str, Any]]:
    for item in items:
        counted.append(1)
        yield item


def _cpu_seconds(lrs: Any) -> float:
    """CPU time the LRS's process has used (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{lrs.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, AttributeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LRS_STATEMENTS = 500 if TINY else int(os.environ.get("BENCH_REPORTS_LRS", "20000"))
LRS_ROUNDS = 1 if TINY else 3


def lrs_rate() -> None:
    """``report lrs`` (page, classify, rebuild, count) against paging alone, on
    Learning Locker holding every kind of our statements and formal ones."""
    import uuid

    from lrs_client import LRSClient
    from plugin.services.reports.from_lrs import (
        Directory,
        compute_from_statements,
        pulled,
    )
    from plugin.services.reports.rows import Roster
    from statements.builders import BuildOptions, registry
    from tests.lrs_servers.servers import learning_locker

    base = "https://leaderled.bench/xapi"
    # Not the voiding example: it voids one fixed id, which an LRS takes once.
    examples = [
        e
        for e in registry.examples(BuildOptions(base=base))
        if e["object"].get("objectType") != "StatementRef"
    ]
    actors: dict[str, int] = {}
    for statement in examples:
        for agent in (statement["actor"], statement.get("context", {}).get("instructor")):
            if agent and "account" in agent:
                key = f"account {agent['account']['homePage']} {agent['account']['name']}"
                actors.setdefault(key, len(actors) + 1)
    roster = Roster(tuple((p, 1, Role.LEADER) for p in actors.values()), (1,))
    directory = Directory(actors, roster)
    with tempfile.TemporaryDirectory() as folder:
        lrs = learning_locker(Path(folder) / "lrs")
        lrs.start()
        try:
            with LRSClient(lrs.endpoint, username="bench", password="bench") as client:
                for start in range(0, LRS_STATEMENTS, 1000):
                    batch = []
                    for n in range(start, min(LRS_STATEMENTS, start + 1000)):
                        statement = dict(examples[n % len(examples)])
                        statement["id"] = str(uuid.uuid4())
                        batch.append(statement)
                    refused = [r for r in client.deliver(batch) if not r.delivered]
                    assert not refused, refused[:3]
                rates: dict[str, float] = {}
                # CPU per statement, this process and the LRS's, least of the rounds: on a
                # shared machine the rates swing with other work, CPU time much less.
                cpu: dict[str, tuple[float, float]] = {}
                for label in ("paging", "report lrs", "same thread") * LRS_ROUNDS:
                    began = time.perf_counter()
                    began_cpu, began_lrs = time.process_time(), _cpu_seconds(lrs)
                    if label == "paging":
                        count = sum(1 for _ in client.query(limit=500))
                    else:
                        counted: list[int] = []
                        pages = client.query(limit=500)
                        compute_from_statements(
                            Scope(ReportPeriod.year(2026)),
                            _counting(
                                pulled(pages.pages()) if label == "report lrs" else pages, counted
                            ),
                            directory,
                            profile_base=base,
                        )
                        count = len(counted)
                    rate = count / (time.perf_counter() - began)
                    ours = (time.process_time() - began_cpu) / count * 1e6
                    theirs = (_cpu_seconds(lrs) - began_lrs) / count * 1e6
                    print(
                        f"  {label}: {rate:,.0f} statements/s; CPU {ours:.0f} us/statement here, "
                        f"{theirs:.0f} in the LRS",
                        flush=True,
                    )
                    rates[label] = max(rates.get(label, 0.0), rate)
                    least = cpu.get(label, (ours, theirs))
                    cpu[label] = (min(least[0], ours), min(least[1], theirs))
        finally:
            lrs.stop()
    print(f"\nLearning Locker, {LRS_STATEMENTS:,} statements (all our templates), pages of 500, "
          f"best of {LRS_ROUNDS} alternating rounds:")  # fmt: skip
    print("| run | statements/s | / paging | CPU us/statement: Python, LRS |")
    print("|---|---|---|---|")
    for label, what in (
        ("paging", "raw paging"),
        ("report lrs", "report lrs, pages read ahead by a thread (as the CLI does)"),
        ("same thread", "report lrs, pages read in the same thread"),
    ):
        print(
            f"| {what} | {rates[label]:,.0f} | {rates[label] / rates['paging']:.2f}x "
            f"| {cpu[label][0]:.0f}, {cpu[label][1]:.0f} |"
        )
    print(flush=True)


def main() -> None:
    print(f"scale {SCALE}: {TEAMS} teams", flush=True)
    if os.environ.get("BENCH_REPORTS_ONLY") != "sql":
        lrs_rate()
    if os.environ.get("BENCH_REPORTS_ONLY") == "lrs":
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'reports.sqlite3'}"
        migrate.upgrade(url)
        run("SQLite", url)
    with scratch_database() as url:
        run("PostgreSQL", url)


if __name__ == "__main__":
    main()
