"""Leader-led records: what a leader taught, coached, shared, agreed or confirmed.

One table for every kind ``statements/builders`` can build, because all kinds
share the same life cycle (recorded, corrected, deleted) and the same link to
the statements that carry them to the LRS. Kind-specific details live in
``details`` (JSON); free-text ``notes`` stay local and are never sent
(DESIGN.md section 9).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.catalogue import CompanyValue
from plugin.models.people import Person, utcnow


class RecordKind(enum.StrEnum):
    """Every leader-led event the builders turn into statements."""

    KNOWLEDGE_SESSION = "knowledge_session"
    COACHING_MOMENT = "coaching_moment"
    MENTORING_SESSION = "mentoring_session"
    TTT_SESSION = "ttt_session"
    TRAINER_PAIRING = "trainer_pairing"
    FEEDBACK = "feedback"
    MATERIAL_USED = "material_used"
    MATERIAL_SHARED = "material_shared"
    EXPECTATION_ACKNOWLEDGED = "expectation_acknowledged"
    GOAL_SET = "goal_set"
    GOAL_MET = "goal_met"
    CONFIRMATION = "confirmation"


class RecordState(enum.StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"


class ParticipantRole(enum.StrEnum):
    """How a person other than the leader takes part in a record."""

    ATTENDEE = "attendee"
    LEARNER = "learner"
    NEW_TRAINER = "new_trainer"
    EXPERIENCED_TRAINER = "experienced_trainer"


class StatementRole(enum.StrEnum):
    """Why a statement belongs to a record: it states it, or voids an earlier one."""

    STATES = "states"
    VOIDS = "voids"


class LeaderLedRecord(Base):
    """One leader-led event, owned by the person who recorded it (``leader_id``:
    the leader, or the learner for a confirmation)."""

    __tablename__ = "leader_led_record"
    __table_args__ = (
        Index("ix_leader_led_record_leader_time", "leader_id", "occurred_at"),
        # Reports: a kind over a period, with what they sum and group by
        # (migrations 0100, 0125).
        Index(
            "ix_leader_led_record_report",
            "kind",
            "occurred_at",
            "state",
            "team_id",
            "leader_id",
            "duration_seconds",
            "topic",
            "company_value_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RecordKind] = mapped_column(
        Enum(RecordKind, native_enum=False, length=32), index=True
    )
    state: Mapped[RecordState] = mapped_column(
        Enum(RecordState, native_enum=False, length=16), default=RecordState.ACTIVE
    )
    leader_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(512))
    # Slug of a ``TopicCategory`` (stable, part of the statements' category IRI).
    topic: Mapped[str | None] = mapped_column(String(64), index=True)
    company_value_id: Mapped[int | None] = mapped_column(
        ForeignKey("company_value.id", ondelete="SET NULL"), index=True
    )
    # The IRI of the session or moment in the statements (stable across corrections).
    activity_iri: Mapped[str | None] = mapped_column(String(512))
    # A confirmation or rating points at the record it confirms.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(Integer)
    # Registration shared by statements that belong together (a pairing, a mentorship).
    registration: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Local only: never put into a statement unless the organisation opts in.
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    leader: Mapped[Person] = relationship(foreign_keys=[leader_id])
    company_value: Mapped[CompanyValue | None] = relationship()
    participants: Mapped[list[RecordParticipant]] = relationship(
        back_populates="record", cascade="all, delete-orphan"
    )
    statements: Mapped[list[RecordStatement]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordStatement.id"
    )

    def current_statement_ids(self) -> list[str]:
        """Ids of the statements that state this record and are not voided."""
        states = StatementRole.STATES
        return [s.statement_id for s in self.statements if s.role is states and not s.voided]


class RecordParticipant(Base):
    __tablename__ = "record_participant"
    __table_args__ = (UniqueConstraint("record_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        Enum(ParticipantRole, native_enum=False, length=32)
    )

    record: Mapped[LeaderLedRecord] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()


class RecordStatement(Base):
    """A statement id a record produced; ``voided`` once a voiding statement names it."""

    __tablename__ = "record_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    role: Mapped[StatementRole] = mapped_column(Enum(StatementRole, native_enum=False, length=16))
    voided: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    record: Mapped[LeaderLedRecord] = relationship(back_populates="statements")
