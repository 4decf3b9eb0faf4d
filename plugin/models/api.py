"""API tokens and the answers kept for idempotent retries.

A token is shown once and stored only as its SHA-256 digest: a leaked
database does not leak working tokens. Its scopes say what it may do, its
person or teams say about whom; expiry and revocation end it, and its last
use is recorded so an L&D admin can see which integrations are alive.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.people import Person, Team, utcnow


class TokenKind(enum.StrEnum):
    PERSONAL = "personal"  # a person's own scripts, acting as that person
    SERVICE = "service"  # an HR system or bot, created by an L&D admin


class Scope(enum.StrEnum):
    RECORDS_WRITE = "records:write"
    RECORDS_READ = "records:read"
    REPORTS_READ = "reports:read"
    ADMIN = "admin"


api_token_team = Table(
    "api_token_team",
    Base.metadata,
    Column(
        "token_id",
        Integer,
        ForeignKey("api_token.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("team_id", Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


_SCOPES = frozenset(str(s) for s in Scope)


def scope_set(scopes: str) -> frozenset[Scope]:
    """The scopes in a token's space-separated ``scopes`` (unknown ones dropped)."""
    return frozenset(Scope(s) for s in scopes.split() if s in _SCOPES)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(Enum(TokenKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(120))
    # SHA-256 of the whole token (hex); the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so a person can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    # Space-separated scopes (``Scope`` values).
    scopes: Mapped[str] = mapped_column(String(200))
    # Who created it (the leader for a personal token, the L&D admin for a service one).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # The one person it acts as or for (always set for a personal token).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    # Empty: not limited to teams (a personal token then covers its person's teams).
    teams: Mapped[list[Team]] = relationship(secondary=api_token_team, order_by=Team.id)

    @property
    def scope_set(self) -> frozenset[Scope]:
        return scope_set(self.scopes)


class IdempotentRequest(Base):
    """The first answer to a request sent with an ``Idempotency-Key``.

    Unique per token and key in the database, so two copies of a request
    racing each other cannot both record: the second waits for the first's
    commit, fails on the constraint and answers with the stored response.
    """

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of method, path and body: the same key with another body is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
