"""Property: any batch with poison statements anywhere is delivered exactly once,
except exactly the poison statements, which carry the LRS's reason (real Learning Locker)."""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrs_client import BatchLimits, LRSClient, Outcome
from tests.lrs_client.faults import FaultProxy
from tests.lrs_client.helpers import poison, statement
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs


@pytest.fixture(scope="module")
def proxy(learning_locker_process: RunningLRS) -> Iterator[FaultProxy]:
    with FaultProxy(f"http://127.0.0.1:{learning_locker_process.port}") as running:
        yield running


@st.composite
def batches(draw: st.DrawFn) -> tuple[int, set[int], int]:
    size = draw(st.integers(min_value=1, max_value=60))
    poisoned = draw(st.sets(st.integers(min_value=0, max_value=size - 1), max_size=4))
    chunk = draw(st.sampled_from([7, 16, 500]))
    return size, poisoned, chunk


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=batches())
def test_poison_statements_are_isolated_and_the_rest_stored_once(
    proxy: FaultProxy, learning_locker: RunningLRS, case: tuple[int, set[int], int]
) -> None:
    size, poisoned, chunk = case
    registration = str(uuid.uuid4())
    batch = [
        poison(registration, n=i) if i in poisoned else statement(registration, n=i)
        for i in range(size)
    ]
    proxy.log.clear()
    client = LRSClient(proxy.endpoint, version="1.0.3", batch=BatchLimits(max_count=chunk))
    report = client.deliver(batch)

    assert [r.statement_id for r in report] == [s["id"] for s in batch]
    for i, result in enumerate(report):
        if i in poisoned:
            assert result.outcome is Outcome.REJECTED
            assert result.http_status == 400
            assert "actor.mbox" in result.reason
        else:
            assert result.outcome is Outcome.STORED, result

    accepted = Counter(
        item["id"]
        for seen in proxy.seen("POST", "forwarded")
        if seen.status == 200
        for item in json.loads(seen.body)
    )
    good = {s["id"] for i, s in enumerate(batch) if i not in poisoned}
    assert set(accepted) == good
    assert all(count == 1 for count in accepted.values())
    stored = [s["id"] for s in LRSClient(learning_locker.endpoint).query(registration=registration)]
    assert sorted(stored) == sorted(good)

    chunks = math.ceil(size / chunk)
    per_poison = 2 * math.ceil(math.log2(min(size, chunk))) + 1 if size > 1 else 1
    assert len(proxy.seen("POST")) <= chunks + len(poisoned) * per_poison
