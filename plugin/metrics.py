"""Prometheus metrics (``/metrics``, :mod:`plugin.views.metrics`).

Web processes and workers are separate processes, often on several
machines, so everything about delivery and sync is read from the database
at scrape time by :class:`DatabaseCollector`: any web process reports the
same, right figures. Only what happens inside this web process (request
latency, LTI launches and refusals) is counted in memory, per process, as
Prometheus expects: scrape every web process, its ``instance`` label tells
them apart.

Each app has its own registry, so several apps in one process (tests) never
share or double-register series.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from types import TracebackType

from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from plugin.db import Database, get_db
from plugin.jobs.health import health
from plugin.lti.errors import LtiError
from plugin.models.outbox import DeliveryEvent, DeliveryEventKind
from plugin.services.heartbeats import last_seen

EXTENSION = "leaderled.metrics"

#: Delivery events counted as counters, by the metric they feed.
EVENT_COUNTERS = {
    DeliveryEventKind.DELIVERED: (
        "leaderled_statements_delivered",
        "Statements the LRS stored (or already held), per LRS.",
    ),
    DeliveryEventKind.PARKED: (
        "leaderled_statements_parked",
        "Statements the LRS rejected and that were parked, per LRS.",
    ),
    DeliveryEventKind.FAILED: (
        "leaderled_statements_retried",
        "Statements whose delivery failed (LRS unreachable or 5xx) and that were "
        "scheduled again, per LRS.",
    ),
}


class Instruments:
    """The in-process series of one app."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.request_seconds = Histogram(
            "leaderled_http_request_duration_seconds",
            "Time to answer a request, by route, method and status code (this process).",
            ["endpoint", "method", "status"],
            registry=registry,
        )
        self.launches = Counter(
            "leaderled_lti_launches",
            "LTI launches accepted (this process).",
            registry=registry,
        )
        self.refusals = Counter(
            "leaderled_lti_refusals",
            "LTI logins and launches refused, by step and reason (this process).",
            ["step", "reason"],
            registry=registry,
        )


class DatabaseCollector(Collector):
    """Queue, delivery and sync figures per LRS, read from the database per scrape."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "leaderled_database_up", "1 when this scrape could read the database."
        )
        try:
            with Session(self.database.engine) as session:
                found = list(_database_metrics(session, datetime.now(UTC)))
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from found


def _database_metrics(session: Session, now: datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "leaderled_outbox_queue_depth",
        "Statements waiting for delivery (not parked), per LRS.",
        labels=["lrs"],
    )
    oldest = GaugeMetricFamily(
        "leaderled_outbox_oldest_waiting_seconds",
        "Age of the oldest statement waiting for delivery (0 when none waits), per LRS.",
        labels=["lrs"],
    )
    parked = GaugeMetricFamily(
        "leaderled_outbox_parked", "Statements parked now, per LRS.", labels=["lrs"]
    )
    held = GaugeMetricFamily(
        "leaderled_lrs_held",
        "1 while delivery waits because the LRS is down or refuses the connection.",
        labels=["lrs"],
    )
    lag = GaugeMetricFamily(
        "leaderled_sync_lag_seconds",
        "Seconds since the last successful sync from the LRS, per LRS that was ever synced.",
        labels=["lrs"],
    )
    for figures in health(session):
        depth.add_metric([figures.lrs], figures.queue_depth)
        oldest.add_metric([figures.lrs], figures.oldest_pending_seconds or 0.0)
        parked.add_metric([figures.lrs], figures.parked)
        held.add_metric([figures.lrs], 1 if figures.held_since is not None else 0)
        if figures.last_sync_at is not None:
            lag.add_metric([figures.lrs], _age(now, figures.last_sync_at))
    yield from (depth, oldest, parked, held, lag)

    counters = {
        kind: CounterMetricFamily(name, text, labels=["lrs"])
        for kind, (name, text) in EVENT_COUNTERS.items()
    }
    totals = session.execute(
        select(DeliveryEvent.lrs, DeliveryEvent.kind, func.sum(DeliveryEvent.count))
        .where(DeliveryEvent.kind.in_(list(EVENT_COUNTERS)))
        .group_by(DeliveryEvent.lrs, DeliveryEvent.kind)
    )
    for lrs, kind, total in totals:
        counters[DeliveryEventKind(kind)].add_metric([lrs], float(total or 0))
    yield from counters.values()

    worker = GaugeMetricFamily(
        "leaderled_worker_last_seen_seconds",
        "Seconds since any worker last wrote its heartbeat (absent if none ever did).",
    )
    seen = last_seen(session)
    if seen is not None:
        worker.add_metric([], _age(now, seen))
    yield worker


def _age(now: datetime, moment: datetime) -> float:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (now - moment).total_seconds())


def exposition(app: Flask | None = None) -> bytes:
    """What a scrape reads. Under gunicorn (:mod:`plugin.gunicorn_conf`) the
    workers keep their series in ``PROMETHEUS_MULTIPROC_DIR``, and whichever
    worker answers reads them all, so every scrape sees the sums."""
    found = app or current_app
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not shared:
        return generate_latest(instruments(found).registry)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=shared)  # type: ignore[no-untyped-call]
    registry.register(DatabaseCollector(get_db(found)))
    return generate_latest(registry)


def instruments(app: Flask | None = None) -> Instruments:
    found: Instruments = (app or current_app).extensions[EXTENSION]
    return found


def count_launch() -> None:
    instruments().launches.inc()


def count_refusal(step: str, error: LtiError) -> None:
    """Count a refused login or launch; the reason is the check that refused it."""
    instruments().refusals.labels(step=step, reason=refusal_reason(error)).inc()


def refusal_reason(error: BaseException) -> str:
    """The name of the LTI check that raised ``error`` (``check_nonce`` -> ``nonce``).

    Function names are a small, fixed set, so they make a safe label, and
    they say which rule refused without putting request data into a label.
    """
    name = ""
    trace: TracebackType | None = error.__traceback__
    while trace is not None:
        module = trace.tb_frame.f_globals.get("__name__", "")
        if module.startswith("plugin.lti"):
            name = trace.tb_frame.f_code.co_name
        trace = trace.tb_next
    for prefix in ("_", "check_", "verify_"):
        name = name.removeprefix(prefix)
    if name:
        return name
    return f"http_{error.status}" if isinstance(error, LtiError) else "other"


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _start_timer() -> None:
    g.leaderled_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("leaderled_started", None)
    if started is not None:
        instruments().request_seconds.labels(
            endpoint=request.endpoint or "none",
            # A fixed set: any other word a client sends must not become a series.
            method=request.method if request.method in _METHODS else "other",
            status=str(response.status_code),
        ).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    registry = CollectorRegistry()
    app.extensions[EXTENSION] = Instruments(registry)
    registry.register(DatabaseCollector(get_db(app)))
    app.before_request(_start_timer)
    app.after_request(_observe)
