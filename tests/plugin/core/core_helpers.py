"""Builders of test data and checks against the real LRS, shared by the core tests."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lrs_client import LRSClient
from plugin.db import Database
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.people import Person
from plugin.models.records import LeaderLedRecord, ParticipantRole, RecordKind, RecordParticipant
from plugin.services import outbox, recording
from statements.builders import (
    KnowledgeSession,
    SessionTaught,
    Text,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.identity import Identity

MOODLE = "https://moodle.example.org"
ROOT = Path(__file__).resolve().parents[3]
LEADERLED = str(Path(sys.executable).parent / "leaderled")


def session_activity() -> KnowledgeSession:
    """A knowledge session with an id no other test uses (the LRS filter key)."""
    return KnowledgeSession(
        id=f"https://leaderled.test/sessions/{uuid.uuid4()}",
        title=Text(en="Our products in ten minutes"),
        topic="products",
    )


def attended_statements(activity: KnowledgeSession, count: int) -> list[dict[str, Any]]:
    """``count`` attendance statements of one session, built by the real builder."""
    leader = Identity.account(MOODLE, "leader-1")
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    return [
        knowledge_session_attended(
            SessionTaught(
                leader, activity, start, timedelta(minutes=30), (Identity.account(MOODLE, f"u{i}"),)
            ).attendances()[0]
        )
        for i in range(count)
    ]


def enqueue_attended(database: Database, activity: KnowledgeSession, count: int) -> list[str]:
    """Queue ``count`` statements in one transaction; returns their ids."""
    statements = attended_statements(activity, count)
    with database.session_scope() as session:
        outbox.enqueue(session, statements)
    return [s["id"] for s in statements]


def record_sessions(database: Database, activity: KnowledgeSession, records: int) -> list[str]:
    """Record ``records`` knowledge sessions (taught + one attendance each) via the service."""
    leader_identity = Identity.account(MOODLE, "leader-1")
    ids: list[str] = []
    with database.session_scope() as session:
        leader = Person(display_name="Leader")
        learner = Person(display_name="Learner")
        session.add_all([leader, learner])
        session.flush()
        start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        for n in range(records):
            event = SessionTaught(
                leader_identity,
                activity,
                start + timedelta(minutes=n),
                timedelta(minutes=20),
                (Identity.account(MOODLE, f"learner-{n}"),),
            )
            statements = [knowledge_session_taught(event)] + [
                knowledge_session_attended(a) for a in event.attendances()
            ]
            row = LeaderLedRecord(
                kind=RecordKind.KNOWLEDGE_SESSION,
                leader_id=leader.id,
                occurred_at=event.occurred_at,
                duration_seconds=1200,
                topic="products",
                details={},
            )
            recording.record(
                session,
                row,
                statements,
                participants=[
                    RecordParticipant(person_id=learner.id, role=ParticipantRole.ATTENDEE)
                ],
            )
            ids.extend(s["id"] for s in statements)
    return ids


# One page holds every statement a test sends. Learning Locker's memory mode
# pages with a v1-UUID cursor whose low 32 time bits wrap every 429.5 s: a
# paged read of statements stored across a wrap skips some, so a test that ran
# long (a loaded machine) failed now and then. One page has no cursor.
READ_BACK_LIMIT = 50_000


def lrs_ids(client: LRSClient, activity: KnowledgeSession) -> Counter[str]:
    """How many times the LRS returns each statement id of ``activity``."""
    query = client.query(activity=activity.id, related_activities=False, limit=READ_BACK_LIMIT)
    return Counter(str(s["id"]).lower() for s in query)


def outbox_counts(database: Database) -> dict[str, int]:
    with database.session_scope() as session:
        rows = session.execute(
            select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
        ).all()
    return {OutboxState(state).value: int(n) for state, n in rows}


def worker_env(database_url: str, endpoint: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        {
            "LEADERLED_DATABASE_URL": database_url,
            "LEADERLED_LRS_ENDPOINT": endpoint,
            "LEADERLED_LRS_USERNAME": "ll-key",
            "LEADERLED_LRS_PASSWORD": "ll-secret",
            "LEADERLED_SECRET_KEY": "test",
        }
    )
    env.update({"LEADERLED_" + k.upper(): v for k, v in settings.items()})
    return env


#: Every worker the tests started: killed, children and all, when the test run
#: ends (an interrupted run must not leave workers delivering).
_STARTED: list[subprocess.Popen[bytes]] = []


@atexit.register
def _kill_started() -> None:
    for process in _STARTED:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


def start_worker(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    """``leaderled worker --no-sync`` as a real process (what an operator runs), in
    a process group of its own with its children (a test can kill them all)."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [LEADERLED, "worker", "--no-sync", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _STARTED.append(process)
    return process
