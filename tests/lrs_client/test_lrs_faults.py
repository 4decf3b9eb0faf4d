"""Faults injected in front of the real Learning Locker service: timing and what got stored."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lrs_client import (
    AuthError,
    BatchLimits,
    LRSClient,
    Outcome,
    RetryPolicy,
    SetupError,
    Timeouts,
)
from tests.lrs_client.faults import FaultProxy, hang, reply, reset, stall
from tests.lrs_client.helpers import poison, statement
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs

FAST_RETRY = RetryPolicy(max_attempts=4, max_total=10, base_delay=0.05, max_delay=0.2)


@pytest.fixture
def proxy(learning_locker: RunningLRS) -> Iterator[FaultProxy]:
    with FaultProxy(f"http://127.0.0.1:{learning_locker.port}") as running:
        yield running


def make_client(proxy: FaultProxy, **options: object) -> LRSClient:
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeouts", Timeouts(connect=1, read=2))
    return LRSClient(proxy.endpoint, ("key", "secret"), version="1.0.3", **options)  # type: ignore[arg-type]


def stored_ids(learning_locker: RunningLRS, registration: str) -> list[str]:
    direct = LRSClient(learning_locker.endpoint, version="1.0.3")
    return [s["id"] for s in direct.query(registration=registration)]


def test_429_with_retry_after_seconds_waits_then_delivers(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.add(reply(429, {"message": "slow down"}, **{"Retry-After": "1"}))
    batch = [statement(fresh_registration, n=i) for i in range(3)]
    started = time.monotonic()
    report = make_client(proxy).deliver(batch)
    elapsed = time.monotonic() - started
    assert [r.outcome for r in report] == [Outcome.STORED] * 3
    assert 1.0 <= elapsed < 4.0
    assert [s.action for s in proxy.seen("POST")] == ["fault", "forwarded"]
    assert sorted(stored_ids(learning_locker, fresh_registration)) == sorted(s["id"] for s in batch)


def test_retry_after_as_http_date_is_honoured(proxy: FaultProxy, fresh_registration: str) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    proxy.add(reply(503, None, **{"Retry-After": when}))
    started = time.monotonic()
    report = make_client(proxy).deliver([statement(fresh_registration)])
    elapsed = time.monotonic() - started
    assert report[0].outcome is Outcome.STORED
    assert 0.9 <= elapsed < 4.5  # the date has one-second resolution


def test_503_twice_then_stored_once(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.add(reply(503, {"message": "maintenance"}), times=2)
    sent = statement(fresh_registration)
    report = make_client(proxy).deliver([sent])
    assert report[0].outcome is Outcome.STORED
    assert report.stats.retries == 2
    assert stored_ids(learning_locker, fresh_registration) == [sent["id"]]


def test_retry_after_beyond_the_time_budget_gives_up_at_once(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.add(reply(429, {"message": "come back tomorrow"}, **{"Retry-After": "3600"}))
    started = time.monotonic()
    report = make_client(proxy).deliver([statement(fresh_registration)])
    assert time.monotonic() - started < 2.0
    assert report[0].outcome is Outcome.FAILED
    assert report[0].http_status == 429
    assert "come back tomorrow" in report[0].reason
    assert stored_ids(learning_locker, fresh_registration) == []


def test_413_splits_until_batches_fit(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    batch = [statement(fresh_registration, n=i) for i in range(40)]
    proxy.max_body = 4000
    report = make_client(proxy, batch=BatchLimits(max_count=100)).deliver(batch)
    assert all(r.outcome is Outcome.STORED for r in report)
    assert report.stats.splits_413 > 0
    assert all(len(s.body) <= 4000 for s in proxy.seen("POST", "forwarded"))
    stored = stored_ids(learning_locker, fresh_registration)
    assert sorted(stored) == sorted(s["id"] for s in batch)


def test_single_statement_too_large_is_rejected_and_the_rest_delivered(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    big = statement(fresh_registration, n=99)
    big["result"] = {"response": "x" * 5000}
    small = [statement(fresh_registration, n=i) for i in range(3)]
    proxy.max_body = 4000
    report = make_client(proxy).deliver([small[0], big, small[1], small[2]])
    assert report[1].outcome is Outcome.REJECTED
    assert report[1].http_status == 413
    assert [r.outcome for i, r in enumerate(report) if i != 1] == [Outcome.STORED] * 3
    assert sorted(stored_ids(learning_locker, fresh_registration)) == sorted(s["id"] for s in small)


def test_connection_reset_is_retried(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.add(reset(), times=2)
    sent = statement(fresh_registration)
    report = make_client(proxy).deliver([sent])
    assert report[0].outcome is Outcome.STORED
    assert [s.action for s in proxy.seen("POST")] == ["reset", "reset", "forwarded"]
    assert stored_ids(learning_locker, fresh_registration) == [sent["id"]]


def test_read_timeout_after_the_lrs_stored_it_still_stores_once(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    """The first POST reaches the LRS only after we gave up; the resend must not duplicate."""
    proxy.add(stall(1.5), times=1)
    sent = statement(fresh_registration)
    client = make_client(proxy, timeouts=Timeouts(connect=1, read=0.5))
    started = time.monotonic()
    report = client.deliver([sent])
    assert report[0].outcome is Outcome.STORED
    assert time.monotonic() - started < 4.0
    time.sleep(1.2)  # let the stalled request reach the LRS too
    assert len(proxy.seen("POST", "forwarded")) == 2
    assert stored_ids(learning_locker, fresh_registration) == [sent["id"]]


def test_server_that_never_answers_fails_within_the_bounds(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.add(hang(), times=10)
    policy = RetryPolicy(max_attempts=3, max_total=5, base_delay=0.05, max_delay=0.1)
    client = make_client(proxy, timeouts=Timeouts(connect=1, read=0.4), retry=policy)
    started = time.monotonic()
    report = client.deliver([statement(fresh_registration)])
    elapsed = time.monotonic() - started
    assert report[0].outcome is Outcome.FAILED
    assert "no answer within 0.4s" in report[0].reason
    assert 1.2 <= elapsed < 4.0
    assert len(proxy.seen("POST", "hang")) == 3
    assert stored_ids(learning_locker, fresh_registration) == []


def test_unreachable_lrs_fails_fast_with_a_clear_reason() -> None:
    from plugin.demo.local_lrs import free_port

    client = LRSClient(
        f"http://127.0.0.1:{free_port()}/xAPI/",
        version="1.0.3",
        retry=RetryPolicy(max_attempts=2, base_delay=0.05),
    )
    started = time.monotonic()
    report = client.deliver([statement()])
    assert time.monotonic() - started < 3.0
    assert report[0].outcome is Outcome.FAILED
    assert "cannot reach the LRS" in report[0].reason


def test_resend_to_an_lrs_that_409s_stored_ids_is_already_stored_in_n_plus_1_requests(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    """The crash-recovery resend, with the proxy answering 409 as ADL's LRS does."""
    batch = [statement(fresh_registration, n=i) for i in range(40)]
    assert make_client(proxy).deliver(batch).tally(Outcome.STORED) == 40
    conflict = reply(409, {"message": "Statement already exists"})
    conflict.method = "POST"
    proxy.add(conflict)
    proxy.log.clear()
    report = make_client(proxy).deliver(batch)
    assert [r.statement_id for r in report] == [s["id"] for s in batch]
    assert [r.outcome for r in report] == [Outcome.ALREADY_STORED] * 40
    assert len(proxy.seen("POST")) == 1
    assert len(proxy.seen("GET", "forwarded")) == 40
    assert len(proxy.log) <= 40 + 2
    assert sorted(stored_ids(learning_locker, fresh_registration)) == sorted(s["id"] for s in batch)


