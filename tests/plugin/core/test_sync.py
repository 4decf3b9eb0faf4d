"""Sync of formal records from a real LRS: backfill interrupted and resumed, voids, identities."""

from __future__ import annotations

import time
import uuid
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
from plugin.config import LrsTarget
from plugin.db import Database
from plugin.demo.local_lrs import free_port
from plugin.jobs.health import health
from plugin.jobs.sync import GIVE_WAY_POLL, StartMode, Sync, SyncOptions
from plugin.models.formal import FormalRecord
from plugin.models.sync import SyncCursor
from plugin.services import identity
from plugin.services.formal import FormalEffort, formal_effort_of, formal_records_of
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
    resumed = Sync(database, lrs, options)
    assert resumed.start_point().mode is StartMode.RESUMED_BACKFILL
    result = resumed.run()
    assert result.complete
    assert result.start is not None
    assert result.start.mode is StartMode.RESUMED_BACKFILL
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


def test_the_first_sync_is_a_backfill_and_people_linked_later_are_attached(
    database: Database, lrs: LRSClient
) -> None:
    _push_formal(lrs)
    first = Sync(database, lrs, SyncOptions(overlap_seconds=0))
    assert first.start_point().mode is StartMode.BACKFILL
    result = first.run()
    assert result.statements == 300  # no cursor yet: the whole history
    assert Sync(database, lrs).start_point().mode is StartMode.INCREMENTAL
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
    done = runner.invoke(main, ["sync"])
    assert done.exit_code == 0, done.output
    assert "Syncing from the LRS's first statement (backfill)." in done.output
    assert "Pulled 300 statements" in done.output
    assert "300 formal records" in done.output
    assert "s3cret-pass" not in done.output
    again = runner.invoke(main, ["sync"])
    assert again.exit_code == 0, again.output
    assert "Syncing from statements stored since " in again.output
    assert "0 formal records" in again.output
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


def test_two_syncs_of_one_feed_do_not_run_at_once(database: Database, lrs: LRSClient) -> None:
    """PostgreSQL: an advisory lock; SQLite: a lock file next to the database."""
    from plugin.jobs.sync import SyncBusy

    with (
        Sync(database, lrs)._exclusive(),
        pytest.raises(SyncBusy, match="already running"),
    ):
        Sync(database, lrs).run(backfill=True)
    other_feed = Sync(database, lrs, SyncOptions(query="verb=completed"))
    with Sync(database, lrs)._exclusive():
        assert other_feed.run().complete
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


def test_backfill_after_the_workers_first_sync_pulls_the_whole_history(
    database_url: str, database: Database, own_lrs: RunningLRS, lrs: LRSClient
) -> None:
    """The README's order (worker, then ``sync --backfill``) and the reverse both work."""
    ann_id, _ = _people(database)
    _push_formal(lrs)
    configured = create_app(
        {
            "database_url": database_url,
            "lrs_endpoint": own_lrs.endpoint,
            "lrs_username": "ll-key",
            "lrs_password": "ll-secret",
        }
    )
    runner = configured.test_cli_runner()
    worked = runner.invoke(main, ["worker", "--once"])
    assert worked.exit_code == 0, worked.output
    with database.session_scope() as session:
        assert len(formal_records_of(session, ann_id)) == 75  # the worker's first sync
    backfill = runner.invoke(main, ["sync", "--backfill"])
    assert backfill.exit_code == 0, backfill.output
    assert "Syncing from the LRS's first statement (backfill)." in backfill.output
    assert "Pulled 300 statements" in backfill.output
    assert "300 formal records" in backfill.output
    assert _formal_count(database) == 300


CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def cmi5_session(registration: str, session_id: str) -> list[dict[str, Any]]:
    """One AU session as an LMS and a cmi5 AU write it (cmi5 sections 9.3 and 9.7)."""
    actor = {"objectType": "Agent", "account": {"homePage": MOODLE, "name": "42"}}
    au = {
        "objectType": "Activity",
        "id": "https://lms.example.org/courses/safety/au/1",
        "definition": {"name": {"en": "Safety basics, part 1"}},
    }
    course = {
        "id": "https://lms.example.org/courses/safety",
        "definition": {"type": COURSE, "name": {"en": "Safety basics"}},
    }
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def statement(
        minute: int,
        verb: str,
        *,
        defined: bool = True,
        moveon: bool = False,
        result: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        category = [{"id": CMI5}] if defined else []
        if moveon:
            category.append({"id": MOVEON})
        made: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "actor": actor,
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": au,
            "timestamp": (start + timedelta(minutes=minute)).isoformat(),
            "context": {
                "registration": registration,
                "contextActivities": {"grouping": [course], "category": category},
                "extensions": {SESSION_ID: session_id},
            },
        }
        if not category:
            del made["context"]["contextActivities"]["category"]
        if result is not None:
            made["result"] = result
        return made

    adl = "http://adlnet.gov/expapi/verbs/"
    return [
        statement(0, adl + "launched"),
        statement(1, adl + "initialized"),
        statement(5, adl + "experienced", defined=False),  # a cmi5-allowed page view
        statement(
            24, adl + "completed", moveon=True, result={"completion": True, "duration": "PT23M"}
        ),
        statement(
            25,
            adl + "passed",
            moveon=True,
            result={"success": True, "score": {"scaled": 0.9}, "duration": "PT24M"},
        ),
        statement(30, adl + "terminated", result={"duration": "PT30M"}),
    ]


