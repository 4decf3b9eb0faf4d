"""Running the workers: one loop per process, several processes on PostgreSQL.

The first process delivers and syncs; extra processes (``concurrency`` > 1)
only deliver. SIGTERM or SIGINT sets a stop flag: the batch in flight
finishes, leases are released, the process exits.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from types import FrameType
from typing import Any

from plugin.config import Settings
from plugin.db import Database
from plugin.jobs.connection import delivery_options, lrs_client
from plugin.jobs.delivery import DeliveryWorker
from plugin.jobs.guard import single_worker
from plugin.jobs.retention import RetentionJob
from plugin.jobs.sync import Sync, SyncOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunPlan:
    delivery: bool = True
    sync: bool = True
    concurrency: int = 1
    sync_interval: float = 60.0
    once: bool = False  # deliver what is due, sync once, exit
    retention: bool = True  # apply retention periods (the first process only)


class PlanError(ValueError):
    """The plan cannot run on this database."""


def sync_options(settings: Settings) -> SyncOptions:
    return SyncOptions(
        page_size=settings.sync_page_size,
        overlap_seconds=float(settings.sync_overlap_seconds),
        profile_base=settings.resolved_profile_base,
    )


def install_stop_handlers(stop: threading.Event) -> dict[int, Any]:
    """SIGTERM and SIGINT set ``stop``; returns the handlers they replaced."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handler)
    return previous


def run_loop(settings: Settings, plan: RunPlan, stop: threading.Event) -> int:
    """Deliver (and sync) until ``stop``; returns statements stored by this process."""
    database = Database(settings.database_url)
    client = lrs_client(settings)
    worker = DeliveryWorker(database, client, delivery_options(settings), stop=stop)
    syncer = Sync(database, client, sync_options(settings), stop=stop) if plan.sync else None
    retention = RetentionJob(database, settings) if plan.retention else None
    next_sync = 0.0
    stored = 0
    try:
        while not stop.is_set():
            claimed = 0
            if plan.delivery:
                batch = worker.run_once()
                stored += batch.stored
                claimed = batch.claimed
            if syncer is not None and time.monotonic() >= next_sync:
                try:
                    syncer.run()
                except Exception as error:  # a failed pass is retried at the next interval
                    log.warning("sync failed: %s", error)
                next_sync = time.monotonic() + plan.sync_interval
            if retention is not None:
                retention.run_due()
            if claimed:
                continue
            if plan.once:
                break
            stop.wait(settings.delivery_poll_seconds)
    finally:
        worker.release()
        client.close()
        database.dispose()
    return stored


def _child(settings_values: dict[str, object], plan: RunPlan) -> None:
    stop = threading.Event()
    install_stop_handlers(stop)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    run_loop(Settings(**settings_values), plan, stop)  # type: ignore[arg-type]


def run(settings: Settings, plan: RunPlan) -> int:
    """Run ``plan`` in this process plus ``concurrency - 1`` delivery-only children."""
    if plan.concurrency < 1:
        raise PlanError("concurrency must be at least 1")
    is_sqlite = settings.database_url.startswith("sqlite")
    if is_sqlite and plan.concurrency > 1 and plan.delivery:
        raise PlanError(
            "SQLite allows one delivery worker; use PostgreSQL (LEADERLED_DATABASE_URL) "
            "to run several"
        )
    lrs_client(settings).close()  # a missing or malformed LRS setting fails here, once
    stop = threading.Event()
    previous = install_stop_handlers(stop)
    try:
        return _run(settings, plan, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(settings: Settings, plan: RunPlan, stop: threading.Event) -> int:
    with single_worker(settings.database_url) if plan.delivery else nullcontext():
        context = multiprocessing.get_context("spawn")
        children = [
            context.Process(
                target=_child,
                args=(
                    asdict(settings),
                    RunPlan(delivery=True, sync=False, retention=False, once=plan.once),
                ),
                name=f"leaderled-delivery-{n}",
            )
            for n in range(1, plan.concurrency)
        ]
        for child in children:
            child.start()
        try:
            stored = run_loop(settings, plan, stop)
        finally:
            for child in children:
                if child.is_alive() and not plan.once:
                    child.terminate()  # SIGTERM: the child finishes its batch
            for child in children:
                child.join()
    return stored
