"""The garbage collector's pause around a report: resumed after, shared by
overlapping reports, never turning on a collector that was off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from plugin.services.reports.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_resumed_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("the report failed")
    assert gc.isenabled()


def test_overlapping_reports_share_the_pause() -> None:
    first_in = threading.Event()
    first_may_leave = threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            first_may_leave.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(5)
    with collector_paused():
        pass
    # The second report ended while the first still runs: still paused.
    seen.append(gc.isenabled())
    first_may_leave.set()
    thread.join(5)
    seen.append(gc.isenabled())
    assert seen == [False, True]


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_crossed_reports_resume_when_the_last_ends() -> None:
    """First in, second in, first out (still paused), second out (resumed): a
    save-and-restore per report would leave the collector off here."""
    second_in = threading.Event()
    first_out = threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    with collector_paused():
        second_in.set()
        assert first_out.wait(5)
        seen.append(gc.isenabled())
    thread.join(5)
    seen.append(gc.isenabled())
    assert seen == [False, True]


def test_a_decorated_function_runs_paused_each_call() -> None:
    @collector_paused()
    def report() -> bool:
        return gc.isenabled()

    assert [report(), gc.isenabled(), report(), gc.isenabled()] == [False, True, False, True]
