"""Readiness for a load balancer (``/readyz``): the database answers, its
schema is at the newest migration, and a worker was seen recently.

Each check reports on its own, so the JSON body says which one failed;
nothing in it names a host, a URL or a credential.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from plugin.db import Database
from plugin.migrate import alembic_config
from plugin.services.heartbeats import last_seen


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The migrations' head(s), read once per process from the installed package."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()))


@dataclass
class Readiness:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(check["ok"] for check in self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {"ready": self.ready, "checks": self.checks}


def readiness(
    database: Database, *, worker_max_age: float, now: datetime | None = None
) -> Readiness:
    """Run the three checks; a failing database fails the two that need it too."""
    found = Readiness()
    try:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_heads()
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        reason = f"the database cannot be reached ({type(cause).__name__})"
        found.checks["database"] = {"ok": False, "error": reason}
        found.checks["schema"] = {"ok": False, "error": "unknown: no database"}
        found.checks["workers"] = {"ok": False, "error": "unknown: no database"}
        return found
    found.checks["database"] = {"ok": True}
    heads = head_revisions()
    schema: dict[str, Any] = {"ok": tuple(sorted(current)) == heads, "revision": list(current)}
    schema["expected"] = list(heads)
    if not schema["ok"]:
        schema["error"] = "the schema is not at the newest migration: run `leaderled db upgrade`"
    found.checks["schema"] = schema
    found.checks["workers"] = _workers(database, worker_max_age, now or datetime.now(UTC))
    return found


def _workers(database: Database, max_age: float, now: datetime) -> dict[str, Any]:
    try:
        with Session(database.engine) as session:
            seen = last_seen(session)
    except SQLAlchemyError:
        return {"ok": False, "error": "worker heartbeats cannot be read (schema not upgraded?)"}
    if seen is None:
        return {"ok": False, "last_seen": None, "error": "no worker has ever been seen"}
    age = max(0.0, (now - seen).total_seconds())
    check: dict[str, Any] = {"ok": age <= max_age, "last_seen": seen.isoformat()}
    check["age_seconds"] = round(age, 1)
    if not check["ok"]:
        check["error"] = (
            f"no worker seen in the last {max_age:.0f} s: is `leaderled worker` running?"
        )
    return check
