"""``prefetched``: the LRS's pages are read ahead by a thread while the report
classifies; every item arrives once and in order, a reader's error is raised
in the consumer, and stopping early leaves no thread behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from plugin.services.reports.from_lrs import prefetched


def test_items_arrive_once_in_order() -> None:
    assert list(prefetched(range(10_000), depth=7)) == list(range(10_000))


def test_a_reader_error_is_raised_in_the_consumer() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ConnectionError("the LRS went away")

    found = prefetched(failing())
    assert next(found) == 1
    with pytest.raises(ConnectionError, match="went away"):
        next(found)


def test_stopping_early_ends_the_reader() -> None:
    before = threading.active_count()
    found = prefetched(iter(range(1_000_000)), depth=3)
    assert next(found) == 0
    found.close()
    assert threading.active_count() == before
