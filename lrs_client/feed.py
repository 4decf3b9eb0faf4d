"""An incremental, restartable feed of new statements (by ``stored`` time).

The :class:`Cursor` is the whole state: a high-water mark and the ids seen
near it. Each run asks for statements stored after ``mark - overlap``
(ascending), skips ids already seen, and moves the mark to the newest
``stored`` seen but never past ``X-Experience-API-Consistent-Through``: an
LRS may still be writing statements stored before that instant, so the
overlap window and the dedupe set catch late arrivals without duplicates.

Pages are yielded with the cursor as it stands *after* that page; persist
it once the page is processed and a crash resumes exactly there. Only one
page and the ids inside the overlap window are held in memory.

That relies on the LRS honouring ``ascending=true``. Some do not (Ralph's
filesystem backend ignores it): once a statement arrives older than one
before it, the mark stays where the run started until the last page, so an
interrupted run repeats (and dedupes) rather than skips; the seen ids then
grow with the run instead of staying within one window.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from lrs_client.query import Filters, StatementQuery, iso, parse_time
from lrs_client.transport import Transport


@dataclass(frozen=True)
class Cursor:
    """Where a feed stands; JSON-serialisable for a database column."""

    mark: datetime | None = None
    seen: dict[str, datetime] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "mark": iso(self.mark) if self.mark else None,
                "seen": {sid: iso(at) for sid, at in sorted(self.seen.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        data = json.loads(text)
        seen = {sid: parse_time(at) for sid, at in data.get("seen", {}).items()}
        return cls(
            mark=parse_time(data.get("mark")),
            seen={sid: at for sid, at in seen.items() if at is not None},
        )


@dataclass(frozen=True)
class FeedPage:
    """New statements of one page and the cursor to persist after processing them."""

    statements: list[dict[str, Any]]
    cursor: Cursor
    #: Items of this page's ``statements`` that were not JSON objects (skipped).
    skipped: int = 0


class Feed:
    """Yields pages of statements newer than ``cursor``; see the module docstring."""

    def __init__(
        self,
        transport: Transport,
        cursor: Cursor | None = None,
        *,
        overlap: timedelta = timedelta(minutes=5),
        filters: Filters | None = None,
        page_size: int = 500,
    ) -> None:
        self._transport = transport
        self.cursor = cursor or Cursor()
        self.overlap = overlap
        self._filters = filters or Filters()
        self._page_size = page_size
        #: Items in the LRS's ``statements`` lists that were not objects, skipped so far.
        self.skipped = 0

    def pages(self) -> Iterator[FeedPage]:
        start = self.cursor
        since = start.mark - self.overlap if start.mark else self._filters.since
        query = StatementQuery(
            self._transport,
            replace(self._filters, since=since, ascending=True, limit=self._page_size),
        )
        newest = start.mark
        seen = dict(start.seen)
        in_order = True
        previous: datetime | None = None
        for page in query.pages():
            fresh: list[dict[str, Any]] = []
            skipped = 0
            items: list[Any] = page.statements  # as the LRS sent them: not always objects
            for statement in items:
                if not isinstance(statement, dict):
                    skipped += 1  # the spec allows only statement objects here
                    continue
                sid = str(statement.get("id", "")).lower()
                stored = parse_time(statement.get("stored"))
                if stored is not None:
                    if previous is not None and stored < previous:
                        in_order = False
                    previous = stored
                    if newest is None or stored > newest:
                        newest = stored  # seen ones count too: they were yielded before
                if not sid or sid in seen:
                    continue
                fresh.append(statement)
                if stored is not None:
                    seen[sid] = stored
            if in_order or page.more is None:
                mark = self._capped(newest, start.mark, query.consistent_through)
            else:
                mark = start.mark
            if mark is not None:
                floor = mark - self.overlap
                seen = {sid: at for sid, at in seen.items() if at >= floor}
            self.cursor = Cursor(mark=mark, seen=dict(seen))
            self.skipped += skipped
            yield FeedPage(fresh, self.cursor, skipped)

    @staticmethod
    def _capped(
        newest: datetime | None, start: datetime | None, consistent: datetime | None
    ) -> datetime | None:
        """The newest stored time, never past consistent-through, never backwards."""
        mark = newest
        if mark is not None and consistent is not None and mark > consistent:
            mark = consistent
        if start is not None and (mark is None or mark < start):
            mark = start
        return mark

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page.statements
