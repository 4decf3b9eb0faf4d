"""Identifiers of erased people, so their formal records are never pulled again.

Only the sha256 of each identifier key is kept: enough to recognise a pulled
statement's actor, not to read who it was. The sync calls
:func:`unsuppressed` on every page (one query).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.privacy import Suppression
from statements.classification import Classification
from statements.identity import Identity

T = TypeVar("T")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _forms(identity: Identity) -> list[str]:
    keys = [identity.key()]
    if identity.kind == "mbox":
        keys.append(identity.sha1().key())
    return keys


def suppress(session: Session, keys: Iterable[str]) -> int:
    """Add the keys' hashes (idempotent); returns how many were new."""
    hashes = {key_hash(k) for k in keys}
    if not hashes:
        return 0
    known = set(
        session.scalars(select(Suppression.key_hash).where(Suppression.key_hash.in_(hashes)))
    )
    new = sorted(hashes - known)
    session.add_all(Suppression(key_hash=h) for h in new)
    return len(new)


def suppressed(session: Session, identities: Iterable[Identity | None]) -> set[str]:
    """The keys of ``identities`` that belong to an erased person."""
    by_hash: dict[str, str] = {}
    for identity in identities:
        if identity is None:
            continue
        for form in _forms(identity):
            by_hash[key_hash(form)] = identity.key()
    if not by_hash:
        return set()
    found = session.scalars(select(Suppression.key_hash).where(Suppression.key_hash.in_(by_hash)))
    return {by_hash[h] for h in found}


def unsuppressed(
    session: Session, records: Mapping[str, tuple[T, Classification]]
) -> dict[str, tuple[T, Classification]]:
    """``records`` without those whose actor was erased (the sync's filter)."""
    blocked = suppressed(session, (c.actor for _, c in records.values()))
    if not blocked:
        return dict(records)
    return {
        sid: (item, c)
        for sid, (item, c) in records.items()
        if c.actor is None or c.actor.key() not in blocked
    }
