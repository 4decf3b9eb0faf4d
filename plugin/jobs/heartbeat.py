"""Worker heartbeats: each worker process writes "I am alive" to the
database every few seconds, so a web process (which shares nothing else with
the workers) can say in ``/readyz`` whether any worker is running.

A row per process (``host:pid``); rows not refreshed for a day are removed
by whichever worker beats next, so the table stays a handful of rows.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from plugin.db import Database
from plugin.services.heartbeats import beat

log = logging.getLogger(__name__)

#: How often a worker writes its heartbeat.
INTERVAL_SECONDS = 15.0


def worker_name() -> str:
    """host:pid, at most 128 characters."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def heartbeat_loop(
    database_url: str,
    stop: threading.Event,
    roles: str,
    *,
    interval: float = INTERVAL_SECONDS,
) -> None:
    """Beat every ``interval`` seconds until ``stop``; a failed beat is logged and retried."""
    database = Database(database_url)
    worker = worker_name()
    try:
        while True:
            try:
                with database.session_scope() as session:
                    beat(session, worker, roles)
            except Exception as error:  # the database may be briefly away: try again
                log.warning("worker heartbeat not written: %s", error)
            if stop.wait(interval):
                break
    finally:
        database.dispose()


def start_heartbeat(database_url: str, stop: threading.Event, roles: str) -> threading.Thread:
    """The heartbeat in a daemon thread of this process."""
    thread = threading.Thread(
        target=heartbeat_loop,
        args=(database_url, stop, roles),
        name="leaderled-heartbeat",
        daemon=True,
    )
    thread.start()
    return thread
