"""A real ``leaderled worker`` writes its heartbeat, so ``/readyz`` turns
ready while it runs and not ready once it has been gone too long."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from core_helpers import start_worker, worker_env
from flask import Flask
from sqlalchemy import select

from plugin.db import Database
from plugin.models.workers import WorkerHeartbeat
from tests.lrs_servers.servers import RunningLRS


def _rows(database: Database) -> list[WorkerHeartbeat]:
    with database.session_scope() as session:
        return list(session.scalars(select(WorkerHeartbeat)))


def test_a_running_worker_makes_the_app_ready(
    app: Flask,
    database: Database,
    database_url: str,
    learning_locker: RunningLRS,
    tmp_path: Path,
) -> None:
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env(database_url, learning_locker.endpoint), log=log)
    try:
        deadline = time.monotonic() + 60
        while not _rows(database):
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.1)
        (row,) = _rows(database)
        assert row.roles == "delivery"
        assert row.worker.endswith(f":{worker.pid}")
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.get_json()
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    app.config["LEADERLED"] = app.config["LEADERLED"].merged({"ready_worker_seconds": 0})
    time.sleep(0.05)
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert gone.get_json()["checks"]["workers"]["ok"] is False
