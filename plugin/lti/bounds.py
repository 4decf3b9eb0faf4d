"""Hard size bounds for the tables every anonymous request can write to.

Login states, used nonces and launch sessions grow with traffic, including
an attacker's. Every write may purge expired rows and, above ``cap``, evict
the rows that expire soonest. Counting rows costs a query, so the check runs
on every ``every``-th write per process (``every`` at most 1% of the cap):
the table stays below ``cap + every`` rows per worker process, a hard bound.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from plugin.models.lti import LtiLaunchSession, LtiLoginState, LtiUsedNonce

Bounded = type[LtiLoginState] | type[LtiUsedNonce] | type[LtiLaunchSession]

_counters: dict[str, Iterator[int]] = {}
_lock = threading.Lock()


def check_interval(cap: int) -> int:
    return max(1, min(64, cap // 100))


def _due(name: str, cap: int) -> bool:
    with _lock:
        counter = _counters.setdefault(name, itertools.count())
        return next(counter) % check_interval(cap) == 0


def enforce_bound(db: Session | Connection, model: Bounded, *, now: int, cap: int) -> None:
    """Before inserting one row into ``model``'s table: purge and evict if due."""
    if not _due(model.__tablename__, cap):
        return
    db.execute(delete(model).where(model.expires_at <= now))
    count = db.scalar(select(func.count()).select_from(model)) or 0
    excess = count - cap + 1
    if excess <= 0:
        return
    oldest = select(model.expires_at).order_by(model.expires_at).offset(excess - 1).limit(1)
    threshold = db.scalar(oldest)
    if threshold is not None:
        db.execute(delete(model).where(model.expires_at <= threshold))
