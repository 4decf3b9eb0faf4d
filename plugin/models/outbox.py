"""The outbox: statements waiting for (or done with) delivery to an LRS.

A row is written in the same transaction as the record it carries, with the
exact statement JSON and its fixed id, so a resend is byte-identical and the
LRS can never hold it twice (DESIGN.md section 7). Scheduling columns are
epoch milliseconds so comparisons behave the same on SQLite and PostgreSQL.
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

#: Name of the LRS configured through ``LEADERLED_LRS_*`` settings.
DEFAULT_LRS = "default"


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting; due at ``due_ms``
    CLAIMED = "claimed"  # a worker holds it until ``lease_until_ms``
    STORED = "stored"  # the LRS has it
    PARKED = "parked"  # the LRS rejected it; ``last_error`` says why


class OutboxRow(Base):
    __tablename__ = "outbox"
    # One row per statement and receiving LRS: each LRS has its own queue.
    __table_args__ = (
        Index("ix_outbox_due", "lrs", "state", "due_ms"),
        UniqueConstraint("statement_id", "lrs", name="uq_outbox_statement_lrs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36))
    lrs: Mapped[str] = mapped_column(String(64), default=DEFAULT_LRS)
    statement_json: Mapped[str] = mapped_column(Text)
    state: Mapped[OutboxState] = mapped_column(
        Enum(OutboxState, native_enum=False, length=16), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_ms: Mapped[int] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until_ms: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveryEventKind(enum.StrEnum):
    DELIVERED = "delivered"  # a batch reached the LRS
    PARKED = "parked"  # rows the LRS rejected
    FAILED = "failed"  # the LRS could not be reached / answered 5xx
    HELD = "held"  # the LRS is down or refuses the connection: delivery waits, probing it
    RESUMED = "resumed"  # the LRS answers again: delivery goes on
    SYNCED = "synced"  # a sync pass finished
    SYNC_FAILED = "sync_failed"


class DeliveryEvent(Base):
    """One line in the health view's history: what a worker did, and when."""

    __tablename__ = "delivery_event"
    __table_args__ = (Index("ix_delivery_event_lrs_kind", "lrs", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lrs: Mapped[str] = mapped_column(String(64))
    kind: Mapped[DeliveryEventKind] = mapped_column(
        Enum(DeliveryEventKind, native_enum=False, length=16)
    )
    count: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
