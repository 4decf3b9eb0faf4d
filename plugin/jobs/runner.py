"""Running the workers: delivery and sync in loops of their own, never one waiting on the other.

``leaderled worker`` delivers in its own process and syncs in a child
process (at a lower CPU priority: bulk work that may wait); extra processes
(``concurrency`` > 1, PostgreSQL) only deliver. ``--no-sync`` or
``--no-delivery`` run one of the two, for operators who run them apart;
``--once`` delivers what is due, then syncs once. The delivering process
also posts queued scores to LMS gradebooks (``plugin.jobs.gradebook``) and
applies the retention periods (``plugin.jobs.retention``). With several
LRSs each has its own delivery loop and sync loop (a thread each, with its
own client, queue and cursor), so one LRS that is down holds back none of
the others. SIGTERM or SIGINT sets a
stop flag: the batch or page in flight finishes, leases are released, the
processes exit, within a bound (``plugin.jobs.shutdown``). SIGUSR1 prints
every thread's stack to the worker's log, for a worker that seems stuck.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from types import FrameType
from typing import Any

from plugin import logging_setup
from plugin.config import DEFAULT_LRS_NAME, LrsTarget, Settings
from plugin.db import Database
from plugin.jobs.connection import client_for, delivery_options, pull_targets, send_targets
from plugin.jobs.delivery import DeliveryWorker, delivery_busy
from plugin.jobs.gradebook import gradebook_loop
from plugin.jobs.guard import single_worker
from plugin.jobs.heartbeat import heartbeat_loop, start_heartbeat
from plugin.jobs.retention import retention_loop
from plugin.jobs.shutdown import Shutdown, UncleanStop, dump_stacks_on_sigusr1
from plugin.jobs.sync import Sync, SyncBusy, SyncOptions

log = logging.getLogger(__name__)

#: How much nicer than delivery the sync process is to the CPU (see ``os.nice``).
SYNC_NICENESS = 10


@dataclass(frozen=True)
class RunPlan:
    delivery: bool = True
    sync: bool = True
    concurrency: int = 1
    sync_interval: float = 60.0
    once: bool = False  # deliver what is due, sync once, exit


class PlanError(ValueError):
    """The plan cannot run on this database."""


def sync_options(settings: Settings, lrs: str = DEFAULT_LRS_NAME) -> SyncOptions:
    return SyncOptions(
        lrs=lrs,
        page_size=settings.sync_page_size,
        overlap_seconds=float(settings.sync_overlap_seconds),
        profile_base=settings.resolved_profile_base,
    )


def install_stop_handlers(stop: threading.Event) -> dict[int, Any]:
    """SIGTERM and SIGINT set ``stop``; returns the handlers they replaced.
    SIGUSR1 dumps every thread's stack to stderr."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handler)
    dump_stacks_on_sigusr1()
    return previous


def job_database(settings: Settings) -> Database:
    """The workers' database; its sessions queue statements for every receiving LRS."""
    return Database(settings.database_url, send_lrs=settings.send_lrs_names)


