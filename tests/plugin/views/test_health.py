"""``/healthz`` and ``/readyz``: JSON, 200 when ready, 503 with the failing
check named when the database is unreachable, the schema is behind, or no
worker has written a heartbeat recently."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from plugin import create_app, migrate
from plugin.db import session_scope
from plugin.demo.local_lrs import free_port
from plugin.jobs.heartbeat import heartbeat_loop
from plugin.services.heartbeats import beat, last_seen
from plugin.services.readiness import head_revisions


def test_healthz_answers_without_the_database() -> None:
    port = free_port()  # nothing listens there
    app = create_app(
        {
            "database_url": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none",
            "testing": True,
            "secret_key": "x",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_when_a_worker_beat_recently(app: Flask) -> None:
    with session_scope(app) as session:
        beat(session, "host-a:1", "delivery,sync")
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ready"] is True
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["schema"]["ok"] is True
    assert body["checks"]["schema"]["revision"] == list(head_revisions())
    assert body["checks"]["workers"]["ok"] is True


def test_not_ready_when_no_worker_was_ever_seen(app: Flask) -> None:
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ready"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["workers"] == {
        "ok": False,
        "last_seen": None,
        "error": "no worker has ever been seen",
    }


def test_not_ready_when_the_last_worker_was_seen_too_long_ago(app: Flask) -> None:
    with session_scope(app) as session:
        beat(session, "host-a:1", "delivery", now=datetime.now(UTC) - timedelta(minutes=5))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    workers = response.get_json()["checks"]["workers"]
    assert workers["ok"] is False
    assert workers["age_seconds"] >= 299
    assert "leaderled worker" in workers["error"]


def test_the_worker_age_limit_is_a_setting(database_url: str) -> None:
    app = create_app({"database_url": database_url, "testing": True, "ready_worker_seconds": 600})
    try:
        with session_scope(app) as session:
            beat(session, "host-a:1", "delivery", now=datetime.now(UTC) - timedelta(minutes=5))
        assert app.test_client().get("/readyz").status_code == 200
    finally:
        from tests.conftest import wipe_database

        wipe_database(app)


def test_not_ready_when_the_database_is_unreachable() -> None:
    port = free_port()
    url = f"postgresql+psycopg://secret-user:secret-pass@127.0.0.1:{port}/none"
    app = create_app({"database_url": url, "testing": True, "secret_key": "x"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ready"] is False
    assert body["checks"]["database"]["ok"] is False
    assert "cannot be reached" in body["checks"]["database"]["error"]
    assert body["checks"]["workers"]["ok"] is False
    text = response.get_data(as_text=True)
    assert "secret" not in text  # no credentials
    assert str(port) not in text  # no URL


def test_not_ready_when_the_schema_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0070")
    app = create_app({"database_url": url, "testing": True, "secret_key": "x"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    schema = response.get_json()["checks"]["schema"]
    assert schema["ok"] is False
    assert schema["revision"] == ["0070"]
    assert "leaderled db upgrade" in schema["error"]


def test_the_worker_heartbeat_thread_makes_the_app_ready(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    stop = threading.Event()
    url = app.config["LEADERLED"].database_url
    thread = threading.Thread(target=heartbeat_loop, args=(url, stop, "delivery"))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with session_scope(app) as session:
                if last_seen(session) is not None:
                    break
            time.sleep(0.05)
        assert client.get("/readyz").status_code == 200
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_beat_forgets_workers_gone_for_a_day(app: Flask) -> None:
    from plugin.models.workers import WorkerHeartbeat

    now = datetime.now(UTC)
    with session_scope(app) as session:
        beat(session, "old:1", "delivery", now=now - timedelta(days=2))
    with session_scope(app) as session:
        beat(session, "new:2", "sync", now=now)
    with session_scope(app) as session:
        assert [w.worker for w in session.query(WorkerHeartbeat).all()] == ["new:2"]
