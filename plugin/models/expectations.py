"""Managing expectations (tip 5): what is asked of leaders as teachers, who
acknowledged which version of it, and the goals leaders set themselves.

An expectation may be measured from the leader's own records ("one knowledge
session a quarter"); its IRI is fixed at creation, its texts may change
(``version`` goes up, and leaders are asked to acknowledge it again).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.people import Team, utcnow


class Measure(enum.StrEnum):
    """What an expectation counts in the leader's records, per period."""

    NONE = "none"
    KNOWLEDGE_SESSIONS = "knowledge_sessions"
    COACHING_MOMENTS = "coaching_moments"
    TEAM_MEMBERS_COACHED = "team_members_coached"
    MATERIALS_SHARED = "materials_shared"


class Period(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Expectation(Base):
    __tablename__ = "expectation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    iri: Mapped[str] = mapped_column(String(512), unique=True)
    # leader, trainer or mentor (statements.builders.expectations.EXPECTED_ROLES).
    role: Mapped[str] = mapped_column(String(16))
    text_en: Mapped[str] = mapped_column(String(200))
    text_nl: Mapped[str] = mapped_column(String(200))
    # None: the whole organisation; else the leaders of this team.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), index=True
    )
    measure: Mapped[Measure] = mapped_column(
        Enum(Measure, native_enum=False, length=32), default=Measure.NONE
    )
    target: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[Period] = mapped_column(
        Enum(Period, native_enum=False, length=16), default=Period.QUARTER
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    team: Mapped[Team | None] = relationship()

    def text(self, language: str) -> str:
        return self.text_nl if language == "nl" and self.text_nl else self.text_en


class ExpectationAcknowledgement(Base):
    """One person acknowledged one version of an expectation."""

    __tablename__ = "expectation_acknowledgement"
    __table_args__ = (UniqueConstraint("expectation_id", "person_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expectation_id: Mapped[int] = mapped_column(
        ForeignKey("expectation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL")
    )


class GoalStatus(enum.StrEnum):
    OPEN = "open"
    MET = "met"
    NOT_MET = "not_met"


class Goal(Base):
    """A goal a leader set themselves as a teacher, with a target date."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    iri: Mapped[str] = mapped_column(String(512), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(
        Enum(GoalStatus, native_enum=False, length=16), default=GoalStatus.OPEN, index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    set_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL")
    )
    met_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_led_record.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
