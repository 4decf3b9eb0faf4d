"""Formal learning pulled from the LRS: the outcomes people see, and what reports need.

A row with ``is_outcome`` is a formal record (a completion, pass or fail, a
badge, a scored attempt, attendance: DESIGN section 5). The sync also keeps
the formal statements reports count without showing them (an attempt being
opened, a session closed with its time); launches, page views and other
tools' statements are not kept at all.

Keyed by statement id, so a page pulled twice (the sync overlap window) lands
once. Only the classified fields are kept, not the whole statement: the
reports need these, and a page of them is small. A voided statement keeps its
row with ``voided`` set (so a late copy of it cannot come back) and is not a
record any more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class FormalRecord(Base):
    __tablename__ = "formal_record"
    __table_args__ = (
        Index("ix_formal_record_person_time", "person_id", "timestamp"),
        # Reports: a period's records with what the formal pass counts (0120), and
        # a session's end by registration (0100).
        Index(
            "ix_formal_record_report",
            "timestamp",
            "person_id",
            "origin",
            "voided",
            "is_outcome",
            "verb",
            "registration",
            "duration_seconds",
            "kind",
            "completion",
            "success",
        ),
        Index("ix_formal_record_registration", "registration", "person_id"),
    )

    statement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lrs: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    actor_key: Mapped[str | None] = mapped_column(String(1024), index=True)
    origin: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(32))
    learning_mode: Mapped[str | None] = mapped_column(String(32))
    verb: Mapped[str] = mapped_column(String(512))
    activity_id: Mapped[str | None] = mapped_column(String(1024))
    activity_type: Mapped[str | None] = mapped_column(String(512))
    activity_name: Mapped[str | None] = mapped_column(String(512))
    score_scaled: Mapped[float | None] = mapped_column(Float)
    success: Mapped[bool | None] = mapped_column(Boolean)
    completion: Mapped[bool | None] = mapped_column(Boolean)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    registration: Mapped[str | None] = mapped_column(String(64))
    is_outcome: Mapped[bool] = mapped_column(Boolean, default=False)
    timestamp: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stored: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    attempts_seen: Mapped[int] = mapped_column(Integer, default=1)
    synced_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
