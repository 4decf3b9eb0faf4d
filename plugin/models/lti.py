"""LTI 1.3 registrations, tool keys, login state, used nonces and launch sessions.

Platforms (issuers) carry several client ids; each client has deployments that
stay ``pending`` until an L&D admin approves them. Everything a launch needs to
remember lives here rather than in the browser: login states and used nonces
(expiring, capped), and launch sessions (the cookie only holds a random token).
Expiry columns are epoch seconds so comparisons behave the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.people import Role, utcnow


class IdentityMode(enum.StrEnum):
    """How a platform's users become xAPI actors (DESIGN.md section 3)."""

    ACCOUNT = "account"  # {homePage: iss, name: sub}, Moodle's log store default
    MBOX = "mbox"  # mailto: from the email claim
    USERNAME = "username"  # {homePage: iss, name: <custom username parameter>}


class DeploymentStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"


class KeyStatus(enum.StrEnum):
    """Current signs; previous is still published so in-flight tokens verify."""

    CURRENT = "current"
    PREVIOUS = "previous"
    RETIRED = "retired"


class LtiPlatform(Base):
    """One LMS (issuer) the tool trusts."""

    __tablename__ = "lti_platform"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(512), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    token_url: Mapped[str | None] = mapped_column(String(1024))
    # The ``aud`` of client assertions when it differs from the token URL.
    token_audience: Mapped[str | None] = mapped_column(String(1024))
    jwks_url: Mapped[str] = mapped_column(String(1024))
    identity_mode: Mapped[IdentityMode] = mapped_column(
        Enum(IdentityMode, native_enum=False, length=16), default=IdentityMode.ACCOUNT
    )
    # Custom parameter carrying the username (e.g. Moodle's $User.username).
    username_parameter: Mapped[str] = mapped_column(String(64), default="username")
    names_in_statements: Mapped[bool] = mapped_column(Boolean, default=False)
    # Coaching notes and rating comments go into statements (DESIGN section 9 opt-in).
    notes_in_statements: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    clients: Mapped[list[LtiClient]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )
    role_overrides: Mapped[list[LtiRoleOverride]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )


class LtiClient(Base):
    """A client id the platform issued to this tool (one issuer may have several)."""

    __tablename__ = "lti_client"
    __table_args__ = (UniqueConstraint("platform_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(255))
    # Came by dynamic registration (anyone can start one): until a deployment
    # is approved it expires (plugin/lti/pending.py). Added by hand: never.
    registered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    platform: Mapped[LtiPlatform] = relationship(back_populates="clients")
    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="client", cascade="all, delete-orphan"
    )


class LtiDeployment(Base):
    """A place the tool is installed on a platform; launches need an active one."""

    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("client_pk", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(
        ForeignKey("lti_client.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[DeploymentStatus] = mapped_column(
        Enum(DeploymentStatus, native_enum=False, length=16), default=DeploymentStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    client: Mapped[LtiClient] = relationship(back_populates="deployments")


class LtiRoleOverride(Base):
    """Tool-side role mapping: per platform (``context_id`` empty) or per course."""

    __tablename__ = "lti_role_override"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", "lti_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True
    )
    context_id: Mapped[str] = mapped_column(String(255), default="")
    lti_role: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))

    platform: Mapped[LtiPlatform] = relationship(back_populates="role_overrides")


class LtiToolKey(Base):
    """An RSA key pair of the tool. The private PEM never leaves the server."""

    __tablename__ = "lti_tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    status: Mapped[KeyStatus] = mapped_column(
        Enum(KeyStatus, native_enum=False, length=16), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LtiLoginState(Base):
    """An OIDC login in flight: the state, its nonce and the browser it belongs to."""

    __tablename__ = "lti_login_state"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    # sha256 of the browser-binding secret (cookie or platform storage).
    binding_hash: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(512))
    client_id: Mapped[str] = mapped_column(String(255))
    target_link_uri: Mapped[str] = mapped_column(String(1024))
    # Frame name of the platform's LTI storage when it offered one at login.
    storage_target: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class LtiUsedNonce(Base):
    """A nonce already spent on a launch; kept until the token could not verify."""

    __tablename__ = "lti_used_nonce"

    issuer: Mapped[str] = mapped_column(String(512), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class LtiLaunchSession(Base):
    """A validated launch, kept server-side; the browser holds only a token."""

    __tablename__ = "lti_launch_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    deployment_pk: Mapped[int] = mapped_column(
        ForeignKey("lti_deployment.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    message_type: Mapped[str] = mapped_column(String(64))
    claims: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Origin of the LMS page that launched this session: the only one allowed
    # to frame its pages (Content-Security-Policy frame-ancestors).
    frame_origin: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)

    deployment: Mapped[LtiDeployment] = relationship()
