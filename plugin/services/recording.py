"""Recording, correcting and deleting leader-led records.

Each function writes the domain rows and the outbox rows for their
statements in the caller's session, so they are committed together or not
at all. Statements are immutable (xAPI): a correction voids the statements
it replaces and adds new ones; a deletion only voids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from plugin.models.records import (
    LeaderLedRecord,
    RecordParticipant,
    RecordState,
    RecordStatement,
    StatementRole,
)
from plugin.services.outbox import enqueue, statement_ids
from statements.builders import DEFAULT_OPTIONS, BuildOptions, StatementVoided, statement_voided
from statements.identity import Identity

Statement = Mapping[str, Any]
#: Builds the statement that voids the statement with the given id.
VoidBuilder = Callable[[str], Statement]


def voiding_by(actor: Identity, options: BuildOptions = DEFAULT_OPTIONS) -> VoidBuilder:
    """A :data:`VoidBuilder` whose voiding statements name ``actor`` (the leader), now."""

    def build(statement_id: str) -> Statement:
        event = StatementVoided(actor, statement_id, datetime.now(UTC))
        return statement_voided(event, options)

    return build


class RecordError(ValueError):
    """A record cannot be changed this way (already deleted, no statements...)."""


def record(
    session: Session,
    row: LeaderLedRecord,
    statements: Sequence[Statement],
    *,
    participants: Iterable[RecordParticipant] = (),
    lrs: str | None = None,
) -> LeaderLedRecord:
    """Store a new record, its participants and its statements (queued for the LRS)."""
    if not statements:
        raise RecordError("a record needs at least one statement")
    row.participants.extend(participants)
    # The links go in with the record and its participants (one flush); the
    # outbox rows need the record's id, so they follow it.
    row.statements = [
        RecordStatement(statement_id=sid, role=StatementRole.STATES)
        for sid in dict.fromkeys(statement_ids(statements))
    ]
    session.add(row)
    session.flush()
    enqueue(session, statements, lrs=lrs, record_id=row.id)
    return row


def correct(
    session: Session,
    row: LeaderLedRecord,
    statements: Sequence[Statement],
    void: VoidBuilder,
    *,
    lrs: str | None = None,
) -> LeaderLedRecord:
    """Replace the record's statements: void the current ones, queue ``statements``.

    The caller has already changed the row's fields; they are saved with it.
    """
    _require_active(row)
    if not statements:
        raise RecordError("a correction needs the statements that replace the old ones")
    _void_current(session, row, void, lrs)
    _attach(session, row, statements, StatementRole.STATES, lrs)
    return row


def delete(
    session: Session, row: LeaderLedRecord, void: VoidBuilder, *, lrs: str | None = None
) -> LeaderLedRecord:
    """Mark the record deleted and void every statement it made; notes are wiped."""
    _require_active(row)
    _void_current(session, row, void, lrs)
    row.state = RecordState.DELETED
    row.notes = None
    session.flush()
    return row


def _require_active(row: LeaderLedRecord) -> None:
    if row.state is not RecordState.ACTIVE:
        raise RecordError(f"record {row.id} is deleted; it cannot be changed")


def _void_current(
    session: Session, row: LeaderLedRecord, void: VoidBuilder, lrs: str | None
) -> None:
    current = [s for s in row.statements if s.role is StatementRole.STATES and not s.voided]
    voids = []
    for link in current:
        voiding = void(link.statement_id)
        target = voiding.get("object", {})
        if not isinstance(target, Mapping) or str(target.get("id", "")).lower() != (
            link.statement_id
        ):
            raise RecordError("the voiding builder returned a statement for another id")
        voids.append(voiding)
        link.voided = True
    _attach(session, row, voids, StatementRole.VOIDS, lrs)


def _attach(
    session: Session,
    row: LeaderLedRecord,
    statements: Sequence[Statement],
    role: StatementRole,
    lrs: str | None,
) -> None:
    """Queue ``statements`` and link their ids to ``row`` (the links are flushed with it)."""
    queued = enqueue(session, statements, lrs=lrs, record_id=row.id)
    # One outbox row per receiving LRS, one link per statement.
    session.add_all(
        RecordStatement(record=row, statement_id=sid, role=role) for sid in dict.fromkeys(queued)
    )
