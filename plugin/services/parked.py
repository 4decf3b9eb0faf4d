"""Statements the LRS refused ("parked"), for L&D: list them with the LRS's
reason, and queue one again once the LRS or its data was fixed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
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


def resend(session: Session, statement_id: str) -> OutboxRow:
    """Queue a parked statement again, unchanged (same id, same JSON), for every
    LRS that parked it (each LRS has its own row)."""
    wanted = statement_id.strip().lower()
    parked = (OutboxRow.statement_id == wanted, OutboxRow.state == OutboxState.PARKED)
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
