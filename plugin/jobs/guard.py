"""At most one delivery worker, and one sync per feed, on a SQLite database.

SQLite has no ``SKIP LOCKED``, so two workers could claim the same rows,
and two syncs of one feed would fight over its cursor. An OS file lock next
to the database file keeps a second one out; the kernel drops it when the
process dies, even by SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


class WorkerBusy(RuntimeError):
    """Another delivery worker already runs on this SQLite database."""


def sqlite_path(database_url: str) -> str | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


@contextmanager
def sqlite_lock(database_url: str, name: str) -> Iterator[bool]:
    """Try the lock ``name`` of a SQLite database; yields whether this process holds it.

    Elsewhere (PostgreSQL, in-memory SQLite) it yields True: the caller needs no file lock.
    """
    path = sqlite_path(database_url)
    if path is None:
        yield True
        return
    fd = os.open(f"{path}.{name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@contextmanager
def single_worker(database_url: str) -> Iterator[None]:
    """Hold the delivery lock of a SQLite database for the duration (no-op elsewhere)."""
    with sqlite_lock(database_url, "worker") as held:
        if not held:
            raise WorkerBusy(
                "another delivery worker is already running on this SQLite database "
                f"(lock {sqlite_path(database_url)}.worker.lock); SQLite allows one, "
                "use PostgreSQL to run several"
            )
        yield
