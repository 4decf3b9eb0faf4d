"""Voiding for erasure and retention, through the outbox.

The voiding statements name the tool itself (an account on the tool's own
site), not a person: a void by the erased leader would name them again, and
xAPI forbids voiding a void. Going through the outbox means an LRS outage
only delays them and a crash cannot lose them (DESIGN section 7).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.privacy import StatementSubject
from plugin.models.records import (
    LeaderLedRecord,
    RecordParticipant,
    RecordStatement,
    StatementRole,
)
from plugin.services.outbox import enqueue
from statements.builders import BuildOptions, Statement, StatementVoided, statement_voided
from statements.identity import Identity
from statements.vocabulary import VOIDED

#: The account name the tool's own statements use (on the tool's public URL).
TOOL_ACCOUNT = "leaderled"
CHUNK = 500


def tool_identity(settings: Settings) -> Identity:
    return Identity.account(settings.public_url.rstrip("/"), TOOL_ACCOUNT)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@dataclass
class Voider:
    """Builds and queues the tool's voiding statements, counting them."""

    session: Session
    settings: Settings
    now: datetime
    count: int = 0
    targets: set[str] = field(default_factory=set)

    def build(self, statement_id: str) -> Statement:
        """A :data:`plugin.services.recording.VoidBuilder` (for corrections)."""
        self.count += 1
        self.targets.add(statement_id.lower())
        event = StatementVoided(tool_identity(self.settings), statement_id, self.now)
        return statement_voided(event, BuildOptions(base=self.settings.resolved_profile_base))

    def queue(self, statement_ids: Iterable[str]) -> int:
        """Queue a void for each id not voided by this voider yet; returns how many."""
        fresh = sorted({s.lower() for s in statement_ids} - self.targets)
        if fresh:
            enqueue(self.session, [self.build(sid) for sid in fresh])
        return len(fresh)


def void_target(text: str) -> str | None:
    """The id a voiding statement's JSON voids (None for any other statement)."""
    try:
        statement = json.loads(text)
    except ValueError:
        return None
    target = statement.get("object") if isinstance(statement, dict) else None
    verb = statement.get("verb") if isinstance(statement, dict) else None
    if (
        isinstance(verb, dict)
        and verb.get("id") == VOIDED.iri()
        and isinstance(target, dict)
        and target.get("objectType") == "StatementRef"
    ):
        return str(target.get("id", "")).lower() or None
    return None


def replace_undelivered_voids(rows: Iterable[tuple[OutboxState, str]], voider: Voider) -> int:
    """For voids still waiting in the outbox (state, text) that name someone (a
    leader's correction), queue the tool's own void of the same target, so the
    original may be deleted and the target is voided all the same. The LRS
    takes a second void of a voided statement (checked with Learning Locker)."""
    targets = [
        target
        for state, text in rows
        if state is not OutboxState.STORED
        for target in [void_target(text)]
        if target
    ]
    return voider.queue(targets)


def record_tree(session: Session, record_ids: Iterable[int]) -> list[int]:
    """The records and, recursively, the records that point at them (confirmations)."""
    found = sorted(set(record_ids))
    frontier = found
    while frontier:
        children: list[int] = []
        for chunk in _chunks(frontier):
            children += session.scalars(
                select(LeaderLedRecord.id).where(LeaderLedRecord.parent_id.in_(chunk))
            )
        frontier = sorted(set(children) - set(found))
        found = sorted(set(found) | set(frontier))
    return found


def _count(found: dict[str, int], table: str, result: Any) -> None:
    found[table] = found.get(table, 0) + int(getattr(result, "rowcount", 0) or 0)


def purge_records(session: Session, record_ids: Iterable[int], voider: Voider) -> dict[str, int]:
    """Void every current statement of the records (and of records that point
    at them), replace their undelivered voids, then delete the records, their
    participants, statement links and outbox rows, and the index of whom
    their statements named. Returns rows deleted per table."""
    ids = record_tree(session, record_ids)
    removed: dict[str, int] = {}
    if not ids:
        return removed
    statement_ids: list[str] = []
    current: list[str] = []
    outbox: list[tuple[OutboxState, str]] = []
    for chunk in _chunks(ids):
        for sid, role, voided in session.execute(
            select(
                RecordStatement.statement_id, RecordStatement.role, RecordStatement.voided
            ).where(RecordStatement.record_id.in_(chunk))
        ):
            statement_ids.append(sid)
            if role is StatementRole.STATES and not voided:
                current.append(sid)
        outbox += session.execute(
            select(OutboxRow.state, OutboxRow.statement_json).where(OutboxRow.record_id.in_(chunk))
        ).tuples()
    voider.queue(current)
    replace_undelivered_voids(outbox, voider)
    session.flush()
    for chunk in _chunks(ids):
        _count(
            removed,
            "outbox",
            session.execute(delete(OutboxRow).where(OutboxRow.record_id.in_(chunk))),
        )
        for model in (RecordParticipant, RecordStatement):
            _count(
                removed,
                model.__tablename__,
                session.execute(delete(model).where(model.record_id.in_(chunk))),
            )
    for chunk in _chunks(sorted(statement_ids)):
        _count(
            removed,
            "statement_subject",
            session.execute(
                delete(StatementSubject).where(StatementSubject.statement_id.in_(chunk))
            ),
        )
    for chunk in _chunks(ids):
        _count(
            removed,
            "leader_led_record",
            session.execute(delete(LeaderLedRecord).where(LeaderLedRecord.id.in_(chunk))),
        )
    return removed
