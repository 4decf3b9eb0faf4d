"""A stopped worker ends within its grace, whatever its children and helper
threads do: a child that ignores SIGTERM writes its stacks and is killed, a
thread stuck in a call is left to end with the process, and a process stuck
in its main thread is ended by its watchdog with every stack in its log.
Real processes (spawned, as the worker spawns its children) and threads."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pytest
from stubborn_children import ignores_sigterm, sleeps, stuck_after_the_stop

from plugin.jobs.shutdown import Shutdown

SPAWN = multiprocessing.get_context("spawn")


def _started(target: Callable[..., None], *args: Any) -> BaseProcess:
    """A spawned child, once it says it is ready."""
    ours, theirs = SPAWN.Pipe()
    child = SPAWN.Process(target=target, args=(theirs, *args), name=target.__name__)
    child.start()
    assert ours.poll(120), f"{target.__name__} did not start"
    assert ours.recv() == "ready"
    return child


def test_a_child_stuck_past_sigterm_is_killed_at_the_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stuck, polite = _started(ignores_sigterm), _started(sleeps)
    shutdown = Shutdown(threading.Event(), grace=2.0)
    began = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.shutdown"):
        shutdown.stop_children([stuck, polite])
    assert time.monotonic() - began < 15  # not the child's 120 s
    assert stuck.exitcode == -signal.SIGKILL
    assert polite.exitcode == -signal.SIGTERM
    assert shutdown.forced
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith("ignores_sigterm (pid ")
    assert messages[0].endswith("did not stop within 2 s: its stacks follow; killed")


def test_children_that_stop_are_waited_for_and_the_stop_is_clean(
    caplog: pytest.LogCaptureFixture,
) -> None:
    children = [_started(sleeps), _started(sleeps)]
    shutdown = Shutdown(threading.Event(), grace=60.0)
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.shutdown"):
        shutdown.stop_children(children)
    assert [c.exitcode for c in children] == [-signal.SIGTERM, -signal.SIGTERM]
    assert not shutdown.forced
    assert caplog.records == []


def test_a_stuck_helper_thread_is_left_behind_at_the_deadline(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    never = threading.Event()
    stuck = threading.Thread(target=never.wait, name="leaderled-stuck", daemon=True)
    done = threading.Thread(target=lambda: None, name="leaderled-done", daemon=True)
    stuck.start()
    done.start()
    shutdown = Shutdown(threading.Event(), grace=1.0)
    began = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="plugin.jobs.shutdown"):
        shutdown.join_threads([stuck, done])
    assert time.monotonic() - began < 5
    assert not done.is_alive()
    assert shutdown.forced
    assert [r.getMessage() for r in caplog.records] == [
        "leaderled-stuck did not stop within 1 s: the stacks follow; the process exits without it"
    ]
    never.set()
    stuck.join(5)


def test_one_deadline_for_threads_and_children() -> None:
    """The grace runs from the stop, not once for the threads and again for the
    children."""
    shutdown = Shutdown(threading.Event(), grace=2.0)
    never = threading.Event()
    stuck = threading.Thread(target=never.wait, daemon=True)
    stuck.start()
    stubborn = _started(ignores_sigterm)
    began = time.monotonic()
    shutdown.join_threads([stuck])
    shutdown.stop_children([stubborn])
    assert time.monotonic() - began < 2.0 + 1.0 + 5  # the grace once, the stacks' second, slack
    assert stubborn.exitcode == -signal.SIGKILL
    never.set()


def test_a_process_stuck_after_the_stop_is_ended_by_its_watchdog(tmp_path: Path) -> None:
    stderr = tmp_path / "stderr.txt"
    child = _started(stuck_after_the_stop, str(stderr))
    child.join(30)
    assert child.exitcode == 1  # ended by its watchdog, not the test's timeout
    written = stderr.read_text(errors="replace")
    assert "most recent call first" in written  # every thread's stack
    assert "stuck_after_the_stop" in written  # the stuck call among them
