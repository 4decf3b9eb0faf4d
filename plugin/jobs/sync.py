"""The sync worker: formal records pulled from the LRS into local rows.

Per LRS and query, :mod:`lrs_client.feed` pages through statements stored
since the saved cursor (with an overlap window, deduped by id, never past
``X-Experience-API-Consistent-Through``). Each page is classified, its
actors resolved to local people, upserted by statement id and its voids
applied, in one transaction together with the cursor that follows it: a
crash between pages resumes exactly there, and a page seen twice lands once.
Only one page is held in memory.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lrs_client import Cursor, FeedPage, Filters
from lrs_client.errors import LRSError
from plugin.db import Database
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


@dataclass
class SyncResult:
    pages: int = 0
    statements: int = 0
    upserted: int = 0
    voided: int = 0
    skipped: int = 0  # leader-led statements (ours; the local rows are the truth)
    unresolved: int = 0  # records whose actor is no local person (yet)
    complete: bool = False  # reached the end of the feed (not stopped)


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
    ) -> None:
        self.database = database
        self.source = source
        self.options = options or SyncOptions()
        self.stop = stop or threading.Event()

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
        """Forget the cursor, so the next backfill starts from the first statement."""
        with self.database.session_scope() as session:
            row = self._cursor_row(session)
            row.cursor_json = None
            row.pulled = 0

    # -- running ------------------------------------------------------------

    def run(
        self, *, backfill: bool = False, on_page: Callable[[int], None] | None = None
    ) -> SyncResult:
        """Pull everything new; with ``backfill`` and no cursor, from the very beginning.

        Without a cursor and without ``backfill`` the feed starts at the
        present: history is the backfill's job (it shows progress and can
        be interrupted and resumed).
        """
        with self._exclusive():
            return self._run(backfill, on_page)

    def _exclusive(self) -> AbstractContextManager[None]:
        if self.database.is_sqlite:
            return nullcontext()  # one worker per SQLite database (plugin.jobs.guard)
        return _advisory_lock(
            self.database, f"leaderled sync {self.options.lrs} {self.options.query}"
        )

    def _run(self, backfill: bool, on_page: Callable[[int], None] | None) -> SyncResult:
        cursor = self.saved_cursor()
        if cursor is None and not backfill:
            cursor = Cursor(mark=datetime.now(UTC))
        result = SyncResult()
        opts = self.options
        overlap = opts.backfill_overlap_seconds if backfill else opts.overlap_seconds
        feed = self.source.feed(
            cursor,
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
        except LRSError as error:
            self._event(DeliveryEventKind.SYNC_FAILED, result.statements, str(error))
            raise
        result.complete = True
        with self.database.session_scope() as session:
            self._cursor_row(session).last_success_at = datetime.now(UTC)
        self._event(DeliveryEventKind.SYNCED, result.statements, None)
        return result

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
            if c.statement_id and not c.voids and c.origin is not Origin.LEADER_LED
        }
        result.pages += 1
        result.statements += len(page.statements)
        result.skipped += sum(1 for _, c in classified if c.origin is Origin.LEADER_LED)
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
