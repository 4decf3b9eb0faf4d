"""The registration a launch names (platform, client, deployment, role
overrides), read once and kept a few seconds.

Every launch needs these rows and they change a few times a year, so a
launch rush would otherwise read the same join thousands of times a minute.
Entries live :data:`TTL` seconds and the whole cache is dropped whenever this
process writes any of those tables through SQLAlchemy's ORM (a flush, or a
bulk ``update``/``delete`` through a session): an approval or deactivation
made by the tool itself applies to the next launch. A change made by another
process (the CLI beside a running server) applies within :data:`TTL` seconds.

Cached objects are transient copies that belong to no session: callers read
them and refer to them by id, never add them to a session.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from plugin.models.lti import LtiClient, LtiDeployment, LtiPlatform, LtiRoleOverride
from plugin.models.people import Role

TTL = 5.0
MAX_ENTRIES = 1024
_WATCHED = (LtiPlatform, LtiClient, LtiDeployment, LtiRoleOverride)
_WATCHED_TABLES = frozenset(model.__tablename__ for model in _WATCHED)


@dataclass(frozen=True)
class CachedRegistration:
    platform: LtiPlatform
    client: LtiClient | None
    deployment: LtiDeployment | None
    # (context_id or "" for the whole platform, LTI role, tool role)
    overrides: tuple[tuple[str, str, Role], ...]


_Key = tuple[str, str, str]
_Entries = dict[_Key, tuple[float, CachedRegistration | None]]
# Per engine (several apps may share a process, as in the tests); an entry
# goes with its engine, so a new engine never sees an old one's rows.
_entries: weakref.WeakKeyDictionary[Engine, _Entries] = weakref.WeakKeyDictionary()
_lock = threading.Lock()

_PLATFORM = [c.key for c in LtiPlatform.__table__.columns]
_CLIENT = [c.key for c in LtiClient.__table__.columns]
_DEPLOYMENT = [c.key for c in LtiDeployment.__table__.columns]


def clear() -> None:
    with _lock:
        _entries.clear()


def lookup(
    db: Session | Connection, issuer: str, client_id: str, deployment_id: str
) -> CachedRegistration | None:
    """The registration for this issuer, client and deployment (client and
    deployment None when not registered), or None for an unknown issuer."""
    bind = db.get_bind() if isinstance(db, Session) else db
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (issuer, client_id, deployment_id)
    now = time.monotonic()
    entries = _entries.get(engine)
    found = entries.get(key) if entries is not None else None
    if found is not None and found[0] > now:
        return found[1]
    value = _read(db, issuer, client_id, deployment_id)
    with _lock:
        entries = _entries.setdefault(engine, {})
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key] = (now + TTL, value)
    return value


def _read(
    db: Session | Connection, issuer: str, client_id: str, deployment_id: str
) -> CachedRegistration | None:
    """One statement: the registration joined with the platform's role overrides."""
    platform_t = LtiPlatform.__table__
    client_t = LtiClient.__table__
    deployment_t = LtiDeployment.__table__
    override_t = LtiRoleOverride.__table__
    rows = db.execute(
        select(
            *platform_t.columns,
            *client_t.columns,
            *deployment_t.columns,
            override_t.c.context_id,
            override_t.c.lti_role,
            override_t.c.role,
        )
        .select_from(platform_t)
        .outerjoin(
            client_t,
            (client_t.c.platform_id == platform_t.c.id) & (client_t.c.client_id == client_id),
        )
        .outerjoin(
            deployment_t,
            (deployment_t.c.client_pk == client_t.c.id)
            & (deployment_t.c.deployment_id == deployment_id),
        )
        .outerjoin(override_t, override_t.c.platform_id == platform_t.c.id)
        .where(platform_t.c.issuer == issuer)
    ).all()
    if not rows:
        return None
    first = rows[0]
    n_platform, n_client = len(_PLATFORM), len(_CLIENT)
    platform = LtiPlatform(**_values(_PLATFORM, first[:n_platform]))
    client_values = first[n_platform : n_platform + n_client]
    deployment_values = first[n_platform + n_client : n_platform + n_client + len(_DEPLOYMENT)]
    client = LtiClient(**_values(_CLIENT, client_values)) if client_values[0] is not None else None
    deployment = (
        LtiDeployment(**_values(_DEPLOYMENT, deployment_values))
        if deployment_values[0] is not None
        else None
    )
    overrides = tuple(
        (str(row[-3]), str(row[-2]), Role(row[-1])) for row in rows if row[-2] is not None
    )
    return CachedRegistration(platform, client, deployment, overrides)


def _values(names: list[str], row: Any) -> dict[str, Any]:
    return dict(zip(names, row, strict=True))


def split_overrides(
    overrides: tuple[tuple[str, str, Role], ...], context_id: str | None
) -> tuple[dict[str, Role], dict[str, Role]]:
    """(per-course, per-platform) role overrides, as :func:`plugin.lti.roles.overrides_for`."""
    per_context: dict[str, Role] = {}
    per_platform: dict[str, Role] = {}
    for context, lti_role, role in overrides:
        if context == "":
            per_platform[lti_role] = role
        elif context_id is not None and context == context_id:
            per_context[lti_role] = role
    return per_context, per_platform


_DIRTY = "leaderled_registrations_written"


def _written(session: Session) -> None:
    # Cleared now and again once the write commits: a launch that reads the
    # old committed row between flush and commit must not keep it cached.
    session.info[_DIRTY] = True
    clear()


def written_on(conn: Connection) -> None:
    """A write to a registration table made with Core on ``conn`` (no ORM
    event sees it): drop the cache now and again once it commits (on a
    connection in autocommit mode it has already, and now is enough)."""
    clear()
    event.listen(conn, "commit", _cleared, once=True)


def _cleared(_conn: Connection) -> None:
    clear()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, _WATCHED):
            _written(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WATCHED_TABLES:
        _written(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _after_end(session: Session) -> None:
    if session.info.pop(_DIRTY, False):
        clear()
