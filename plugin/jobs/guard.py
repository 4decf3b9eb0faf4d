"""At most one delivery worker on a SQLite database.

SQLite has no ``SKIP LOCKED``, so two workers could claim the same rows.
An OS file lock next to the database file keeps a second worker out; the
kernel drops it when the process dies, even by SIGKILL, so a crash never
leaves a stale lock behind.
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
def single_worker(database_url: str) -> Iterator[None]:
    """Hold the worker lock of a SQLite database for the duration (no-op elsewhere)."""
    path = sqlite_path(database_url)
    if path is None:
        yield
        return
    lock_path = path + ".worker.lock"
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkerBusy(
                "another delivery worker is already running on this SQLite database "
                f"(lock {lock_path}); SQLite allows one, use PostgreSQL to run several"
            ) from None
        yield
    finally:
        os.close(fd)
