"""Sync of formal records from a real LRS: backfill interrupted and resumed, voids, identities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from core_helpers import (
    MOODLE,
    attended_statements,
    enqueue_attended,
    lrs_ids,
    session_activity,
)
from flask import Flask
from sqlalchemy import func, select

from lrs_client import LRSClient
from plugin import create_app
from plugin.cli import main
from plugin.db import Database
from plugin.jobs.health import health
from plugin.jobs.sync import Sync, SyncOptions
from plugin.models.formal import FormalRecord
from plugin.models.sync import SyncCursor
from plugin.services import identity
from plugin.services.formal import formal_records_of
from statements.identity import Identity
from tests.lrs_servers.servers import RunningLRS, learning_locker

COURSE = "https://w3id.org/xapi/cmi5/activitytype/course"
INFO = "http://lrs.learninglocker.net/define/extensions/info"


@pytest.fixture(scope="module")
def own_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLRS]:
    """A Learning Locker of this module alone: the sync sees exactly what the tests put in."""
    server = learning_locker(tmp_path_factory.mktemp("sync-lrs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs(own_lrs: RunningLRS) -> Iterator[LRSClient]:
    own_lrs.restart()  # memory mode: empty again
    client = LRSClient(own_lrs.endpoint, username="ll-key", password="ll-secret")
    yield client
    client.close()


def moodle_completion(actor: dict[str, Any], course: int, n: int) -> dict[str, Any]:
    """A course completion as Moodle's xAPI log store writes it (no id: the LRS client adds one)."""
    return {
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": f"{MOODLE}/course/view.php?id={course}",
            "definition": {"type": COURSE, "name": {"en": f"Course {course}"}},
        },
        "timestamp": (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat(),
        "result": {"completion": True},
        "context": {
            "platform": "Moodle",
            "language": "en",
            "extensions": {INFO: {"http://moodle.org": "4.1.2", "event_name": "course_completed"}},
            "contextActivities": {"category": [{"id": "http://moodle.org"}]},
        },
    }


ANN = Identity.account(MOODLE, "42")
BOB = Identity.mbox("bob@example.org")


def _people(database: Database) -> tuple[int, int]:
    with database.session_scope() as session:
        ann = identity.person_for(session, [ANN], display_name="Ann")
        bob = identity.person_for(session, [BOB], display_name="Bob")
        return ann.id, bob.id


def _push_formal(lrs: LRSClient) -> dict[str, list[str]]:
    """300 completions: Ann by account, Bob by mbox and by mbox_sha1sum, a stranger by account."""
    actors = {
        "ann": {"name": "Ann", "account": {"homePage": MOODLE, "name": "42"}},
        "bob": {"mbox": "mailto:Bob@Example.org"},
        "bob_sha1": {"mbox_sha1sum": BOB.sha1().value},
        "stranger": {"account": {"homePage": MOODLE, "name": "999"}},
    }
    ids: dict[str, list[str]] = {}
    for who, actor in actors.items():
        batch = [moodle_completion(actor, course, n) for n, course in enumerate(range(75))]
        ids[who] = [i.lower() for i in lrs.send(batch)]
    return ids


def _formal_count(database: Database) -> int:
    with database.session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(FormalRecord)) or 0)


class Crash(Exception):
    """Stands in for the process dying between pages."""


