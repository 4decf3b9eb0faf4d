"""Train-the-trainer (tip 3): experienced trainers and their capacity, pairings
of a new trainer with an experienced one, and requests for feedback.

Plain, indexed tables, so reports read coverage (who is paired, since when,
who received feedback) without going through the statements.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.people import Person, utcnow
from plugin.models.records import LeaderLedRecord


class Trainer(Base):
    """A person L&D counts as an experienced trainer, and how many new trainers
    they take on at once (``capacity``; 0 means not now)."""

    __tablename__ = "trainer"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship()


class TrainerPairing(Base):
    """A new trainer paired with an experienced one from ``starts_on`` to
    ``ends_on``; ``ended_at`` when L&D ended it early."""

    __tablename__ = "trainer_pairing"
    __table_args__ = (
        Index("ix_trainer_pairing_experienced_open", "experienced_trainer_id", "ended_at"),
        Index("ix_trainer_pairing_new_open", "new_trainer_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    new_trainer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    experienced_trainer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The pairing as an activity, and the registration its statements share.
    activity_iri: Mapped[str] = mapped_column(String(512), unique=True)
    registration: Mapped[str] = mapped_column(String(36), unique=True)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    new_trainer: Mapped[Person] = relationship(foreign_keys=[new_trainer_id])
    experienced_trainer: Mapped[Person] = relationship(foreign_keys=[experienced_trainer_id])

    def is_open_on(self, day: date) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on


class FeedbackRequest(Base):
    """A trainer asks a colleague for feedback on a session they taught;
    ``feedback_record_id`` once it is given."""

    __tablename__ = "feedback_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    session_record_id: Mapped[int] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="CASCADE"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainer_pairing.id", ondelete="SET NULL")
    )
    # Local only, like every free text (DESIGN section 9).
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    feedback_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL")
    )

    requester: Mapped[Person] = relationship(foreign_keys=[requester_id])
    reviewer: Mapped[Person] = relationship(foreign_keys=[reviewer_id])
    session_record: Mapped[LeaderLedRecord] = relationship(foreign_keys=[session_record_id])
    feedback_record: Mapped[LeaderLedRecord | None] = relationship(
        foreign_keys=[feedback_record_id]
    )
    pairing: Mapped[TrainerPairing | None] = relationship()
