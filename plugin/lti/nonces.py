"""Login states and used nonces, server-side, expiring and capped.

Every ``/lti/login`` call writes a row, so an attacker could try to fill the
table: rows carry an expiry and :mod:`plugin.lti.bounds` purges expired rows
and evicts the oldest above the cap, so the table never exceeds its bound. Losing
an old pending login only makes that one launch fail; it never lets a
replay through, because each state's nonce is random and single use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.orm import Session

from plugin.lti.bounds import enforce_bound
from plugin.models.lti import LtiLoginState, LtiUsedNonce


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedLogin:
    state: str
    nonce: str
    # Secret bound to the browser (cookie / platform storage); only its hash is stored.
    binding: str


def issue_login(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    target_link_uri: str,
    storage_target: str | None,
    now: int,
    ttl: int,
    cap: int,
    binding: str | None = None,
) -> IssuedLogin:
    """A fresh state and nonce for one login, bound to the browser's ``binding``
    secret (a new one when the browser brings none, so parallel logins in
    several tabs or iframes share the browser's binding)."""
    enforce_bound(session, LtiLoginState, now=now, cap=cap)
    if not binding or len(binding) < 32 or len(binding) > 128:
        binding = secrets.token_urlsafe(32)
    issued = IssuedLogin(
        state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), binding=binding
    )
    session.add(
        LtiLoginState(
            state=issued.state,
            nonce=issued.nonce,
            binding_hash=digest(issued.binding),
            issuer=issuer,
            client_id=client_id,
            target_link_uri=target_link_uri,
            storage_target=storage_target,
            expires_at=now + ttl,
        )
    )
    return issued


def peek_login(session: Session, state: str, now: int) -> LtiLoginState | None:
    row = session.get(LtiLoginState, state)
    if row is None or row.expires_at <= now:
        return None
    return row


_LOGIN_COLUMNS = [column.name for column in LtiLoginState.__table__.columns]
# Built once: a launch only binds its values (no statement building per launch).
_CONSUME = (
    delete(LtiLoginState)
    .where(LtiLoginState.state == bindparam("state"))
    .returning(*LtiLoginState.__table__.columns)
)
_CONSUME_UNLESS_RELAYED = _CONSUME.where(LtiLoginState.storage_target.is_(None))
_CONSUME_UNLESS_RELAYED_OR_BOUND = _CONSUME.where(
    LtiLoginState.storage_target.is_(None)
    | (LtiLoginState.binding_hash == bindparam("binding_hash"))
)


def consume_login(
    session: Session,
    state: str,
    now: int,
    *,
    keep_for_storage: bool = False,
    binding: str | None = None,
) -> LtiLoginState | None:
    """The login for ``state``, deleted so it can never be used again.

    One ``DELETE ... RETURNING``: of two concurrent launches with the same
    state only one gets the row. The result is a detached copy. With
    ``keep_for_storage`` a login whose platform offers its storage is left in
    place (None) unless ``binding`` is its browser's: that launch goes through
    the platform-storage relay page, which posts it again.
    """
    if not keep_for_storage:
        statement, params = _CONSUME, {"state": state}
    elif binding:
        statement = _CONSUME_UNLESS_RELAYED_OR_BOUND
        params = {"state": state, "binding_hash": digest(binding)}
    else:
        statement, params = _CONSUME_UNLESS_RELAYED, {"state": state}
    row = session.connection().execute(statement, params).first()
    if row is None:
        return None
    login = LtiLoginState(**dict(zip(_LOGIN_COLUMNS, row, strict=True)))
    return login if login.expires_at > now else None


def binding_matches(row: LtiLoginState, binding: str | None) -> bool:
    return bool(binding) and hmac.compare_digest(row.binding_hash, digest(binding or ""))


def nonce_used(session: Session, issuer: str, nonce: str) -> bool:
    return session.get(LtiUsedNonce, (issuer, nonce)) is not None


def spend_nonce(
    session: Session, issuer: str, nonce: str, *, until: int, now: int, cap: int
) -> None:
    """Remember ``nonce`` as used until ``until`` (when its token expires anyway)."""
    enforce_bound(session, LtiUsedNonce, now=now, cap=cap)
    session.connection().execute(
        _INSERT_NONCE, {"issuer": issuer, "nonce": nonce, "expires_at": max(until, now + 1)}
    )


_INSERT_NONCE = insert(LtiUsedNonce)
