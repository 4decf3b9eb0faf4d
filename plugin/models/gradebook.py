"""Scores waiting for (or done with) the LMS gradebook (LTI AGS).

Where a teacher added a Leaderled link "with a grade", a learner's
confirmation of a session (or a leader's record of their attendance) is
published to that link's line item. Like statements to the LRS, a post is
written in the transaction of the record that causes it and sent by the
worker, so an LMS outage only delays it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class PostState(enum.StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    FAILED = "failed"  # gave up after many attempts; ``last_error`` says why


class GradebookPost(Base):
    __tablename__ = "gradebook_post"
    __table_args__ = (
        UniqueConstraint("line_item", "user_id", "record_id"),
        Index("ix_gradebook_post_due", "state", "due_ms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(255))
    line_item: Mapped[str] = mapped_column(String(1024))
    # The learner, and their LMS user id on that platform (the launch's ``sub``).
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(255))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[PostState] = mapped_column(
        Enum(PostState, native_enum=False, length=16), default=PostState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_ms: Mapped[int] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
