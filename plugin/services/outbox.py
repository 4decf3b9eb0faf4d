"""Putting statements into the outbox, inside the caller's transaction.

The caller owns the session and commits it together with the domain row, so
a record and the statements that carry it are stored together or not at all
(DESIGN.md section 7). The JSON text written here is exactly what will be
sent, every time it is sent.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from plugin.db import SEND_LRS
from plugin.models.outbox import DEFAULT_LRS, OutboxRow, OutboxState
from plugin.services.privacy.subjects import index_statements


class OutboxError(ValueError):
    """A statement cannot be queued (no id, not JSON-ready)."""


def now_ms() -> int:
    return int(time.time() * 1000)


def statement_text(statement: Mapping[str, Any]) -> str:
    """The exact text stored and sent (sorted keys, compact, as the builders'
    ``canonical_json``); its id must already be fixed."""
    (sid,) = statement_ids([statement])
    try:
        return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise OutboxError(f"statement {sid} is not JSON-ready: {exc}") from None


def statement_ids(statements: Iterable[Mapping[str, Any]]) -> list[str]:
    """The statements' ids, lowercased, in order; :class:`OutboxError` for a
    statement whose id is missing or not a UUID."""
    ids = []
    for statement in statements:
        sid = statement.get("id")
        if not isinstance(sid, str):
            raise OutboxError("a statement must have its id fixed before it is queued")
        try:
            uuid.UUID(sid)
        except ValueError:
            raise OutboxError(f"statement id {sid!r} is not a UUID") from None
        ids.append(sid.lower())
    return ids


def send_lrs(session: Session) -> tuple[str, ...]:
    """The LRSs that receive statements, as the session's database was told
    (``LEADERLED_LRS_ENDPOINT`` and ``LEADERLED_LRS__<NAME>__SEND``)."""
    names = session.info.get(SEND_LRS)
    return tuple(names) if names else (DEFAULT_LRS,)


def enqueue(
    session: Session,
    statements: Iterable[Mapping[str, Any]],
    *,
    lrs: str | Sequence[str] | None = None,
    record_id: int | None = None,
) -> list[str]:
    """Add one pending outbox row per statement and receiving LRS, due now; not
    committed. Returns the statement ids queued, lowercased, in order.

    ``lrs`` None means every LRS that receives statements (:func:`send_lrs`):
    each gets its own row, so each has its own queue, and one LRS being down
    holds back none of the others. The rows are written with one bulk
    ``INSERT`` (no ORM objects: nobody reads them back in this transaction),
    so a duplicate id fails here; the session's pending changes are flushed
    first, as an ORM query would. Who each statement names is indexed on the
    way (:mod:`plugin.services.privacy.subjects`), so erasure can void it later.
    """
    targets = send_lrs(session) if lrs is None else (lrs,) if isinstance(lrs, str) else tuple(lrs)
    due = now_ms()
    rows: list[dict[str, Any]] = []
    ids: list[str] = []
    statements = list(statements)
    for statement in statements:
        text = statement_text(statement)
        statement_id = str(statement["id"]).lower()
        ids.append(statement_id)
        rows.extend(
            {
                "statement_id": statement_id,
                "lrs": target,
                "statement_json": text,
                "state": OutboxState.PENDING,
                "attempts": 0,
                "due_ms": due,
                "record_id": record_id,
            }
            for target in targets
        )
    if rows:
        session.flush()
        session.execute(insert(cast(Table, OutboxRow.__table__)), rows)
    index_statements(session, statements)
    return ids
