"""Retention as a periodic task of the worker: at most once per interval,
in its own transaction; a failed run is logged and tried again next time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from plugin.config import Settings
from plugin.db import Database
from plugin.services.privacy.retention import RetentionResult, run_retention

log = logging.getLogger(__name__)


class RetentionJob:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.next_run = 0.0

    def run_due(self) -> RetentionResult | None:
        """Run retention if the interval has passed; None when not due or failed."""
        if self.clock() < self.next_run:
            return None
        self.next_run = self.clock() + self.settings.retention_interval_seconds
        try:
            with self.database.session_scope() as session:
                result = run_retention(session, self.settings, datetime.now(UTC))
        except Exception as error:  # retried at the next interval
            log.warning("retention run failed: %s", type(error).__name__)
            return None
        if result.rows:
            log.info(
                "retention removed %d rows, voided %d statements (audit %s)",
                result.removed,
                result.statements_voided,
                result.reference,
            )
        return result


def retention_loop(settings: Settings, stop: threading.Event, *, once: bool = False) -> None:
    """Apply retention when due until ``stop`` (once with ``once``)."""
    database = Database(settings.database_url, send_lrs=settings.send_lrs_names)
    job = RetentionJob(database, settings)
    try:
        while not stop.is_set():
            job.run_due()
            if once:
                break
            stop.wait(min(60.0, float(settings.retention_interval_seconds)))
    finally:
        database.dispose()
