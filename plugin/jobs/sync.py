"""The sync worker: formal records pulled from the LRS into local rows.

Per LRS and query, :mod:`lrs_client.feed` pages through statements stored
since the saved cursor (with an overlap window, deduped by id, never past
``X-Experience-API-Consistent-Through``). Each page is classified, its
actors resolved to local people, upserted by statement id and its voids
applied, in one transaction together with the cursor that follows it: a
crash between pages resumes exactly there, and a page seen twice lands once.
Only one page is held in memory.

The first sync of a feed is a backfill from the LRS's first statement, so
a first install pulls the whole history whichever command runs first; an
interrupted backfill resumes where it stopped; ``backfill=True`` starts one
over from the beginning. The worker's sync gives way to delivery: while
a delivery worker is sending statements it waits between pages (30 s at most). Of the formal
statements only outcomes become
records, plus what reports count (attempts opened, sessions closed with
their time); other statements are not kept (DESIGN section 5).
"""

from __future__ import annotations

import enum
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lrs_client import Cursor, FeedPage, Filters
from lrs_client.errors import LRSError
from plugin.db import Database
from plugin.jobs.guard import sqlite_lock
from plugin.models.formal import FormalRecord
from plugin.models.outbox import DEFAULT_LRS, DeliveryEvent, DeliveryEventKind
from plugin.models.people import PersonIdentifier
from plugin.models.records import RecordStatement
from plugin.models.sync import SyncCursor
from plugin.services.identity import Resolver
from plugin.services.privacy.suppression import unsuppressed
from statements.classification import Classification, Origin, classify

log = logging.getLogger(__name__)

#: The query name of the unfiltered feed.
ALL = "all"
#: How long the sync waits between two pages at most while delivery has work, and how
#: often it looks whether delivery is done.
GIVE_WAY_SECONDS = 30.0
GIVE_WAY_POLL = 0.2


class SyncBusy(RuntimeError):
    """Another process is syncing the same LRS and query right now."""


@contextmanager
def _advisory_lock(database: Database, name: str) -> Iterator[None]:
    """A PostgreSQL session lock: two syncs of one feed would fight over its cursor."""
    key = zlib.crc32(name.encode())
    with database.engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        conn.commit()
        if not got:
            raise SyncBusy(f"another process is already running the {name!r} feed; try later")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


@contextmanager
def _file_lock(database: Database, name: str) -> Iterator[None]:
    """SQLite's stand-in for the advisory lock: a lock file next to the database."""
    with sqlite_lock(database.url, name.replace(" ", "-")) as held:
        if not held:
            raise SyncBusy(f"another process is already running the {name!r} feed; try later")
        yield


class StatementFeed(Protocol):
    """What the sync needs from ``lrs_client.Feed``."""

    def pages(self) -> Iterable[FeedPage]: ...


class FeedSource(Protocol):
    """What the sync needs from ``lrs_client.LRSClient``."""

    def feed(
        self,
        cursor: Cursor | None = None,
        *,
        overlap: timedelta = ...,
        filters: Filters | None = None,
        page_size: int = ...,
    ) -> StatementFeed: ...


@dataclass(frozen=True)
class SyncOptions:
    lrs: str = DEFAULT_LRS
    query: str = ALL
    filters: Filters | None = None
    page_size: int = 500
    overlap_seconds: float = 300.0
    # History is not being written any more: a short window keeps the cursor's
    # set of recently seen ids (saved after every page) small during a backfill.
    backfill_overlap_seconds: float = 5.0
    profile_base: str = ""


class StartMode(enum.StrEnum):
    BACKFILL = "backfill"  # from the LRS's first statement
    RESUMED_BACKFILL = "resumed backfill"  # an unfinished backfill, from its cursor
    INCREMENTAL = "incremental"  # statements stored since the cursor


@dataclass(frozen=True)
class StartPoint:
    """Where a run starts reading, in words for the command line and the log."""

    mode: StartMode
    since: datetime | None = None  # stored after this (the cursor less the overlap)

    def describe(self) -> str:
        if self.since is None:
            return "from the LRS's first statement (backfill)"
        when = self.since.isoformat(timespec="seconds")
        if self.mode is StartMode.RESUMED_BACKFILL:
            return f"resuming the unfinished backfill at statements stored since {when}"
        return f"from statements stored since {when} (saved cursor less the overlap window)"


@dataclass
class SyncResult:
    pages: int = 0
    statements: int = 0
    upserted: int = 0  # rows written: outcomes plus what reports count
    outcomes: int = 0  # of those, formal records people see
    voided: int = 0
    skipped: int = 0  # leader-led statements (ours; the local rows are the truth)
    ignored: int = 0  # neither records nor needed by reports (launches, page views, other tools)
    unresolved: int = 0  # rows whose actor is no local person (yet)
    complete: bool = False  # reached the end of the feed (not stopped)
    start: StartPoint | None = None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else None


