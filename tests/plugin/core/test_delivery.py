"""Delivery against a real LRS: outage, poison statement, parked and retried."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core_helpers import (
    attended_statements,
    enqueue_attended,
    lrs_ids,
    outbox_counts,
    record_sessions,
    session_activity,
)
from flask import Flask
from sqlalchemy import select

from lrs_client import LRSClient, RetryPolicy, Timeouts
from plugin.cli import main
from plugin.db import Database
from plugin.jobs.delivery import BatchOutcome, DeliveryOptions, DeliveryWorker
from plugin.jobs.health import health
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.services import outbox
from plugin.services.outbox import now_ms
from tests.lrs_servers.servers import RunningLRS, learning_locker

FAST = DeliveryOptions(
    batch_size=200,
    lease_seconds=30,
    base_backoff_seconds=0.2,
    max_backoff_seconds=1.0,
    poll_seconds=0.1,
)


def _client(endpoint: str) -> LRSClient:
    return LRSClient(
        endpoint,
        username="ll-key",
        password="ll-secret",
        retry=RetryPolicy(max_attempts=2, max_total=1.0, base_delay=0.1),
        timeouts=Timeouts(connect=1.0, read=30.0),
    )


def _deliver_all(worker: DeliveryWorker, database: Database, total: int, within: float) -> None:
    deadline = time.monotonic() + within
    while outbox_counts(database).get("stored", 0) < total:
        assert time.monotonic() < deadline, f"not delivered in time: {outbox_counts(database)}"
        if not worker.run_once().claimed:
            time.sleep(0.1)


def test_records_written_while_the_lrs_is_down_are_all_delivered_once(
    database: Database, tmp_path: Path
) -> None:
    lrs = learning_locker(tmp_path / "lrs")  # not started: the LRS is down
    activity = session_activity()
    client = _client(lrs.endpoint)
    worker = DeliveryWorker(database, client, FAST)
    ids = record_sessions(database, activity, 1000)
    first = worker.run_once()
    assert (first.claimed, first.failed, first.stored, first.held) == (200, 200, 0, True)
    for _ in range(3):  # held: the worker only reads from the LRS, claims nothing
        assert worker.run_once() == BatchOutcome(held=True)
    ids += record_sessions(database, activity, 1000)  # more records while still down
    worker.run_once()
    counts = outbox_counts(database)
    assert counts == {"pending": len(ids)}, counts
    with database.session_scope() as session:
        (down,) = health(session)
    assert down.queue_depth == len(ids)
    assert down.oldest_pending_seconds is not None
    assert down.oldest_pending_seconds >= 0
    assert down.last_delivery_at is None
    assert down.held_since is not None
    assert "cannot reach the LRS" in (down.held_reason or "")
    with database.session_scope() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.last_error.is_not(None))).all()
        assert len(rows) == 200
        assert all("127.0.0.1" in (row.last_error or "") for row in rows)
        # The outage is the LRS's: the rows are due now and carry no attempt of their own.
        assert {row.attempts for row in rows} == {0}
        assert max(row.due_ms for row in rows) <= now_ms()
    lrs.start()
    try:
        _deliver_all(worker, database, len(ids), within=120)
        stored = lrs_ids(client, activity)
        assert set(stored) == {i.lower() for i in ids}
        assert max(stored.values()) == 1
        assert outbox_counts(database) == {"stored": len(ids)}
        with database.session_scope() as session:
            (figures,) = health(session)
        assert figures.queue_depth == 0
        assert figures.stored == len(ids)
        assert figures.last_delivery_at is not None
        assert figures.held_since is None
    finally:
        client.close()
        lrs.stop()


def test_a_poison_statement_is_parked_with_the_reason_and_retried_once_fixed(
    app: Flask, database: Database, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    activity = session_activity()
    statements = attended_statements(activity, 500)
    poison = statements[250]
    fixed = json.loads(json.dumps(poison))
    poison["actor"] = {"objectType": "Agent", "mbox": "not-an-email"}
    with database.session_scope() as session:
        outbox.enqueue(session, statements)
    client = _client(learning_locker.endpoint)
    worker = DeliveryWorker(database, client, DeliveryOptions(batch_size=500))
    batch = worker.run_once()
    assert (batch.claimed, batch.stored, batch.parked, batch.failed) == (500, 499, 1, 0)
    assert outbox_counts(database) == {"stored": 499, "parked": 1}
    with database.session_scope() as session:
        parked = session.scalars(
            select(OutboxRow).where(OutboxRow.state == OutboxState.PARKED)
        ).one()
        assert parked.statement_id == poison["id"]
        assert parked.last_status == 400
        reason = parked.last_error or ""
    assert "mbox" in reason  # Learning Locker's own words about the bad field
    held = lrs_ids(client, activity)
    assert len(held) == 499
    assert poison["id"] not in held

    runner = app.test_cli_runner()
    listed = runner.invoke(main, ["outbox", "parked"])
    assert listed.exit_code == 0, listed.output
    assert poison["id"] in listed.output
    assert "mbox" in listed.output
    status = runner.invoke(main, ["outbox", "status"])
    assert "parked 1" in status.output
    assert "stored 499" in status.output

    # The LRS's complaint is about the statement: correct it (same id) and retry.
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**fixed, "id": statements[0]["id"]}))
    refused = runner.invoke(main, ["outbox", "retry", poison["id"], "--replace", str(wrong)])
    assert refused.exit_code != 0
    assert "keep the id" in refused.output
    corrected = tmp_path / "fixed.json"
    corrected.write_text(json.dumps(fixed))
    retried = runner.invoke(main, ["outbox", "retry", poison["id"], "--replace", str(corrected)])
    assert retried.exit_code == 0, retried.output
    assert "1 statements queued again" in retried.output
    assert runner.invoke(main, ["outbox", "retry"]).exit_code != 0  # says what to give
    batch = worker.run_once()
    assert (batch.claimed, batch.stored) == (1, 1)
    assert outbox_counts(database) == {"stored": 500}
    held = lrs_ids(client, activity)
    assert len(held) == 500
    assert held[poison["id"]] == 1
    client.close()


def test_worker_and_outbox_commands_explain_bad_set_ups(app: Flask, database: Database) -> None:
    runner = app.test_cli_runner()  # this app has no LRS configured
    no_lrs = runner.invoke(main, ["worker", "--once"])
    assert no_lrs.exit_code == 1
    assert "LEADERLED_LRS_ENDPOINT" in no_lrs.output
    assert "Traceback" not in no_lrs.output
    nothing = runner.invoke(main, ["worker", "--no-delivery", "--no-sync"])
    assert nothing.exit_code == 2
    assert "nothing to do" in nothing.output
    unknown = runner.invoke(main, ["outbox", "retry", "00000000-0000-4000-8000-000000000000"])
    assert unknown.exit_code == 0
    assert "not parked" in unknown.output


def test_purge_removes_only_old_delivered_rows(app: Flask, database: Database) -> None:
    activity = session_activity()
    ids = enqueue_attended(database, activity, 3)
    with database.session_scope() as session:
        old, recent, _waiting = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        old.state = recent.state = OutboxState.STORED
        old.stored_at = datetime.now(UTC) - timedelta(days=40)
        recent.stored_at = datetime.now(UTC)
    result = app.test_cli_runner().invoke(main, ["outbox", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 delivered statements" in result.output
    with database.session_scope() as session:
        left = set(session.scalars(select(OutboxRow.statement_id)))
    assert left == {ids[1].lower(), ids[2].lower()}


def test_delivery_is_busy_only_while_a_live_worker_holds_statements(database: Database) -> None:
    """The sync gives way to a worker sending, not to a queue nobody is clearing."""
    from plugin.jobs.delivery import delivery_busy

    enqueue_attended(database, session_activity(), 3)
    assert not delivery_busy(database)  # due, but no worker has them
    with database.session_scope() as session:
        row = session.scalars(select(OutboxRow).limit(1)).one()
        row.state, row.lease_owner, row.due_ms = OutboxState.CLAIMED, "w", now_ms() + 60_000
    assert delivery_busy(database)
    with database.session_scope() as session:
        session.scalars(select(OutboxRow).where(OutboxRow.lease_owner == "w")).one().due_ms = 0
    assert not delivery_busy(database)  # the lease ran out: that worker is gone
