"""Worker heartbeats: the web process's readiness check asks whether any
worker was seen recently, and web and worker share nothing but the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeat"

    # host:pid of the worker process; one row per process, refreshed while it runs.
    worker: Mapped[str] = mapped_column(String(128), primary_key=True)
    # What the process does: "delivery", "sync" or both, comma-separated.
    roles: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
