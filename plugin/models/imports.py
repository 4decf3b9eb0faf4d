"""Rows imported from CSV files of past sessions.

Each imported row leaves its stable key (a digest of what the row says), so
importing the same file again, or a file that repeats rows, adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class ImportedRow(Base):
    __tablename__ = "imported_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="CASCADE"), index=True
    )
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