def _values(c: Classification, statement: Mapping[str, Any], lrs: str) -> dict[str, Any]:
    return {
        "lrs": lrs,
        "actor_key": c.actor.key() if c.actor else None,
        "origin": c.origin.value,
        "source": c.source.value,
        "kind": c.kind.value,
        "learning_mode": c.learning_mode.value if c.learning_mode else None,
        "verb": (c.verb or "")[:512],
        "activity_id": _clip(c.activity_id, 1024),
        "activity_type": _clip(c.activity_type, 512),
        "activity_name": _clip(c.activity_name, 512),
        "score_scaled": c.score.scaled if c.score else None,
        "success": c.success,
        "completion": c.completion,
        "duration_seconds": c.duration_seconds,
        "registration": _clip(c.registration, 64),
        "is_outcome": c.is_outcome,
        "timestamp": _when(c.timestamp),
        "stored": _when(statement.get("stored")),
        "synced_at": datetime.now(UTC),
    }


class Sync:
    """Pulls one feed (an LRS and a query) into ``formal_record``."""

    def __init__(
        self,
        database: Database,
        source: FeedSource,
        options: SyncOptions | None = None,
        *,
        stop: threading.Event | None = None,
        yield_to: Callable[[], bool] | None = None,
    ) -> None:
        """``yield_to`` says whether more urgent work is waiting (delivery, for the
        worker's sync loop); while it does, the sync pauses between pages."""
        self.database = database
        self.source = source
        self.options = options or SyncOptions()
        self.stop = stop or threading.Event()
        self.yield_to = yield_to

    # -- cursor -------------------------------------------------------------

    def _cursor_row(self, session: Session) -> SyncCursor:
        opts = self.options
        row = session.scalar(
            select(SyncCursor).where(SyncCursor.lrs == opts.lrs, SyncCursor.query == opts.query)
        )
        if row is None:
            row = SyncCursor(lrs=opts.lrs, query=opts.query, cursor_json=None, pulled=0)
            session.add(row)
            session.flush()
        return row

    def saved_cursor(self) -> Cursor | None:
        with self.database.session_scope() as session:
            text = self._cursor_row(session).cursor_json
        return Cursor.from_json(text) if text else None

    def reset(self) -> None:
        """Forget the cursor, so the next run is a backfill from the first statement."""
        with self.database.session_scope() as session:
            row = self._cursor_row(session)
            row.cursor_json = None
            row.pulled = 0
            row.backfilling = False

    def start_point(self, *, backfill: bool = False) -> StartPoint:
        """Where :meth:`run` with the same ``backfill`` would start reading."""
        with self.database.session_scope() as session:
            row = self._cursor_row(session)
            text, backfilling = row.cursor_json, row.backfilling
        cursor = Cursor.from_json(text) if text else None
        if backfill or cursor is None or cursor.mark is None:
            return StartPoint(StartMode.BACKFILL)
        if backfilling:
            overlap = self.options.backfill_overlap_seconds
            return StartPoint(StartMode.RESUMED_BACKFILL, cursor.mark - timedelta(seconds=overlap))
        since = cursor.mark - timedelta(seconds=self.options.overlap_seconds)
        return StartPoint(StartMode.INCREMENTAL, since)

    # -- running ------------------------------------------------------------

    def run(
        self, *, backfill: bool = False, on_page: Callable[[int], None] | None = None
    ) -> SyncResult:
        """Pull everything new since the saved cursor; see the module docstring.

        Without a cursor (the first sync), or with ``backfill``, this reads
        the LRS's whole history; a backfill cut short resumes on the next run.
        """
        with self._exclusive():
            if backfill:
                self.reset()
            return self._run(on_page)

    def _exclusive(self) -> AbstractContextManager[None]:
        name = f"leaderled sync {self.options.lrs} {self.options.query}"
        if self.database.is_sqlite:
            return _file_lock(self.database, name)
        return _advisory_lock(self.database, name)

    def _run(self, on_page: Callable[[int], None] | None) -> SyncResult:
        start = self.start_point()
        cursor = self.saved_cursor()
        result = SyncResult(start=start)
        opts = self.options
        backfill = start.mode is not StartMode.INCREMENTAL
        if backfill:
            with self.database.session_scope() as session:
                self._cursor_row(session).backfilling = True
        log.info("sync of LRS %r (%s): %s", opts.lrs, opts.query, start.describe())
        overlap = opts.backfill_overlap_seconds if backfill else opts.overlap_seconds
        feed = self.source.feed(
            cursor if start.mode is not StartMode.BACKFILL else None,
            overlap=timedelta(seconds=overlap),
            filters=opts.filters,
            page_size=opts.page_size,
        )
        try:
            for page in feed.pages():
                self._apply(page, result)
                if on_page is not None:
                    on_page(len(page.statements))
                if self.stop.is_set():
                    return result
                self._give_way()
        except LRSError as error:
            self._event(DeliveryEventKind.SYNC_FAILED, result.statements, str(error))
            raise
        result.complete = True
        with self.database.session_scope() as session:
            row = self._cursor_row(session)
            row.last_success_at = datetime.now(UTC)
            row.backfilling = False
        self._event(DeliveryEventKind.SYNCED, result.statements, None)
        return result

    def _give_way(self) -> None:
        """Wait between pages while ``yield_to`` says other work waits: the sync takes
        the time delivery does not need. After ``GIVE_WAY_SECONDS`` it reads the next
        page anyway, so a queue that never empties (an LRS refusing our writes) cannot
        stop the sync for good."""
        if self.yield_to is None:
            return
        deadline = time.monotonic() + GIVE_WAY_SECONDS
        while self.yield_to() and time.monotonic() < deadline:
            if self.stop.wait(GIVE_WAY_POLL):
                return

    def _event(self, kind: DeliveryEventKind, count: int, detail: str | None) -> None:
        with self.database.session_scope() as session:
            session.add(
                DeliveryEvent(lrs=self.options.lrs, kind=kind, count=count, detail=(detail or None))
            )

    def _apply(self, page: FeedPage, result: SyncResult) -> None:
        opts = self.options
        base = opts.profile_base
        classified = [
            (s, classify(s, profile_base=base) if base else classify(s)) for s in page.statements
        ]
        voids = {c.voids for _, c in classified if c.voids}
        records = {
            c.statement_id: (s, c)
            for s, c in classified
            if c.statement_id and not c.voids and _kept(c)
        }
        result.pages += 1
        result.statements += len(page.statements)
        ours = sum(1 for _, c in classified if c.origin is Origin.LEADER_LED)
        result.skipped += ours
        result.ignored += sum(
            1
            for _, c in classified
            if c.origin is not Origin.LEADER_LED and not c.voids and not _kept(c)
        )
        result.outcomes += sum(1 for _, c in records.values() if c.is_outcome)
        with self.database.session_scope() as session:
            records = unsuppressed(session, records)  # erased people are never pulled again
            people = Resolver(session).resolve(c.actor for _, c in records.values())
            rows: list[dict[str, Any]] = []
            for sid, (statement, c) in records.items():
                values = _values(c, statement, opts.lrs)
                values["person_id"] = people.get(values["actor_key"] or "")
                if values["person_id"] is None:
                    result.unresolved += 1
                rows.append({"statement_id": sid, "voided": False, "attempts_seen": 1, **values})
            if rows:
                session.execute(_upsert(session), rows)
            result.upserted += len(records)
            self._apply_voids(session, voids)
            result.voided += len(voids)
            row = self._cursor_row(session)
            row.cursor_json = page.cursor.to_json()
            row.pulled += len(page.statements)

    def _apply_voids(self, session: Session, voids: set[str]) -> None:
        if not voids:
            return
        session.execute(
            update(FormalRecord).where(FormalRecord.statement_id.in_(voids)).values(voided=True)
        )
        existing = set(
            session.scalars(
                select(FormalRecord.statement_id).where(FormalRecord.statement_id.in_(voids))
            )
        )
        # A void can arrive before (or without) its target: keep a tombstone so
        # the target, if it is pulled later, lands already voided. Voids of our
        # own statements (corrections) need none: those are never formal records.
        ours = set(
            session.scalars(
                select(RecordStatement.statement_id).where(RecordStatement.statement_id.in_(voids))
            )
        )
        for sid in voids - existing - ours:
            session.add(
                FormalRecord(
                    statement_id=sid,
                    lrs=self.options.lrs,
                    origin=Origin.OTHER.value,
                    verb="",
                    voided=True,
                    attempts_seen=0,
                )
            )