# -- refused connections are not poison statements (ADL's 400 without credentials) --------


def test_missing_credentials_answered_400_raise_and_reject_nothing(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    proxy.refuse_unauthenticated()  # ADL: 400 "Request has no authorization"
    anonymous = LRSClient(proxy.endpoint, version="1.0.3", retry=FAST_RETRY)
    batch = [statement(fresh_registration, n=i) for i in range(20)]
    with pytest.raises(AuthError) as raised:
        anonymous.deliver(batch)
    assert raised.value.status == 400
    assert "Request has no authorization" in str(raised.value)
    assert len(proxy.seen("POST")) == 1  # no bisection: 20 statements, one request
    assert stored_ids(learning_locker, fresh_registration) == []
    # The same statements with credentials go through: they were never at fault.
    assert make_client(proxy).deliver(batch).tally(Outcome.STORED) == 20


def test_statements_and_a_read_refused_alike_are_a_setup_error(
    proxy: FaultProxy, fresh_registration: str
) -> None:
    """Whatever the words: when a plain read is refused too, the connection is at fault."""
    proxy.refuse_unauthenticated(body=b"Bad Request")
    anonymous = LRSClient(proxy.endpoint, version="1.0.3", retry=FAST_RETRY)
    with pytest.raises(SetupError, match="and a plain read as well") as raised:
        anonymous.deliver([statement(fresh_registration, n=i) for i in range(20)])
    assert "no statement is at fault" in str(raised.value)
    assert [s.method for s in proxy.log] == ["POST", "GET"]


def test_identical_refusals_before_any_accepted_write_are_held_not_rejected(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    """Reads work, every write is refused with the same words: held until the LRS shows
    it accepts our statements; then a statement it refuses alone is poison."""
    proxy.refuse_unauthenticated(body=b"invalid request", methods=frozenset({"POST"}))
    client = LRSClient(proxy.endpoint, version="1.0.3", retry=FAST_RETRY)
    batch = [statement(fresh_registration, n=i) for i in range(20)]
    report = client.deliver(batch)
    assert {r.outcome for r in report} == {Outcome.FAILED}
    assert "held, not parked: the LRS refused all 20 statements alike" in report[0].reason
    assert stored_ids(learning_locker, fresh_registration) == []

    proxy.unauthenticated = None  # the proxy is fixed
    assert client.deliver(batch).tally(Outcome.STORED) == 20
    proxy.refuse_unauthenticated(body=b"invalid request", methods=frozenset({"POST"}))
    refused = client.deliver([statement(fresh_registration, n=21), statement(n=22)])
    assert {r.outcome for r in refused} == {Outcome.REJECTED}  # the LRS accepts ours: poison


def test_a_lone_poison_statement_is_still_rejected_by_a_fresh_client(
    proxy: FaultProxy, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    bad = poison(fresh_registration)
    report = make_client(proxy).deliver([bad])
    assert report[0].outcome is Outcome.REJECTED
    assert report[0].http_status == 400
    # The read after the refusal showed that the connection works.
    assert [(s.method, s.action) for s in proxy.log] == [
        ("POST", "forwarded"),
        ("GET", "forwarded"),
    ]
    several = [poison(fresh_registration, n=i) for i in range(3)]
    mixed = make_client(proxy).deliver([*several, statement(fresh_registration, n=9)])
    assert [r.outcome for r in mixed] == [Outcome.REJECTED] * 3 + [Outcome.STORED]
