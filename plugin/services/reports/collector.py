"""Python's cyclic garbage collector paused while a report folds its rows.

An organisation's report allocates hundreds of thousands of small, acyclic
objects (grouped rows, per-person sums, sets of people): every 700 of them
the collector ran, and every few of those runs walked everything alive. That
was a fifth of an organisation-wide report's time (about 100 ms of 450 to
650 ms on the bench's million statements), for no garbage: rows and sums are
freed by reference counting as they go out of use. The collector is paused
for the report and resumed after; it is process-wide, so concurrent reports
share one pause, resumed when the last ends, and a collector someone else
disabled before the first report stays disabled. Other requests' threads
run meanwhile without cyclic collection: a report lasts well under a second
and reports are rare (L&D and leaders), so whatever cyclic garbage they
leave waits that long (``leaderled report lrs`` holds the pause for its whole
pull, in a process of its own). Use it on a plain function (``@collector_paused()``)
or around a block, never around a ``yield`` (an abandoned generator would hold
the pause).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many reports are running, and whether the collector ran before."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False


_PAUSE = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (see the module's docstring)."""
    with _PAUSE.lock:
        if _PAUSE.holders == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.holders += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.holders -= 1
            if _PAUSE.holders == 0 and _PAUSE.was_enabled:
                gc.enable()
