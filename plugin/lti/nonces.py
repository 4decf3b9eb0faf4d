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
from typing import Any

from sqlalchemy import Connection, Dialect, bindparam, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from plugin.db import first_row
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


@dataclass(frozen=True, slots=True)
class Login:
    """What a launch needs of a consumed login: a plain record of the row
    just deleted (an ORM instance costs more to build than the statement
    that read it, and every column returned costs the driver some work)."""

    nonce: str
    binding_hash: str
    issuer: str
    client_id: str
    expires_at: int


_login_t = LtiLoginState.__table__
_nonce_t = LtiUsedNonce.__table__
_LOGIN_COLUMNS = [_login_t.c[field] for field in Login.__slots__]
# Built once: a launch only binds its values (no statement building per launch).
_CONSUME = (
    delete(LtiLoginState).where(_login_t.c.state == bindparam("state")).returning(*_LOGIN_COLUMNS)
)
_RELAYED = _login_t.c.storage_target.is_not(None)
_CONSUME_VARIANTS = {
    # (keep_for_storage, binding given) -> the DELETE's condition beyond the state
    (False, False): _CONSUME,
    (False, True): _CONSUME,
    (True, False): _CONSUME.where(~_RELAYED),
    (True, True): _CONSUME.where(~_RELAYED | (_login_t.c.binding_hash == bindparam("binding"))),
}


def consume_login(
    db: Session | Connection,
    state: str,
    now: int,
    *,
    keep_for_storage: bool = False,
    binding: str | None = None,
) -> Login | None:
    """The login for ``state``, deleted so it can never be used again.

    One ``DELETE ... RETURNING``: of two concurrent launches with the same
    state only one gets the row. With ``keep_for_storage`` a login whose
    platform offers its storage is left in place (None) unless ``binding``
    is its browser's: that launch goes through the platform-storage relay
    page, which posts it again. Run as :func:`plugin.db.first_row`: every
    launch runs it.
    """
    conn = db.connection() if isinstance(db, Session) else db
    key = (keep_for_storage, bool(binding))
    params: dict[str, Any] = {"state": state}
    if keep_for_storage and binding:
        params["binding"] = digest(binding)
    row = first_row(conn, _compiled_consume(conn.dialect, key), params)
    if row is None:
        return None
    login = Login(*row)
    if login.expires_at <= now:
        return None
    return login


_compiled: dict[tuple[type[Dialect], str, tuple[bool, bool]], SQLCompiler] = {}


def _compiled_consume(dialect: Dialect, key: tuple[bool, bool]) -> SQLCompiler:
    """The DELETE for ``key``, compiled once per dialect and driver (the
    driver sets the placeholders). Compiling twice in a race is harmless."""
    cache_key = (type(dialect), dialect.paramstyle, key)
    found = _compiled.get(cache_key)
    if found is None:
        compiled = _CONSUME_VARIANTS[key].compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        found = _compiled[cache_key] = compiled
    return found


def record_nonce(
    session: Session, *, issuer: str, nonce: str, until: int, now: int, cap: int
) -> None:
    """Record a stored launch's nonce as used until ``until``, in the
    launch's transaction (flushed with its other rows; a refused launch
    records nothing). Single use does not rest on this record: the nonce is
    bound to its login, consumed at validation. It tells a replayed launch
    apart from a forged nonce (:func:`nonce_used`)."""
    enforce_bound(session, LtiUsedNonce, now=now, cap=cap)
    session.add(LtiUsedNonce(issuer=issuer, nonce=nonce, expires_at=max(until, now + 1)))


def binding_matches(row: Login | LtiLoginState, binding: str | None) -> bool:
    return bool(binding) and hmac.compare_digest(row.binding_hash, digest(binding or ""))


_NONCE_USED = select(_nonce_t.c.nonce).where(
    _nonce_t.c.issuer == bindparam("issuer"), _nonce_t.c.nonce == bindparam("nonce")
)


def nonce_used(db: Session | Connection, issuer: str, nonce: str) -> bool:
    conn = db.connection() if isinstance(db, Session) else db
    return conn.execute(_NONCE_USED, {"issuer": issuer, "nonce": nonce}).first() is not None
