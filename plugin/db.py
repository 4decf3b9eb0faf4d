"""SQLAlchemy 2.0 engine and session handling.

The engine lives on the app (``app.extensions["leaderled.db"]``); a request
gets one session, closed at teardown. Jobs and CLI commands open their own
sessions with :func:`session_scope`, so the caller always owns the
transaction boundary.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: ``Session.info`` key of the names of the LRSs that receive statements.
SEND_LRS = "leaderled.send_lrs"

#: SQLite ``PRAGMA synchronous`` values a launch may commit with.
LAUNCH_SYNCHRONOUS = ("normal", "full")


#: A pooled connection given back less than this many seconds ago is used
#: without a ping first (see :func:`ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 5.0
_RETURNED_AT = "leaderled.returned_at"


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection with a ping before use only when it has been
    idle a while, instead of before every use (``pool_pre_ping``).

    A ping is a round trip: a tenth of an API write's, a quarter of a
    launch's validation on PostgreSQL (issues 12 and 17). A connection that
    went back to the pool moments ago is almost surely alive; one idle for
    longer may have been closed by the server, a proxy or a firewall, and a
    dead one is replaced before use, as with ``pool_pre_ping`` (the pool
    retries the checkout on :class:`~sqlalchemy.exc.DisconnectionError`).
    What is given up: after a database restart, a request that takes a
    connection used within the last seconds fails once; SQLAlchemy then
    drops every connection opened before the failure, and the request is
    answered with a 503 and ``Retry-After`` (:mod:`plugin.views.errors`).
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def opened(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is not None and time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error
            raise


_MEMOS = "leaderled.memos"


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """A dict named ``name`` that lives as long as the session's current
    transaction: for what one query of the transaction read along and a
    later step would otherwise read again. A new transaction starts with
    new memos, so nothing read in one is trusted in the next; outside a
    transaction the memo is a fresh dict that nothing keeps. A savepoint
    rolled back does not clear it: keep to facts that a savepoint's
    rollback cannot undo (what was read, not what was written)."""
    transaction = session.get_transaction()
    if transaction is None:
        return {}
    owner, memos = session.info.get(_MEMOS, (None, {}))
    if owner is not transaction:
        memos = {}
        session.info[_MEMOS] = (transaction, memos)
    found: dict[Any, Any] = memos.setdefault(name, {})
    return found


def first_row(
    conn: Connection, compiled: SQLCompiler, params: dict[str, Any]
) -> tuple[Any, ...] | None:
    """The first row of one statement compiled once for ``conn``'s dialect,
    run on the driver's cursor: what :meth:`Connection.execute` does of
    note (it begins a transaction unless one is open, as ``execute`` does,
    so the caller commits or it is rolled back; statement events and
    logging; a driver error, a lost connection among them, handled and
    raised as SQLAlchemy's ``DBAPIError``), without building an execution
    context and a result.

    For the one statement on the way of every LTI launch (issue 17), where
    that machinery cost more than the round trip. ``Connection._cursor_execute``
    and ``_handle_dbapi_exception`` are what SQLAlchemy's dialects use for
    such statements (sequences, defaults); they are not public API, hence
    SQLAlchemy pinned below 2.1 and the launch tests on both databases (a
    statement counted, a lost connection answered with a 503).
    """
    values: Any = params
    if compiled.positiontup is not None:
        values = tuple(params[name] for name in compiled.positiontup)
    if not conn.in_transaction():
        conn.begin()
    cursor = conn.connection.cursor()
    try:
        conn._cursor_execute(cursor, compiled.string, values)
        try:
            row = cursor.fetchone()  # SQLite in autocommit mode commits here
        except Exception as error:
            conn._handle_dbapi_exception(error, compiled.string, values, cursor, None)
    finally:
        cursor.close()
    return tuple(row) if row is not None else None


class Base(DeclarativeBase):
    """Declarative base for every model; stable constraint names for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database:
    """Owns the engine and the session factory of one application.

    On SQLite, LTI launches commit through engines of their own (see
    :meth:`launch_checks` and :meth:`launch_scope`) whose connections commit
    without waiting for the disk unless ``launch_synchronous`` is
    ``"full"``; every other transaction commits with ``synchronous=FULL``.
    """

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        send_lrs: tuple[str, ...] = ("default",),
        launch_synchronous: str = "normal",
    ) -> None:
        if launch_synchronous not in LAUNCH_SYNCHRONOUS:
            raise ValueError(
                "LEADERLED_SQLITE_LAUNCH_SYNCHRONOUS must be one of "
                f"{', '.join(LAUNCH_SYNCHRONOUS)}, not {launch_synchronous!r}"
            )
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        prepare_sqlite_file(url)
        sqlite = url.startswith("sqlite")
        if sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            ping_when_idle(self.engine)
        self.launch_engine = self.engine
        if sqlite and launch_synchronous != "full" and _on_disk(url):
            # Connections set up once, when opened: no statement per launch.
            self.launch_engine = create_engine(url, **kwargs)
            pragmas = partial(_sqlite_pragmas, synchronous=launch_synchronous)
            event.listen(self.launch_engine, "connect", pragmas)
        # Every session knows which LRSs receive statements: the outbox queues
        # one row per LRS in the caller's transaction (plugin.services.outbox).
        info = {SEND_LRS: tuple(send_lrs)}
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self.launch_sessionmaker = sessionmaker(
            self.launch_engine, expire_on_commit=False, info=info
        )
        self.checks_engine = self._checks_engine(url, kwargs, sqlite, launch_synchronous)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error."""
        with _transaction(self.sessionmaker) as session:
            yield session

    @contextmanager
    def launch_scope(self) -> Iterator[Session]:
        """The transaction that stores an LTI launch (the used nonce, the
        person, team and launch session), like :meth:`session_scope`.

        On SQLite in WAL mode with ``synchronous=NORMAL``, such a commit does
        not wait for the disk: a power cut (not a crash of the process) may
        undo the launches since the last commit that did, and the person
        launches again. Every other transaction (records, their outbox rows)
        still commits with ``synchronous=FULL``, which makes everything
        written before it durable as well; so nothing a durable commit
        depends on can be lost. The fsync is the costliest part of a launch
        on SQLite (issue 17). Only launches write here and through
        :meth:`launch_checks` (the consumed login, an auto-approved
        deployment): keep it that way.
        """
        with _transaction(self.launch_sessionmaker) as session:
            yield session

    def _checks_engine(
        self, url: str, kwargs: dict[str, Any], sqlite: bool, launch_synchronous: str
    ) -> Engine:
        """The engine of :meth:`launch_checks`: its connections are put in
        autocommit mode once, when opened (switching a pooled connection
        at every checkout and back at every return cost a fifth of a
        launch's validation on PostgreSQL). An in-memory SQLite database
        cannot be opened twice: there the launch engine switches, and since
        its pool gives a thread one connection, taking it commits whatever
        that thread had open (fine for the demos and tests it serves; run
        anything real on a file or on PostgreSQL)."""
        if sqlite and not _on_disk(url):
            return self.launch_engine.execution_options(isolation_level="AUTOCOMMIT")
        engine = create_engine(url, isolation_level="AUTOCOMMIT", **kwargs)
        if sqlite:
            pragmas = partial(_sqlite_pragmas, synchronous=launch_synchronous)
            event.listen(engine, "connect", pragmas)
        else:
            ping_when_idle(engine)
        return engine

    @contextmanager
    def launch_checks(self) -> Iterator[Connection]:
        """A connection in autocommit mode for an LTI launch's validation
        (:func:`plugin.lti.validation.validate_launch`): each statement
        commits as it runs. Its one statement on the way of every launch
        (consuming the login) is then one round trip, where a transaction
        would add a BEGIN and a COMMIT (two thirds of the validation's cost
        on PostgreSQL, issue 17); the launch's rows are stored afterwards in
        a :meth:`launch_scope` of their own. The connection goes back to its
        pool before that: a launch holds one connection at a time."""
        with self.checks_engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        if self.launch_engine is not self.engine:
            self.launch_engine.dispose()
        self.checks_engine.dispose()


@contextmanager
def _transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _on_disk(url: str) -> bool:
    """A SQLite database in a file: a second engine then opens the same one
    (an in-memory database would be another, empty one)."""
    parsed = make_url(url)
    database = parsed.database
    return bool(database) and database != ":memory:" and parsed.query.get("mode") != "memory"


def prepare_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before
    SQLite would create it with the umask's permissions (often 0644): it holds
    personal data and the tool's keys. SQLite gives its -wal and -shm files
    the same permissions. An existing file readable by others is reported."""
    if not url.startswith("sqlite"):
        return
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning(
                "database file %s is readable by other users; run `chmod 600 %s`", path, path
            )
        return
    except OSError:
        return  # no such directory: SQLite reports it in its own words
    os.close(descriptor)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, synchronous: str = "full") -> None:
    """Every SQLite connection: foreign keys, WAL, a busy timeout, and
    ``synchronous`` said explicitly (FULL unless a launch's connection; some
    builds default to NORMAL in WAL mode)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA synchronous={'NORMAL' if synchronous == 'normal' else 'FULL'}")
    cursor.close()


def init_app(
    app: Flask,
    url: str,
    *,
    echo: bool = False,
    send_lrs: tuple[str, ...] = ("default",),
    launch_synchronous: str = "normal",
) -> Database:
    database = Database(url, echo=echo, send_lrs=send_lrs, launch_synchronous=launch_synchronous)
    app.extensions["leaderled.db"] = database
    app.teardown_appcontext(_close_request_session)
    return database


def get_db(app: Flask | None = None) -> Database:
    target = app if app is not None else current_app
    db: Database = target.extensions["leaderled.db"]
    return db


def db_session() -> Session:
    """The session of the current request (or app context), opened lazily."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    session: Session = g.db_session
    return session


def rollback_request_session() -> None:
    """End the request's transaction, if it has one (after its connection was
    lost, so that what the error page reads runs on a new one)."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_request_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    with get_db(app).session_scope() as session:
        yield session
