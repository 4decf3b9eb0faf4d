"""LRS client throughput and memory: ours vs raw ``requests`` (the floor) vs TinCanPython.

Sending 10,000 statements to (a) a null sink that only parses and answers ids,
isolating each client's own cost, and (b) Learning Locker's real statement
service; pulling 10,000 and 50,000 statements from Learning Locker with
paging. Every figure is a ratio against a baseline measured in the same run.
``python -m bench lrs_client`` (``BENCH_LRS_QUICK=1`` for a smaller run).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench._size import TINY
from lrs_client import BatchLimits, LRSClient, Outcome, Timeouts
from tests.lrs_client.faults import NullSink
from tests.lrs_servers.servers import RunningLRS, learning_locker

QUICK = os.environ.get("BENCH_LRS_QUICK") == "1"
SEND = 100 if TINY else 2_000 if QUICK else 10_000
PULLS = (100, 200) if TINY else (2_000, 5_000) if QUICK else (10_000, 50_000)
LOOP_SAMPLE = 5 if TINY else 100 if QUICK else 300
BATCH = 500
PAGE = 500
HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


def statements(count: int, registration: str) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": "https://moodle.example.org", "name": str(1000 + n % 97)},
            },
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/attended",
                "display": {"en-US": "attended"},
            },
            "object": {
                "objectType": "Activity",
                "id": f"https://leaderled.example.org/sessions/{n % 50}",
                "definition": {"name": {"en-US": "Knowledge session"}},
            },
            "result": {"completion": True, "duration": "PT45M"},
            "context": {"registration": registration},
            "timestamp": "2026-11-26T10:00:00.000Z",
        }
        for n in range(count)
    ]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def raw_post(endpoint: str, batch: list[dict[str, Any]]) -> int:
    session = requests.Session()
    session.auth = ("bench", "bench")
    sent = 0
    for start in range(0, len(batch), BATCH):
        chunk = batch[start : start + BATCH]
        response = session.post(
            endpoint + "statements", data=json.dumps(chunk), headers=HEADERS, timeout=(5, 120)
        )
        response.raise_for_status()
        sent += len(chunk)
    return sent


def ours_post(endpoint: str, batch: list[dict[str, Any]]) -> int:
    with LRSClient(
        endpoint,
        ("bench", "bench"),
        batch=BatchLimits(max_count=BATCH),
        timeouts=Timeouts(connect=5, read=120),
    ) as client:
        report = client.deliver(batch)
    assert all(r.outcome is Outcome.STORED for r in report), "benchmark statements rejected"
    return len(report)


def tincan_lrs(endpoint: str) -> Any:
    from tincan import RemoteLRS

    return RemoteLRS(endpoint=endpoint, username="bench", password="bench", version="1.0.3")


def tincan_objects(batch: list[dict[str, Any]]) -> list[Any]:
    from tincan import Statement

    return [Statement.from_json(json.dumps(s)) for s in batch]


def tincan_loop(endpoint: str, objects: list[Any]) -> int:
    lrs = tincan_lrs(endpoint)
    for item in objects:
        assert lrs.save_statement(item).success
    return len(objects)


def tincan_batches(endpoint: str, objects: list[Any]) -> int:
    lrs = tincan_lrs(endpoint)
    for start in range(0, len(objects), BATCH):
        assert lrs.save_statements(objects[start : start + BATCH]).success
    return len(objects)


def send_round(
    name: str, endpoint: str, rounds: int, fresh: Callable[[], None] | None = None
) -> None:
    """Each contender sends its own statements; ``fresh`` (if given) empties the LRS first,
    so nobody writes into a store the others have already filled."""
    print(f"\nsend {SEND:,} statements to {name} (batches of {BATCH}, best of {rounds})")

    def start() -> None:
        if fresh is not None:
            fresh()
        raw_post(endpoint, statements(1_000, str(uuid.uuid4())))  # warm up (Node's JIT, pools)

    rows: dict[str, float] = {}
    contenders: list[tuple[str, Callable[[str, list[dict[str, Any]]], int]]] = [
        ("raw requests.Session POST", raw_post),
        ("lrs_client deliver", ours_post),
    ]
    for _ in range(rounds):  # alternate the contenders so load from others hits both
        for label, runner in contenders:
            start()
            batch = statements(SEND, new())
            seconds, count = timed(lambda r=runner, b=batch: r(endpoint, b))  # type: ignore[misc]
            rows[label] = max(rows.get(label, 0.0), count / seconds)
    start()
    objects = tincan_objects(statements(SEND, new()))
    seconds, count = timed(lambda: tincan_batches(endpoint, objects))
    rows["TinCanPython save_statements"] = count / seconds
    start()
    sample = tincan_objects(statements(LOOP_SAMPLE, new()))
    seconds, count = timed(lambda: tincan_loop(endpoint, sample))
    loop_label = f"TinCanPython save_statement loop ({LOOP_SAMPLE} sample)"
    rows[loop_label] = count / seconds
    raw = rows["raw requests.Session POST"]
    loop = rows[loop_label]
    ours = rows["lrs_client deliver"]
    print("| client | statements/s | vs raw | lrs_client vs it |")
    print("|---|---|---|---|")
    for label, rate in rows.items():
        print(f"| {label} | {rate:,.0f} | {rate / raw:.2f}x | {ours / rate:.2f}x |")
    print(
        f"goals: ours/raw {ours / raw:.2f}x (>= 0.9x), ours/tincan loop {ours / loop:.1f}x (>= 20x)"
    )


def new() -> str:
    return str(uuid.uuid4())


def raw_pull(endpoint: str, params: dict[str, str]) -> int:
    session = requests.Session()
    session.auth = ("bench", "bench")
    origin = endpoint.split("/xAPI/", maxsplit=1)[0]
    url: str | None = endpoint + "statements"
    query: dict[str, str] | None = params
    count = 0
    while url:
        body = session.get(url, params=query, headers=HEADERS, timeout=120).json()
        count += len(body["statements"])
        more = body.get("more")
        url, query = (origin + more, None) if more else (None, None)
    return count


def ours_pull(endpoint: str, params: dict[str, str]) -> int:
    with LRSClient(endpoint, ("bench", "bench"), version="1.0.3") as client:
        return sum(1 for _ in client.query(registration=params.get("registration"), limit=PAGE))


def load(server: RunningLRS, count: int, registration: str) -> None:
    """Store ``count`` statements, checking every one went in (retrying those that failed)."""
    loader = LRSClient(
        server.endpoint,
        ("bench", "bench"),
        batch=BatchLimits(max_count=1000),
        timeouts=Timeouts(connect=5, read=300),
    )
    pending: list[dict[str, Any]] = statements(count, registration)
    for _ in range(3):
        report = loader.deliver(pending)
        pending = [s for s, r in zip(pending, report, strict=True) if not r.delivered]
        if not pending:
            break
    else:
        raise RuntimeError(f"could not load {len(pending)} statements into Learning Locker")


def visible(server: RunningLRS, registration: str) -> int:
    """How many statements Learning Locker holds, asked in one page (no cursor involved)."""
    response = requests.get(
        server.endpoint + "statements",
        params={"registration": registration, "limit": "1000000", "format": "ids"},
        headers=HEADERS,
        timeout=300,
    )
    return len(response.json()["statements"])


def peak_mb(run: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def pull_round(server: RunningLRS) -> None:
    """Pull by registration, raw paging and ours alternately, then each again under tracemalloc.

    Learning Locker's memory store pages with ``_id > cursor`` where ``_id`` is a
    version-1 UUID string, whose leading field wraps every 429 s: statements stored
    on the other side of a wrap are skipped by ``more`` paging, for raw paging and
    our client alike. Both must see the same statements; any shortfall against a
    single unpaged read is printed.
    """
    for size in PULLS:
        registration = str(uuid.uuid4())
        load(server, size, registration)
        held = visible(server, registration)
        params = {"registration": registration, "limit": str(PAGE)}
        print(f"\npull {size:,} statements from Learning Locker (pages of {PAGE}, best of 2)")
        raw_s = ours_s = float("inf")
        for _ in range(2):  # alternate so neither gets only the warm server
            took, raw_n = timed(lambda p=params: raw_pull(server.endpoint, p))  # type: ignore[misc]
            raw_s = min(raw_s, took)
            took, ours_n = timed(lambda p=params: ours_pull(server.endpoint, p))  # type: ignore[misc]
            ours_s = min(ours_s, took)
            assert raw_n == ours_n, (raw_n, ours_n)
        raw_mb = peak_mb(lambda p=params: raw_pull(server.endpoint, p))  # type: ignore[misc]
        ours_mb = peak_mb(lambda p=params: ours_pull(server.endpoint, p))  # type: ignore[misc]
        if raw_n != held:
            print(f"(paging returned {raw_n:,} of the {held:,} held: Learning Locker's cursor)")
        shown = raw_n
        print("| client | statements/s | peak traced memory |")
        print("|---|---|---|")
        print(f"| raw requests paging | {shown / raw_s:,.0f} | {raw_mb:.1f} MB |")
        print(f"| lrs_client query | {shown / ours_s:,.0f} | {ours_mb:.1f} MB |")
        print(
            f"goals: ours/raw {raw_s / ours_s:.2f}x (>= 0.8x), "
            f"memory difference {ours_mb - raw_mb:+.1f} MB (within +20 MB)"
        )


def main() -> None:
    with NullSink() as sink:
        send_round("a null sink", sink.endpoint, rounds=5)
    workdir = Path(tempfile.mkdtemp(prefix="bench-ll-"))
    server = learning_locker(workdir)
    server.start()
    try:
        send_round("Learning Locker", server.endpoint, rounds=2, fresh=server.restart)
        server.restart()
        pull_round(server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
