"""Several LRSs: one LRS's loop failing stops the process's other loops (as
the single loop's failure does), so the worker exits and is restarted rather
than living on with that LRS left without deliveries."""

from __future__ import annotations

import threading
import time

import pytest

from plugin.config import LrsTarget
from plugin.jobs.runner import _each

TARGETS = (
    LrsTarget("org", "http://127.0.0.1:9/org/"),
    LrsTarget("region", "http://127.0.0.1:9/r/"),
)


def test_a_failed_loop_stops_the_others_and_is_raised() -> None:
    stop = threading.Event()

    def loop(lrs: LrsTarget) -> int:
        if lrs.name == "org":
            raise RuntimeError("database is gone")
        stop.wait(30)  # a healthy loop runs until told to stop
        return 1

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="database is gone"):
        _each(TARGETS, loop, "delivery", stop)
    assert stop.is_set()
    assert time.monotonic() - started < 10


def test_healthy_loops_add_up() -> None:
    assert _each(TARGETS, lambda lrs: len(lrs.name), "delivery", threading.Event()) == 9
