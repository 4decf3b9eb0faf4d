"""A stopped worker ends within its grace, whatever its children and helper
threads do: a child that ignores SIGTERM is killed, a thread stuck in a call
is left to end with the process; both are logged. Real processes (spawned,
as the worker spawns its delivery children) and real threads."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time

import pytest

from plugin.jobs.runner import join_threads, stop_children


def ignores_sigterm() -> None:
    """A child stuck past SIGTERM (its handler swallows it)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(120)


def sleeps() -> None:
    """A child that SIGTERM ends at once (Python's default)."""
    time.sleep(120)


def _started(target: object) -> multiprocessing.process.BaseProcess:
    child = multiprocessing.get_context("spawn").Process(target=target, name=target.__name__)  # type: ignore[attr-defined]
    child.start()
    return child


def test_a_child_stuck_past_sigterm_is_killed_after_the_grace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stuck, polite = _started(ignores_sigterm), _started(sleeps)
    time.sleep(2)  # both have started and installed what they install
    began = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.runner"):
        stop_children([stuck, polite], grace=2.0)
    assert time.monotonic() - began < 15  # not the child's 120 s
    assert not stuck.is_alive()
    assert not polite.is_alive()
    assert stuck.exitcode == -signal.SIGKILL
    assert polite.exitcode == -signal.SIGTERM
    killed = [r.getMessage() for r in caplog.records]
    assert len(killed) == 1
    assert "ignores_sigterm" in killed[0]
    assert "killed" in killed[0]


def test_children_that_stop_are_waited_for_and_nothing_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    children = [_started(sleeps), _started(sleeps)]
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.runner"):
        stop_children(children, grace=30.0)
    assert [c.exitcode for c in children] == [-signal.SIGTERM, -signal.SIGTERM]
    assert caplog.records == []


def test_a_stuck_helper_thread_is_left_behind_after_the_grace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    never = threading.Event()
    stuck = threading.Thread(target=never.wait, name="leaderled-stuck", daemon=True)
    done = threading.Thread(target=lambda: None, name="leaderled-done", daemon=True)
    stuck.start()
    done.start()
    began = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.runner"):
        join_threads([stuck, done], grace=1.0)
    assert time.monotonic() - began < 5
    assert not done.is_alive()
    assert [r.getMessage() for r in caplog.records] == [
        "leaderled-stuck did not stop within 1 s; the process exits without it"
    ]
    never.set()
    stuck.join(5)