def _kept(c: Classification) -> bool:
    """Outcomes are records; attempts opened and sessions closed with their time are
    kept for reports; nothing else from the LRS is (DESIGN section 5)."""
    return c.is_outcome or c.starts_attempt or c.spent_time


def _upsert(session: Session) -> Any:
    """INSERT ... ON CONFLICT (statement_id) DO UPDATE, in the session's SQL dialect.

    A page seen again refreshes its rows and counts the sighting; ``voided``
    is never reset, so a voided statement pulled late stays voided. No
    SELECT of existing ids first: one executemany per page whatever the
    table's size.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement: Any = dialect.insert(FormalRecord)
    keep = {"statement_id", "voided", "attempts_seen"}
    refreshed: dict[str, Any] = {
        column.name: statement.excluded[column.name]
        for column in FormalRecord.__table__.columns
        if column.name not in keep
    }
    refreshed["attempts_seen"] = FormalRecord.attempts_seen + 1
    return statement.on_conflict_do_update(index_elements=["statement_id"], set_=refreshed)


def relink_people(database: Database) -> int:
    """Attach formal records to people whose identifiers were added after the pull."""
    with database.session_scope() as session:
        person = (
            select(PersonIdentifier.person_id)
            .where(PersonIdentifier.key == FormalRecord.actor_key)
            .scalar_subquery()
        )
        result = session.execute(
            update(FormalRecord)
            .where(
                FormalRecord.person_id.is_(None),
                FormalRecord.actor_key.in_(select(PersonIdentifier.key)),
            )
            .values(person_id=person)
        )
        return int(getattr(result, "rowcount", 0) or 0)