def test_backfill_interrupted_and_resumed_lands_each_record_once(
    database: Database, lrs: LRSClient
) -> None:
    ann_id, bob_id = _people(database)
    ids = _push_formal(lrs)
    lrs.send(attended_statements(session_activity(), 20))  # ours: skipped by the sync
    options = SyncOptions(page_size=40, overlap_seconds=60, backfill_overlap_seconds=60)
    pages = 0

    def crash_after_three(_count: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise Crash

    with pytest.raises(Crash):
        Sync(database, lrs, options).run(backfill=True, on_page=crash_after_three)
    assert 0 < _formal_count(database) < 300
    with database.session_scope() as session:
        cursor = session.scalars(select(SyncCursor)).one()
        assert cursor.cursor_json
        assert cursor.pulled == 120

    with database.session_scope() as session:
        assert health(session)[0].last_sync_at is None  # the interrupted run did not finish
    result = Sync(database, lrs, options).run(backfill=True)
    assert result.complete
    assert result.skipped == 20
    with database.session_scope() as session:
        assert health(session)[0].last_sync_at is not None
    with database.session_scope() as session:
        rows = session.execute(select(FormalRecord.statement_id, FormalRecord.person_id)).all()
        assert len(rows) == 300
        # The resumed run re-read the overlap window but skipped what the cursor had seen.
        seen_twice = select(func.count()).where(FormalRecord.attempts_seen != 1)
        assert session.scalar(seen_twice) == 0
        owner = dict(rows)
        assert {owner[i] for i in ids["ann"]} == {ann_id}
        assert {owner[i] for i in ids["bob"] + ids["bob_sha1"]} == {bob_id}
        assert {owner[i] for i in ids["stranger"]} == {None}
        ann_rows = formal_records_of(session, ann_id)
        assert len(ann_rows) == 75
        first = ann_rows[-1]
        assert (first.origin, first.source, first.kind) == ("formal", "moodle", "achievement")
        assert first.completion is True
        assert first.activity_id == f"{MOODLE}/course/view.php?id=0"
    # Nothing new: a rerun reads only the overlap window and adds nothing.
    again = Sync(database, lrs, options).run()
    assert again.upserted == 0
    assert _formal_count(database) == 300


def test_a_voided_formal_statement_disappears_locally(database: Database, lrs: LRSClient) -> None:
    ann_id, _ = _people(database)
    ids = _push_formal(lrs)
    options = SyncOptions(page_size=100, overlap_seconds=60)
    Sync(database, lrs, options).run(backfill=True)
    target = ids["ann"][10]
    with database.session_scope() as session:
        assert target in {r.statement_id for r in formal_records_of(session, ann_id)}
    lrs.void(target, {"mbox": "mailto:admin@example.org"}, reason="recorded for the wrong user")
    result = Sync(database, lrs, options).run()
    assert result.voided == 1
    with database.session_scope() as session:
        visible = {r.statement_id for r in formal_records_of(session, ann_id)}
        assert target not in visible
        assert len(visible) == 74
        assert session.get_one(FormalRecord, target).voided is True


def test_first_incremental_sync_starts_now_and_people_linked_later_are_attached(
    database: Database, lrs: LRSClient
) -> None:
    _push_formal(lrs)
    result = Sync(database, lrs, SyncOptions(overlap_seconds=0)).run()
    assert result.statements == 0  # history is the backfill's job
    Sync(database, lrs, SyncOptions(page_size=500)).run(backfill=True)
    with database.session_scope() as session:
        assert session.scalar(select(func.count()).where(FormalRecord.person_id.is_not(None))) == 0
    ann_id, bob_id = _people(database)
    from plugin.jobs.sync import relink_people

    assert relink_people(database) == 225
    with database.session_scope() as session:
        assert len(formal_records_of(session, ann_id)) == 75
        assert len(formal_records_of(session, bob_id)) == 150


def test_sync_command_reports_progress_and_readable_errors(
    database_url: str, app: Flask, own_lrs: RunningLRS, lrs: LRSClient
) -> None:
    _push_formal(lrs)
    configured = create_app(
        {
            "database_url": database_url,
            "lrs_endpoint": own_lrs.endpoint,
            "lrs_username": "ll-key",
            "lrs_password": "s3cret-pass",
        }
    )
    runner = configured.test_cli_runner()
    done = runner.invoke(main, ["sync", "--backfill", "--from-start"])
    assert done.exit_code == 0, done.output
    assert "Pulled 300 statements" in done.output
    assert "s3cret-pass" not in done.output
    unconfigured = app.test_cli_runner().invoke(main, ["sync"])
    assert unconfigured.exit_code == 1
    assert "LEADERLED_LRS_ENDPOINT" in unconfigured.output
    assert "Traceback" not in unconfigured.output
    own_lrs.stop()
    try:
        down = runner.invoke(main, ["sync"])
        assert down.exit_code == 1
        assert "resumes where it stopped" in down.output
    finally:
        own_lrs.start()


def test_two_syncs_of_one_feed_do_not_run_at_once(
    database: Database, database_url: str, lrs: LRSClient
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one worker (file lock); the advisory lock is PostgreSQL's")
    from plugin.jobs.sync import SyncBusy, _advisory_lock

    with (
        _advisory_lock(database, "leaderled sync default all"),
        pytest.raises(SyncBusy, match="already running"),
    ):
        Sync(database, lrs).run(backfill=True)
    assert Sync(database, lrs).run(backfill=True).complete


def test_a_corrected_record_round_trips_without_becoming_a_formal_record(
    database: Database, lrs: LRSClient
) -> None:
    from plugin.jobs.delivery import DeliveryWorker
    from plugin.models.people import Person
    from plugin.models.records import LeaderLedRecord, RecordKind
    from plugin.services import recording

    activity = session_activity()
    first, second = attended_statements(activity, 1), attended_statements(activity, 1)
    with database.session_scope() as session:
        leader = Person(display_name="Leader")
        session.add(leader)
        session.flush()
        row = LeaderLedRecord(
            kind=RecordKind.KNOWLEDGE_SESSION,
            leader_id=leader.id,
            occurred_at=datetime(2026, 11, 3, tzinfo=UTC),
            details={},
        )
        recording.record(session, row, first)
        row_id = row.id
    worker = DeliveryWorker(database, lrs)
    assert worker.run_once().stored == 1
    with database.session_scope() as session:
        row = session.get_one(LeaderLedRecord, row_id)
        recording.correct(session, row, second, recording.voiding_by(Identity.account(MOODLE, "l")))
    assert worker.run_once().stored == 2
    assert lrs.get_voided(first[0]["id"])["id"] == first[0]["id"]
    result = Sync(database, lrs).run(backfill=True)
    # The LRS hides the voided original; the void and the correction are ours.
    assert (result.statements, result.skipped, result.voided) == (2, 2, 1)
    assert _formal_count(database) == 0


def test_worker_once_delivers_and_syncs_from_the_saved_cursor(
    database_url: str, database: Database, own_lrs: RunningLRS, lrs: LRSClient
) -> None:
    ann_id, _ = _people(database)
    configured = create_app(
        {
            "database_url": database_url,
            "lrs_endpoint": own_lrs.endpoint,
            "lrs_username": "ll-key",
            "lrs_password": "ll-secret",
        }
    )
    runner = configured.test_cli_runner()
    assert runner.invoke(main, ["sync", "--backfill"]).exit_code == 0  # empty LRS: sets the cursor
    newer = lrs.send([moodle_completion({"account": {"homePage": MOODLE, "name": "42"}}, 5, 1)])
    activity = session_activity()
    queued = enqueue_attended(database, activity, 30)
    done = runner.invoke(main, ["worker", "--once"])
    assert done.exit_code == 0, done.output
    assert "30 statements delivered" in done.output
    assert set(lrs_ids(lrs, activity)) == set(queued)
    with database.session_scope() as session:
        assert [r.statement_id for r in formal_records_of(session, ann_id)] == [newer[0].lower()]
