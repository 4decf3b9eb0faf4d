"""Gunicorn settings for running Leaderled on every core of a Linux host:
``gunicorn -c python:plugin.gunicorn_conf 'plugin:create_app()'``.

One Python process answers requests on one core at a time (the GIL), so a
single waitress process queues requests once it is busy. Gunicorn forks
``LEADERLED_WEB_PROCESSES`` workers (default: one per core) that each run
``LEADERLED_WEB_THREADS`` threads, all on one port.

Prometheus: each worker counts its own requests, so the workers share a
directory of counters (``PROMETHEUS_MULTIPROC_DIR``, made here when not
given) and any of them answers ``/metrics`` for all (:mod:`plugin.metrics`).
The client decides where counters live when it is first imported, and
importing this module imports the app (``plugin``) in the master process
before the directory is known; so each worker chooses again after the fork,
before it makes the app and its counters (:func:`post_fork`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"


def _count(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


_made_here = MULTIPROC not in os.environ
if _made_here:
    os.environ[MULTIPROC] = tempfile.mkdtemp(prefix="leaderled-metrics-")

bind = os.environ.get("LEADERLED_WEB_BIND", "0.0.0.0:8000")
workers = _count("LEADERLED_WEB_PROCESSES", os.cpu_count() or 1)
threads = _count("LEADERLED_WEB_THREADS", 8)
worker_class = "gthread"
# Behind a proxy the access log is the proxy's; ours (with request ids) is
# written by the app itself (plugin.logging_setup).
accesslog = None
# A launch or an API call never takes this long; a stuck worker is replaced.
timeout = 60
graceful_timeout = 30


def on_starting(server: Any) -> None:
    """Start with no counters left from an earlier run in a given directory."""
    for stale in Path(os.environ[MULTIPROC]).glob("*.db"):
        stale.unlink()


def post_fork(server: Any, worker: Any) -> None:
    """Counters made in this worker live in the shared directory."""
    from prometheus_client import values

    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def child_exit(server: Any, worker: Any) -> None:
    """A worker's live figures end with it (its counters stay in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _made_here:
        shutil.rmtree(os.environ[MULTIPROC], ignore_errors=True)