def _each(
    targets: tuple[LrsTarget, ...],
    loop: Callable[[LrsTarget], int],
    name: str,
    stop: threading.Event,
) -> int:
    """Run ``loop`` for every LRS, each in a thread of its own (one LRS that is
    down or slow holds back none of the others); returns the sum of the results.

    A loop that fails (the database gone, say) stops them all, as the single
    loop does, so the process exits and is restarted instead of living on
    with one LRS silently left without deliveries."""
    if len(targets) == 1:
        return loop(targets[0])
    results: dict[str, int] = {}
    failures: list[BaseException] = []

    def one(lrs: LrsTarget) -> None:
        try:
            results[lrs.name] = loop(lrs)
        except BaseException as error:  # re-raised in the calling thread below
            log.error("%s for LRS %r stopped: %r; stopping the others", name, lrs.name, error)
            failures.append(error)
            stop.set()

    threads = [
        threading.Thread(target=one, args=(lrs,), name=f"leaderled-{name}-{lrs.name}")
        for lrs in targets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return sum(results.values())


def delivery_loop(settings: Settings, stop: threading.Event, *, once: bool = False) -> int:
    """Deliver to every receiving LRS until ``stop`` (with ``once``: until nothing is
    due); returns statements stored. Each LRS has its own worker, client and queue."""
    database = job_database(settings)

    def deliver(lrs: LrsTarget) -> int:
        client = client_for(lrs)
        options = delivery_options(settings, lrs.name)
        try:
            return DeliveryWorker(database, client, options, stop=stop).run(until_empty=once)
        finally:
            client.close()

    try:
        return _each(send_targets(settings), deliver, "delivery", stop)
    finally:
        database.dispose()


def sync_loop(
    settings: Settings, stop: threading.Event, *, interval: float, once: bool = False
) -> None:
    """Sync every source LRS every ``interval`` seconds until ``stop`` (once with
    ``once``); a failed pass waits. Each LRS has its own loop, cursor and client.

    Between pages the sync of an LRS gives way while a delivery worker is
    sending statements to that LRS.
    """
    database = job_database(settings)

    def pull(lrs: LrsTarget) -> int:
        client = client_for(lrs)
        syncer = Sync(
            database,
            client,
            sync_options(settings, lrs.name),
            stop=stop,
            yield_to=None if once else lambda: delivery_busy(database, lrs.name),
        )
        try:
            while not stop.is_set():
                try:
                    result = syncer.run()
                    log.info(
                        "sync of LRS %r: %d statements, %d formal records",
                        lrs.name,
                        result.statements,
                        result.outcomes,
                    )
                except SyncBusy as busy:
                    log.info("sync of LRS %r skipped: %s", lrs.name, busy)
                except Exception as error:  # a failed pass is retried at the next interval
                    log.warning("sync of LRS %r failed: %s", lrs.name, error)
                if once:
                    break
                stop.wait(interval)
        finally:
            client.close()
        return 0

    try:
        targets = pull_targets(settings)
        if targets:
            _each(targets, pull, "sync", stop)
    finally:
        database.dispose()


def run_loop(
    settings: Settings, plan: RunPlan, stop: threading.Event, shutdown: Shutdown | None = None
) -> int:
    """Deliver and sync in this process; returns statements stored by it.

    Delivery and sync run in loops of their own (threads here, each with its
    own LRS client), so a long sync never holds delivery up. With ``once``:
    deliver what is due, then sync once.
    """
    if plan.once:
        stored = delivery_loop(settings, stop, once=True) if plan.delivery else 0
        if plan.delivery:
            gradebook_loop(settings, stop, interval=0, once=True)
            retention_loop(settings, stop, once=True)
        if plan.sync:
            sync_loop(settings, stop, interval=plan.sync_interval, once=True)
        return stored
    # Daemons, waited for until the stop's deadline (``Shutdown.join_threads``): a
    # stuck call in one never keeps a stopped worker alive.
    helpers: list[threading.Thread] = [
        # Seen by the web process's readiness check (/readyz).
        threading.Thread(
            target=heartbeat_loop,
            args=(settings.database_url, stop, _roles(plan)),
            name="leaderled-heartbeat",
            daemon=True,
        )
    ]
    if plan.delivery:  # scores for LMS gradebooks go with this process's delivery
        helpers.append(
            threading.Thread(
                target=gradebook_loop,
                args=(settings, stop),
                kwargs={"interval": max(settings.delivery_poll_seconds, 1.0)},
                name="leaderled-gradebook",
                daemon=True,
            )
        )
        # Retention (DESIGN section 9) runs in the first process only.
        helpers.append(
            threading.Thread(
                target=retention_loop,
                args=(settings, stop),
                name="leaderled-retention",
                daemon=True,
            )
        )
    if plan.sync:
        helpers.insert(
            0,
            threading.Thread(
                target=sync_loop,
                args=(settings, stop),
                kwargs={"interval": plan.sync_interval},
                name="leaderled-sync",
                daemon=True,
            ),
        )
    for helper in helpers:
        helper.start()
    try:
        if plan.delivery:
            return delivery_loop(settings, stop)
        stop.wait()
        return 0
    finally:
        stop.set()
        (shutdown or Shutdown(stop)).join_threads(helpers)


def _roles(plan: RunPlan) -> str:
    return ",".join(name for name, on in (("delivery", plan.delivery), ("sync", plan.sync)) if on)


def _child(settings_values: dict[str, object], plan: RunPlan) -> None:
    """A delivery-only or sync-only process started by :func:`run`."""
    stop = threading.Event()
    install_stop_handlers(stop)
    settings = Settings(**settings_values)  # type: ignore[arg-type]
    logging_setup.configure(settings.log_level, settings.log_format)
    if not plan.once:
        start_heartbeat(settings.database_url, stop, _roles(plan))
    if plan.delivery:
        delivery_loop(settings, stop, once=plan.once)
    else:
        os.nice(SYNC_NICENESS)  # background bulk work: the CPU goes to delivery first
        sync_loop(settings, stop, interval=plan.sync_interval)


def run(settings: Settings, plan: RunPlan) -> int:
    """Run ``plan``: delivery here plus ``concurrency - 1`` delivery children, sync in a child."""
    if plan.concurrency < 1:
        raise PlanError("concurrency must be at least 1")
    is_sqlite = settings.database_url.startswith("sqlite")
    if is_sqlite and plan.concurrency > 1 and plan.delivery:
        raise PlanError(
            "SQLite allows one delivery worker; use PostgreSQL (LEADERLED_DATABASE_URL) "
            "to run several"
        )
    for lrs in send_targets(settings) + pull_targets(settings):
        client_for(lrs).close()  # a missing or malformed LRS setting fails here, once
    if not plan.delivery:
        os.nice(SYNC_NICENESS)  # a sync-only worker: background work, as the sync child is
    stop = threading.Event()
    shutdown = Shutdown(stop)
    previous = install_stop_handlers(stop)
    try:
        stored = _run(settings, plan, shutdown)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if shutdown.forced:
        raise UncleanStop(
            f"stopped by force after {shutdown.grace:.0f} s (the log has the stacks of what "
            f"was stuck); {stored} statements delivered by this process"
        )
    return stored


def _run(settings: Settings, plan: RunPlan, shutdown: Shutdown) -> int:
    stop = shutdown.stop
    with single_worker(settings.database_url) if plan.delivery else nullcontext():
        context = multiprocessing.get_context("spawn")
        values = asdict(settings)
        children = [
            context.Process(
                target=_child,
                args=(values, RunPlan(delivery=True, sync=False, once=plan.once)),
                name=f"leaderled-delivery-{n}",
            )
            for n in range(1, plan.concurrency)
        ]
        here = plan
        if plan.delivery and plan.sync and not plan.once:
            # Sync in a process of its own: its CPU work never slows delivery down.
            sync_only = RunPlan(delivery=False, sync=True, sync_interval=plan.sync_interval)
            children.append(
                context.Process(target=_child, args=(values, sync_only), name="leaderled-sync")
            )
            here = replace(plan, sync=False)
        shutdown.watch(children)  # on SIGTERM the children hear it at once
        try:
            for child in children:
                child.start()
            stored = run_loop(settings, here, stop, shutdown)
        finally:
            if plan.once and not stop.is_set():  # each delivers what is due, then exits
                for child in children:
                    child.join()
            # After a stop each finishes its batch, until the deadline.
            shutdown.stop_children([c for c in children if c.pid is not None])
            shutdown.finished()
    return stored
