"""Privacy and data protection (DESIGN section 9): who each statement names,
who looked at whose record, what erasures and retention runs did, the
identifiers never to pull again, and the organisation's retention periods.

``statement_subject`` is filled as statements are queued
(:func:`plugin.services.outbox.enqueue`), so erasure and export know every
statement that names a person even after the outbox text is purged.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class StatementSubject(Base):
    """One person a statement names (as actor, instructor, learner, attendee...)."""

    __tablename__ = "statement_subject"
    __table_args__ = (UniqueConstraint("statement_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # The person is the statement's actor (they did it), not only named in it.
    actor: Mapped[bool] = mapped_column(Boolean, default=False)
    # The statement voids another one (it cannot be voided itself).
    voiding: Mapped[bool] = mapped_column(Boolean, default=False)
    # A voiding statement for this one is queued or sent.
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AccessKind(enum.StrEnum):
    """What was looked at."""

    RECORD = "record"  # one leader-led record that names the person
    LEARNING_RECORD = "learning_record"  # the person's whole learning record
    PERSONAL_DATA = "personal_data"  # what Leaderled holds about them (privacy admin page)
    EXPORT = "export"  # their data exported by someone else


class AccessVia(enum.StrEnum):
    PAGE = "page"
    API = "api"
    CLI = "cli"


class AccessLogEntry(Base):
    """Someone looked at another person's record: who, whose, what, when."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Null once the viewer's own data was erased: the view still happened.
    viewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    # The viewer's role then (a Role value, or "cli" for an operator).
    viewer_role: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    what: Mapped[AccessKind] = mapped_column(Enum(AccessKind, native_enum=False, length=32))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL"), index=True
    )
    via: Mapped[AccessVia] = mapped_column(Enum(AccessVia, native_enum=False, length=16))


class PrivacyAction(enum.StrEnum):
    ERASURE = "erasure"
    RETENTION = "retention"


class PrivacyAudit(Base):
    """What an erasure or a retention run removed: counts only, never whom."""

    __tablename__ = "privacy_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A receipt to give the person who asked; it names nobody.
    reference: Mapped[str] = mapped_column(String(36), unique=True)
    action: Mapped[PrivacyAction] = mapped_column(Enum(PrivacyAction, native_enum=False, length=16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    # "lnd_admin", "cli" or "worker".
    by_role: Mapped[str] = mapped_column(String(16))
    # Table name -> rows removed (or cleared).
    rows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    statements_voided: Mapped[int] = mapped_column(Integer, default=0)


class Suppression(Base):
    """An erased person's identifier, hashed: formal records naming it are
    never pulled again. The sha256 of an identifier key, not the key."""

    __tablename__ = "privacy_suppression"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacySettings(Base):
    """The organisation's retention periods in days (one row; None keeps forever)."""

    __tablename__ = "privacy_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_retention_days: Mapped[int | None] = mapped_column(Integer)
    formal_retention_days: Mapped[int | None] = mapped_column(Integer)
    access_log_retention_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
