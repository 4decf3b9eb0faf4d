"""People, their identifiers, teams (LTI contexts) and memberships.

One person may carry several identifiers (a Moodle account, an email, an
account on a second platform); pulled statements resolve through
``PersonIdentifier.key`` (see :meth:`statements.identity.Identity.key`).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """What a person may do in a team; mapped from LTI roles, never from input."""

    LEARNER = "learner"
    LEADER = "leader"
    LND_ADMIN = "lnd_admin"


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(16))
    # Identity.key() of the identifier our statements name this person by
    # (set by launches and the roster, per the platform's identity setting).
    statement_key: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    identifiers: Mapped[list[PersonIdentifier]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class PersonIdentifier(Base):
    """One xAPI inverse functional identifier that names this person."""

    __tablename__ = "person_identifier"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(1024), unique=True)

    person: Mapped[Person] = relationship(back_populates="identifiers")


class Team(Base):
    """A group a leader teaches: an LTI context (course) on one platform."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("platform_issuer", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_issuer: Mapped[str] = mapped_column(String(512))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(512))
    label: Mapped[str | None] = mapped_column(String(255))
    # Digest of the last NRPS roster stored, so an unchanged roster writes nothing.
    roster_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")
