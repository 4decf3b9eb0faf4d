"""Upgrades with data: a database filled by an earlier release keeps every row.

The database is migrated to revision 0052 (before the LTI security,
API and several-LRS migrations), filled through plain SQL as that release
wrote it (people, a team, records with participants and statements, an
outbox with statements pending, in flight, stored and parked, a sync cursor,
delivery events), upgraded by ``leaderled db upgrade`` as an operator runs
it, and compared row by row. Then today's worker delivers the statements
the old release had left waiting: nothing recorded before the upgrade is
lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from lrs_client import LRSClient
from plugin import migrate
from tests.conftest import _postgres_database
from tests.lrs_servers.servers import RunningLRS
from tests.plugin.core.core_helpers import attended_statements, lrs_ids, session_activity

ROOT = Path(__file__).resolve().parents[2]
LEADERLED = str(Path(sys.executable).parent / "leaderled")
EARLIER = "0052"
NOW = "2026-06-01 09:00:00+00:00"


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, on the engine under test."""
    selected = os.environ.get("LEADERLED_TEST_DATABASE", "sqlite")
    if selected.startswith("postgresql"):
        yield from _postgres_database(selected)
    else:
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"


def _fill(url: str, statements: list[dict[str, Any]]) -> None:
    """Rows as the release at revision 0052 wrote them (enum columns hold names)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        run = conn.execute
        run(
            text(
                "INSERT INTO person (id, display_name, email, locale, created_at, statement_key) "
                "VALUES (1, 'Lea Leader', 'lea@example.org', 'nl', :t, 'account:moodle|lea'), "
                "(2, 'Len Learner', NULL, NULL, :t, NULL)"
            ),
            {"t": NOW},
        )
        run(
            text(
                "INSERT INTO team (id, platform_issuer, context_id, title, label, created_at) "
                "VALUES (1, 'https://moodle.example.org', 'c-7', 'Sales', 'S', :t)"
            ),
            {"t": NOW},
        )
        for n in (1, 2):
            run(
                text(
                    "INSERT INTO leader_led_record (id, kind, state, leader_id, team_id, title, "
                    "topic, occurred_at, duration_seconds, details, notes, created_at, "
                    "updated_at) VALUES (:id, 'KNOWLEDGE_SESSION', :state, 1, 1, :title, "
                    "'products', :t, 1800, :details, :notes, :t, :t)"
                ),
                {
                    "id": n,
                    "state": "ACTIVE" if n == 1 else "DELETED",
                    "title": f"Session {n}",
                    "t": NOW,
                    "details": json.dumps({"kept": n}),
                    "notes": "ünïcode notes" if n == 1 else None,
                },
            )
            run(
                text(
                    "INSERT INTO record_participant (record_id, person_id, role) "
                    "VALUES (:id, 2, 'ATTENDEE')"
                ),
                {"id": n},
            )
        states = ["PENDING", "PENDING", "CLAIMED", "STORED", "PARKED"]
        for n, statement in enumerate(statements):
            state = states[n % len(states)]
            run(
                text(
                    "INSERT INTO record_statement (record_id, statement_id, role, voided, "
                    "created_at) VALUES (1, :sid, 'STATES', :voided, :t)"
                ),
                {"sid": statement["id"], "voided": False, "t": NOW},
            )
            run(
                text(
                    "INSERT INTO outbox (statement_id, lrs, statement_json, state, attempts, "
                    "due_ms, lease_owner, lease_until_ms, last_error, last_status, record_id, "
                    "created_at, stored_at) VALUES (:sid, 'default', :json, :state, :attempts, "
                    ":due, :owner, :lease, :error, :status, 1, :t, :stored)"
                ),
                {
                    "sid": statement["id"],
                    "json": json.dumps(statement, sort_keys=True, separators=(",", ":")),
                    "state": state,
                    "attempts": 1 if state != "PENDING" else 0,
                    "due": 1_000,  # long due (and a lease long run out)
                    "owner": "old-host:123:abc" if state == "CLAIMED" else None,
                    "lease": 1_000 if state == "CLAIMED" else None,
                    "error": "bad statement" if state == "PARKED" else None,
                    "status": 400 if state == "PARKED" else None,
                    "stored": NOW if state == "STORED" else None,
                    "t": NOW,
                },
            )
        run(
            text(
                "INSERT INTO sync_cursor (lrs, query, cursor_json, pulled, last_success_at, "
                "updated_at, backfilling) VALUES ('default', 'all', :cursor, 42, :t, :t, :b)"
            ),
            {"cursor": json.dumps({"since": "2026-05-31T00:00:00Z"}), "t": NOW, "b": False},
        )
        run(
            text(
                "INSERT INTO delivery_event (lrs, kind, count, detail, at) "
                "VALUES ('default', 'DELIVERED', 4, NULL, :t), ('default', 'HELD', 2, 'down', :t)"
            ),
            {"t": NOW},
        )
    engine.dispose()


def _snapshot(url: str) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, by primary key (the whole row where there is none)."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    found: dict[str, dict[Any, dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            key = [c.name for c in table.primary_key.columns]
            rows = {}
            for row in conn.execute(select(table)).mappings():
                values = dict(row)
                rows[tuple(values[k] for k in key) if key else tuple(values.items())] = values
            found[table.name] = rows
    engine.dispose()
    return found


def test_an_upgrade_keeps_every_row_and_loses_no_statement(
    empty_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    migrate.upgrade(empty_url, EARLIER)
    activity = session_activity()
    statements = attended_statements(activity, 10)
    _fill(empty_url, statements)
    before = _snapshot(empty_url)
    assert sum(len(rows) for rows in before.values()) > 30

    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    env.update(
        {
            "LEADERLED_DATABASE_URL": empty_url,
            "LEADERLED_SECRET_KEY": "test",
            "LEADERLED_LRS_ENDPOINT": learning_locker.endpoint,
            "LEADERLED_LRS_USERNAME": "ll-key",
            "LEADERLED_LRS_PASSWORD": "ll-secret",
        }
    )

    def leaderled(*args: str) -> str:
        done = subprocess.run(
            [LEADERLED, *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "Database at revision 0125." in leaderled("db", "upgrade")
    after = _snapshot(empty_url)
    assert migrate.current_revision(empty_url) == "0125"
    for table, rows in before.items():
        if table == "alembic_version":
            continue
        assert set(after[table]) == set(rows), table  # no row lost, none added
        for key, old in rows.items():
            new = after[table][key]
            kept = {c: v for c, v in new.items() if c in old}
            # Columns later releases removed (0030 dropped lti_launch_session's
            # hand-off columns) are the only ones allowed to go.
            assert kept == {c: v for c, v in old.items() if c in new}, (table, key)
    assert {r["state"] for r in after["outbox"].values()} == {
        "PENDING",
        "CLAIMED",
        "STORED",
        "PARKED",
    }

    # Today's worker delivers what the old release left waiting, including the
    # row a worker of that release held when it was stopped (its lease ran out).
    leaderled("worker", "--no-sync", "--once")
    outbox = _snapshot(empty_url)["outbox"].values()
    waiting = {
        r["statement_id"] for r in before["outbox"].values() if r["state"] in ("PENDING", "CLAIMED")
    }
    assert {r["statement_id"] for r in outbox if r["state"] == "STORED"} >= waiting
    assert [r["state"] for r in outbox].count("PARKED") == 2
    with LRSClient(learning_locker.endpoint, username="ll-key", password="ll-secret") as client:
        held = lrs_ids(client, activity)
    assert set(held) == waiting
    assert max(held.values()) == 1
