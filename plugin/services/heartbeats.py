"""Worker heartbeats as rows: written by each worker process
(:mod:`plugin.jobs.heartbeat`), read by the readiness check and the
operations page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from plugin.models.workers import WorkerHeartbeat

#: Rows older than this belong to processes long gone.
FORGET_AFTER = timedelta(days=1)


def beat(session: Session, worker: str, roles: str, *, now: datetime | None = None) -> None:
    """Record that ``worker`` is alive now; forget workers gone for a day."""
    moment = now or datetime.now(UTC)
    row = session.get(WorkerHeartbeat, worker)
    if row is None:
        session.add(WorkerHeartbeat(worker=worker, roles=roles, started_at=moment, seen_at=moment))
    else:
        row.roles, row.seen_at = roles, moment
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < moment - FORGET_AFTER))


def last_seen(session: Session) -> datetime | None:
    """When any worker last beat (UTC), or None if none ever did."""
    found = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    if found is not None and found.tzinfo is None:  # SQLite hands back naive UTC
        found = found.replace(tzinfo=UTC)
    return found
