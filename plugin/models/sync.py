"""Where each sync left off: one cursor per LRS and per query.

The cursor itself is whatever ``lrs_client``'s feed exposes, kept as JSON
text so this table does not need to change when the feed does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class SyncCursor(Base):
    __tablename__ = "sync_cursor"
    __table_args__ = (UniqueConstraint("lrs", "query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lrs: Mapped[str] = mapped_column(String(64))
    # A stable name for the filter the feed pulls with ("all", "verb=...").
    query: Mapped[str] = mapped_column(String(255))
    cursor_json: Mapped[str | None] = mapped_column(Text)
    pulled: Mapped[int] = mapped_column(Integer, default=0)
    # A backfill (from the LRS's first statement) started and has not reached the end:
    # the next run resumes it from the cursor, with the backfill's short overlap.
    backfilling: Mapped[bool] = mapped_column(Boolean, default=False)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
