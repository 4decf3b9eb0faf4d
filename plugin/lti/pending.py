"""Registrations waiting for an admin, kept so they cannot jam the tool.

Anyone can open ``/lti/register`` with a platform of their own making, and
each registration stores a client (and maybe a platform) until an L&D admin
approves it. So: pending registrations expire (``LEADERLED_LTI_PENDING_
REGISTRATION_TTL``, a day by default), an admin removes them (command,
approvals page), and the cap on how many may wait holds under concurrency:
:func:`locked` serialises the check and the insert (an advisory lock on
PostgreSQL; on SQLite the purge that opens the transaction is a write, which
takes the database's single write lock).

"Pending" means a client that came by dynamic registration, has no active
deployment, on a platform that does not auto-approve. Clients and platforms
an admin added by hand never expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, select, text
from sqlalchemy.orm import Session

from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform
from plugin.models.people import utcnow

DEFAULT_TTL = 24 * 3600
# pg_advisory_xact_lock key: "LLRG" (Leaderled registrations).
ADVISORY_KEY = 0x4C4C5247


@dataclass(frozen=True)
class Waiting:
    """One pending registration, for the approvals page and the CLI."""

    client_pk: int
    issuer: str
    platform_name: str
    client_id: str
    deployment_ids: tuple[str, ...]
    created_at: datetime


def _pending_clients() -> tuple[ColumnElement[bool], ...]:
    active = exists().where(
        LtiDeployment.client_pk == LtiClient.id, LtiDeployment.status == DeploymentStatus.ACTIVE
    )
    return (LtiClient.registered.is_(True), ~active, LtiPlatform.auto_approve.is_(False))


def count(session: Session) -> int:
    query = (
        select(func.count())
        .select_from(LtiClient)
        .join(LtiPlatform, LtiClient.platform_id == LtiPlatform.id)
        .where(*_pending_clients())
    )
    return session.scalar(query) or 0


def waiting(session: Session, *, issuer: str | None = None) -> list[Waiting]:
    """Pending registrations, oldest first (of one platform with ``issuer``)."""
    query = (
        select(LtiClient, LtiPlatform)
        .join(LtiPlatform, LtiClient.platform_id == LtiPlatform.id)
        .where(*_pending_clients())
        .order_by(LtiClient.created_at, LtiClient.id)
    )
    if issuer is not None:
        query = query.where(LtiPlatform.issuer == issuer)
    return [
        Waiting(
            client.id,
            platform.issuer,
            platform.name,
            client.client_id,
            tuple(d.deployment_id for d in client.deployments),
            client.created_at,
        )
        for client, platform in session.execute(query).all()
    ]


def remove(session: Session, client_pks: Sequence[int]) -> int:
    """Delete these pending clients (with their deployments), and a platform
    they leave without any client. Returns how many clients went."""
    if not client_pks:
        return 0
    pending = select(LtiClient.id).join(LtiPlatform).where(*_pending_clients())
    chosen = list(session.scalars(pending.where(LtiClient.id.in_(list(client_pks)))))
    if not chosen:
        return 0
    platforms = set(session.scalars(select(LtiClient.platform_id).where(LtiClient.id.in_(chosen))))
    session.execute(delete(LtiDeployment).where(LtiDeployment.client_pk.in_(chosen)))
    session.execute(delete(LtiClient).where(LtiClient.id.in_(chosen)))
    empty = select(LtiClient.id).where(LtiClient.platform_id == LtiPlatform.id).exists()
    session.execute(
        delete(LtiPlatform)
        .where(LtiPlatform.id.in_(platforms), ~empty)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return len(chosen)


def purge_expired(session: Session, *, ttl: int, now: datetime | None = None) -> int:
    """Remove pending registrations older than ``ttl`` seconds. Always issues
    a write, so on SQLite it also takes the write lock (see :func:`locked`)."""
    cutoff = (now or utcnow()) - timedelta(seconds=ttl)
    # A write even when nothing expired: on SQLite this opens the transaction
    # with the database's write lock held, before anything is counted.
    session.execute(delete(LtiDeployment).where(LtiDeployment.client_pk.is_(None)))
    old = (
        select(LtiClient.id)
        .join(LtiPlatform)
        .where(
            *_pending_clients(),
            LtiClient.created_at < cutoff,
        )
    )
    return remove(session, list(session.scalars(old)))


def locked(session: Session, *, ttl: int) -> None:
    """Start a registration's transaction: serialise it against every other
    registration and drop what expired, so a count made next stays true
    until commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
    purge_expired(session, ttl=ttl)
