"""``prefetched``: the LRS's pages are read ahead by a thread while the report
classifies; every item arrives once and in order, a reader's error is raised
in the consumer, and stopping early leaves no thread behind. ``pulled`` hands
whole pages over and yields their statements in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from lrs_client import Page
from plugin.services.reports.from_lrs import prefetched, pulled


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


def test_pulled_yields_every_page_s_statements_in_order_and_reports_page_sizes() -> None:
    pages = [
        Page([{"id": f"{p}-{n}"} for n in range(size)], None, None)
        for p, size in enumerate((3, 0, 5))
    ]
    sizes: list[int] = []
    ids = [s["id"] for s in pulled(pages, sizes.append)]
    assert ids == [f"{p}-{n}" for p, size in enumerate((3, 0, 5)) for n in range(size)]
    assert sizes == [3, 0, 5]
