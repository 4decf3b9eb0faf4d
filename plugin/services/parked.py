"""Statements the LRS refused ("parked"), for L&D: list them with the LRS's
reason, and queue one again once the LRS or its data was fixed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.services.errors import NotFound
from plugin.services.outbox import now_ms


def parked_rows(session: Session, *, before_id: int | None, limit: int) -> Sequence[OutboxRow]:
    """Parked rows, newest first, ``limit`` of them after the row ``before_id``."""
    query = select(OutboxRow).where(OutboxRow.state == OutboxState.PARKED)
    if before_id is not None:
        query = query.where(OutboxRow.id < before_id)
    return session.scalars(query.order_by(OutboxRow.id.desc()).limit(limit)).all()


def _parked(statement_id: str, lrs: str | None) -> list[ColumnElement[bool]]:
    wanted = [
        OutboxRow.statement_id == statement_id.strip().lower(),
        OutboxRow.state == OutboxState.PARKED,
    ]
    if lrs is not None:
        wanted.append(OutboxRow.lrs == lrs)
    return wanted


def resend(session: Session, statement_id: str, lrs: str | None = None) -> OutboxRow:
    """Queue a parked statement again, unchanged (same id, same JSON), for the LRS
    ``lrs``, or (None) for every LRS that parked it (each LRS has its own row)."""
    parked = _parked(statement_id, lrs)
    row = session.scalar(select(OutboxRow).where(*parked).order_by(OutboxRow.id).limit(1))
    if row is None:
        raise NotFound(_("There is no parked statement with this id."))
    session.execute(
        update(OutboxRow)
        .where(*parked)
        .values(state=OutboxState.PENDING, due_ms=now_ms(), attempts=0)
    )
    session.refresh(row)
    return row


def discard(session: Session, statement_id: str, lrs: str | None = None) -> OutboxRow:
    """Drop a parked statement for good: it never reaches the LRS (``lrs``, or
    the first that parked it; other LRSs keep their own row).

    For a statement no fix can make acceptable; the record it carried stays
    in Leaderled. The caller logs who did it (ids only).
    """
    row = parked_by_id(session, statement_id, lrs)
    session.delete(row)
    session.flush()
    return row


def parked_by_id(session: Session, statement_id: str, lrs: str | None = None) -> OutboxRow:
    """One parked statement (of ``lrs``, or the first LRS that parked it), for
    the page that confirms a discard."""
    row = session.scalar(
        select(OutboxRow).where(*_parked(statement_id, lrs)).order_by(OutboxRow.id).limit(1)
    )
    if row is None:
        raise NotFound(_("There is no parked statement with this id."))
    return row
