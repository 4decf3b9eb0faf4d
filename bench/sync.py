"""Sync of 100,000 formal statements from a real LRS: time and peak memory.

Learning Locker's statement service holds N Moodle-shaped course
completions from 1,000 learners (all of them local people, so every record
goes through identity resolution). Each phase runs in its own process so
its peak RSS is its own:

- idle: the interpreter with the same imports, doing nothing (the memory floor);
- baseline: page through the same statements with ``LRSClient.query`` and
  drop them (the cost of reading alone);
- sync: ``leaderled``'s backfill (``plugin.jobs.sync.Sync``) into PostgreSQL:
  classify, resolve, upsert, save the cursor after every page.

``python -m bench sync`` (``BENCH_QUICK=1`` for 10,000 statements).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._core_setup import scratch_database
from bench._size import TINY, size
from lrs_client import LRSClient
from tests.lrs_servers.servers import learning_locker

QUICK = os.environ.get("BENCH_QUICK") == "1"
TOTAL = 500 if TINY else 10_000 if QUICK else 100_000
PAGE = 500
LEARNERS = size(1_000, 20)
MOODLE = "https://moodle.example.org"


def completion(n: int) -> dict[str, Any]:
    return {
        "actor": {"account": {"homePage": MOODLE, "name": str(n % LEARNERS)}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": f"{MOODLE}/course/view.php?id={n % 300}",
            "definition": {
                "type": "https://w3id.org/xapi/cmi5/activitytype/course",
                "name": {"en": f"Course {n % 300}"},
            },
        },
        "timestamp": (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat(),
        "result": {"completion": True, "score": {"scaled": 0.8}},
        "context": {
            "platform": "Moodle",
            "contextActivities": {"category": [{"id": "http://moodle.org"}]},
        },
    }


def phase(name: str, endpoint: str, database_url: str) -> None:
    """Run inside a child process; prints one JSON line."""
    from plugin.db import Database
    from plugin.jobs.sync import Sync, SyncOptions

    client = LRSClient(endpoint, username="bench", password="bench")
    started = time.perf_counter()
    count = 0
    if name == "baseline":
        for _ in client.query(limit=PAGE, ascending=True):
            count += 1
    elif name == "sync":
        database = Database(database_url)
        result = Sync(database, client, SyncOptions(page_size=PAGE)).run(backfill=True)
        count = result.upserted
        assert result.unresolved == 0, result
        database.dispose()
    print(json.dumps({"seconds": time.perf_counter() - started, "count": count}), flush=True)


def run_phase(name: str, endpoint: str, database_url: str) -> tuple[float, int, float]:
    """(seconds, statements, peak RSS in MiB) of one phase in a fresh process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.sync", name, endpoint, database_url],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"phase {name} failed with code {process.returncode}")
    figures = json.loads(output.decode().strip().splitlines()[-1])
    return figures["seconds"], figures["count"], usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    from plugin.db import Database
    from plugin.models.people import Person, PersonIdentifier
    from statements.identity import Identity

    with tempfile.TemporaryDirectory() as tmp, scratch_database() as url:
        lrs = learning_locker(Path(tmp) / "lrs")
        lrs.start()
        try:
            database = Database(url)
            with database.session_scope() as session:
                for n in range(LEARNERS):
                    person = Person(display_name=f"Learner {n}")
                    key = Identity.account(MOODLE, str(n)).key()
                    person.identifiers.append(PersonIdentifier(kind="account", key=key))
                    session.add(person)
            database.dispose()
            with LRSClient(lrs.endpoint, username="bench", password="bench") as client:
                pushed = time.perf_counter()
                for start in range(0, TOTAL, 1000):
                    batch = [completion(n) for n in range(start, min(TOTAL, start + 1000))]
                    assert all(r.delivered for r in client.deliver(batch))
                pushed = time.perf_counter() - pushed
            print(
                f"{TOTAL:,} statements pushed to Learning Locker in {pushed:.0f} s; pages of {PAGE}"
            )
            idle = run_phase("idle", lrs.endpoint, url)
            base = run_phase("baseline", lrs.endpoint, url)
            sync = run_phase("sync", lrs.endpoint, url)
            assert base[1] == TOTAL, base
            assert sync[1] == TOTAL, sync
            print("| phase | seconds | statements/s | x baseline time | peak RSS | over idle |")
            print("|---|---|---|---|---|---|")
            for label, (secs, count, rss) in (
                ("idle (imports only)", idle),
                ("baseline: LRSClient.query paging", base),
                ("sync backfill into PostgreSQL", sync),
            ):
                rate = f"{count / secs:,.0f}" if count else "-"
                ratio = f"{secs / base[0]:.2f}x" if count else "-"
                print(
                    f"| {label} | {secs:.1f} | {rate} | {ratio} | {rss:.1f} MiB | "
                    f"+{rss - idle[2]:.1f} MiB |",
                    flush=True,
                )
        finally:
            lrs.stop()


if __name__ == "__main__":
    phase(sys.argv[1], sys.argv[2], sys.argv[3])
