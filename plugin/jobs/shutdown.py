"""Stopping a worker within a bound, and saying where it was stuck if it was.

On SIGTERM the worker's loops finish what they have in flight (a batch, a
page, a gradebook pass) and return. ``Shutdown`` bounds that: from the moment
the stop is seen it sends SIGTERM to the worker's children at once (they wind
down alongside the parent), gives everything ``SHUTDOWN_GRACE_SECONDS`` in
all, then kills a child still running (after asking it for its stacks) and
leaves a helper thread behind (after writing its stacks), and marks the stop
unclean. Should the process itself still be running a little after the grace
(a call stuck in the main thread), a watchdog writes every stack and ends it
with exit code 1: a stopped worker never lingers, and its log says why.

SIGUSR1 writes every thread's stack to stderr at any time (``faulthandler``).
"""

from __future__ import annotations

import faulthandler
import io
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

#: Seconds from the stop until everything must have ended: below the 30 s after
#: which container platforms send SIGKILL, so the worker ends its own way.
SHUTDOWN_GRACE_SECONDS = 25.0
#: How long after the grace the watchdog waits before ending the process.
WATCHDOG_MARGIN_SECONDS = 3.0


class UncleanStop(RuntimeError):
    """A child had to be killed or a thread left behind (the log has their stacks)."""


def dump_stacks_on_sigusr1() -> None:
    """SIGUSR1 writes every thread's stack to the process's own stderr (a test
    runner may have swapped ``sys.stderr`` for a buffer); without one, nothing."""
    stderr = sys.__stderr__
    if stderr is not None:
        with suppress(ValueError, io.UnsupportedOperation):
            faulthandler.register(signal.SIGUSR1, file=stderr, all_threads=True)


def dump_stacks() -> None:
    """Every thread's stack of this process, to its own stderr."""
    stderr = sys.__stderr__
    if stderr is not None:
        with suppress(ValueError, io.UnsupportedOperation):
            faulthandler.dump_traceback(file=stderr, all_threads=True)


class Shutdown:
    """One worker process's stop: one deadline for its threads and children."""

    def __init__(self, stop: threading.Event, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self.stop = stop
        self.grace = grace
        self.forced = False
        self._children: list[BaseProcess] = []
        self._deadline: float | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()

    @property
    def deadline(self) -> float:
        """``grace`` after the stop was first seen (or after this is first asked)."""
        with self._lock:
            if self._deadline is None:
                self._deadline = time.monotonic() + self.grace
            return self._deadline

    def _left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def watch(self, children: Sequence[BaseProcess]) -> None:
        """Watch for the stop in a daemon thread: SIGTERM ``children`` as soon as
        it comes, and end this process if it outlives the grace."""
        self._children = list(children)
        threading.Thread(target=self._watch, name="leaderled-shutdown", daemon=True).start()

    def finished(self) -> None:
        """The process has stopped its loops and children: the watchdog stands down."""
        self._done.set()

    def _watch(self) -> None:
        while not self.stop.wait(1.0):
            if self._done.is_set():
                return
        deadline = self.deadline
        for child in self._children:
            if child.is_alive():
                child.terminate()
        if self._done.wait(max(0.0, deadline - time.monotonic()) + WATCHDOG_MARGIN_SECONDS):
            return
        log.critical(
            "worker still running %.0f s after the stop: its stacks follow; exiting",
            self.grace + WATCHDOG_MARGIN_SECONDS,
        )
        dump_stacks()
        for child in self._children:
            if child.is_alive():
                child.kill()
        os._exit(1)

    def stop_children(self, children: Sequence[BaseProcess]) -> None:
        """SIGTERM every child still running and wait for them until the deadline;
        one still running then writes its stacks (SIGUSR1) and is killed."""
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join(self._left())
            if child.is_alive() and child.pid is not None:
                self.forced = True
                log.error(
                    "%s (pid %s) did not stop within %.0f s: its stacks follow; killed",
                    child.name,
                    child.pid,
                    self.grace,
                )
                with suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGUSR1)
                child.join(1.0)
                child.kill()
                child.join()

    def join_threads(self, threads: Sequence[threading.Thread]) -> None:
        """Wait for ``threads`` (daemons) until the deadline; one still running then
        is logged with every stack and left to end with the process."""
        for thread in threads:
            thread.join(self._left())
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            self.forced = True
            log.error(
                "%s did not stop within %.0f s: the stacks follow; the process exits without %s",
                ", ".join(stuck),
                self.grace,
                "it" if len(stuck) == 1 else "them",
            )
            dump_stacks()