def test_a_cmi5_session_yields_exactly_its_outcome_records(
    database: Database, lrs: LRSClient
) -> None:
    ann_id, _ = _people(database)
    registration = str(uuid.uuid4())
    session_statements = cmi5_session(registration, str(uuid.uuid4()))
    launched, initialized, *_, terminated = cmi5_session(registration, str(uuid.uuid4()))
    second_session = [launched, initialized, terminated]  # tried again, no outcome yet
    viewed = moodle_completion({"account": {"homePage": MOODLE, "name": "42"}}, 9, 1)
    viewed["verb"] = {"id": "http://id.tincanapi.com/verb/viewed", "display": {"en": "viewed"}}
    del viewed["result"]
    lrs.send([*session_statements, *second_session, viewed])
    result = Sync(database, lrs).run()
    assert result.statements == 10
    assert result.outcomes == 2
    assert result.upserted == 6  # 2 outcomes, 2 attempts opened, 2 sessions closed
    assert result.ignored == 4  # launched twice, the page view, Moodle's course view
    with database.session_scope() as session:
        records = formal_records_of(session, ann_id)
        verbs = sorted(r.verb.rsplit("/", 1)[-1] for r in records)
        assert verbs == ["completed", "passed"]
        ids = {r.statement_id for r in records}
        assert ids == {session_statements[3]["id"], session_statements[4]["id"]}
        passed = next(r for r in records if r.verb.endswith("passed"))
        assert (passed.success, passed.score_scaled, passed.registration) == (
            True,
            0.9,
            registration,
        )
        effort = formal_effort_of(session, ann_id)
    # Two sessions opened; time is the sessions' own (30 + 30 min), not their steps'.
    assert effort == FormalEffort(attempts=2, seconds=3600.0)


def test_the_sync_gives_way_while_delivery_has_work(database: Database, lrs: LRSClient) -> None:
    _push_formal(lrs)
    asked: list[float] = []

    def delivery_busy() -> bool:
        asked.append(time.monotonic())
        return len(asked) in (1, 2)  # busy after the first page, for two looks

    started = time.monotonic()
    result = Sync(database, lrs, SyncOptions(page_size=100), yield_to=delivery_busy).run()
    assert result.complete
    assert result.outcomes == 300
    assert len(asked) == result.pages + 2  # after each page, and twice more while it waited
    assert asked[1] - asked[0] >= GIVE_WAY_POLL * 0.9
    assert asked[2] - asked[1] >= GIVE_WAY_POLL * 0.9
    assert time.monotonic() - started >= 2 * GIVE_WAY_POLL * 0.9


def test_sync_pulls_from_every_source_lrs_and_skips_the_others(
    database_url: str,
    database: Database,
    own_lrs: RunningLRS,
    lrs: LRSClient,
    ralph_empty: RunningLRS,
) -> None:
    """Several LRSs: each source has its own cursor; one that is not a source is never read."""
    ann = {"account": {"homePage": MOODLE, "name": "42"}}
    at_ll = [i.lower() for i in lrs.send([moodle_completion(ann, c, c) for c in range(3)])]
    with LRSClient(
        ralph_empty.endpoint, username=ralph_empty.username, password=ralph_empty.password
    ) as ralph:
        at_ralph = [
            i.lower() for i in ralph.send([moodle_completion(ann, c, c) for c in range(10, 12)])
        ]
    configured = create_app(
        {
            "database_url": database_url,
            "lrs_endpoint": own_lrs.endpoint,
            "lrs_username": "ll-key",
            "lrs_password": "ll-secret",
            "lrs_servers": (
                LrsTarget(
                    "ralph",
                    ralph_empty.endpoint,
                    username=ralph_empty.username,
                    password=ralph_empty.password,
                    send=False,
                ),
                # Not a source: nothing listens there, and nothing may try to read it.
                LrsTarget("mirror", f"http://127.0.0.1:{free_port()}/xAPI/", pull=False),
            ),
        }
    )
    runner = configured.test_cli_runner()
    done = runner.invoke(main, ["sync"])
    assert done.exit_code == 0, done.output
    assert "LRS default: Pulled 3 statements" in done.output
    assert "LRS ralph: Pulled 2 statements" in done.output
    assert "mirror" not in done.output
    with database.session_scope() as session:
        pulled = dict(session.execute(select(FormalRecord.statement_id, FormalRecord.lrs)).all())
        cursors = set(session.scalars(select(SyncCursor.lrs)))
    assert pulled == {**dict.fromkeys(at_ll, "default"), **dict.fromkeys(at_ralph, "ralph")}
    assert cursors == {"default", "ralph"}
    one = runner.invoke(main, ["sync", "--lrs", "ralph"])
    assert one.exit_code == 0, one.output
    assert "LRS ralph: Pulled" in one.output
    assert "LRS default" not in one.output
    unknown = runner.invoke(main, ["sync", "--lrs", "nowhere"])
    assert unknown.exit_code == 1
    assert "no LRS named 'nowhere' is configured" in unknown.output
