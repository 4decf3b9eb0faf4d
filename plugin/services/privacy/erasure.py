"""Erasure (GDPR article 17): everything about one person, locally and in the LRS.

In one transaction:

1. Records they made (and confirmations of them) are purged: every current
   statement is voided through the outbox, by the tool's own account.
2. Records they took part in lose their part: their participant row goes,
   and the record is re-stated without them (a correction: its statements
   are voided and stated anew), or, when it was about them alone (a
   coaching moment with nobody else), purged.
3. Any other statement that names them and is not voided yet is voided.
4. Their identifiers are suppressed: formal records naming them are never
   pulled again. Pulled formal records about them are dropped.
5. Every row the privacy registry relates to them is deleted (or, where the
   row belongs to others, their id cleared).
6. An audit entry is kept: what was erased, when, by whom, how many
   statements were voided; never whom.

A second erasure finds nobody and changes nothing. The caller commits, or
rolls back for a dry run: the result then lists what would go.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.models.people import Person
from plugin.models.privacy import PrivacyAction, PrivacyAudit, StatementSubject
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services import knowledge, moments, recording
from plugin.services.errors import ServiceError
from plugin.services.people import Actor
from plugin.services.privacy.lookup import subject_of
from plugin.services.privacy.registry import REGISTRY, Erase, Matcher, Registry, TableRows
from plugin.services.privacy.suppression import suppress
from plugin.services.privacy.voiding import (
    Voider,
    purge_records,
    record_tree,
    replace_undelivered_voids,
)
from plugin.services.publishing import Publishing, publishing_for_team
from statements.builders import Statement

log = logging.getLogger(__name__)

Rebuild = Callable[[Session, LeaderLedRecord, Publishing], list[Statement]]

#: Kinds re-stated without the erased person (their statements sum up everyone).
REBUILD: dict[RecordKind, Rebuild] = {
    RecordKind.KNOWLEDGE_SESSION: knowledge.statements_for_record,
    RecordKind.COACHING_MOMENT: moments.statements_for_record,
    RecordKind.MENTORING_SESSION: moments.statements_for_record,
}
#: Kinds recorded for the people in them: with nobody left, the record goes.
PER_PERSON = frozenset({RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION})
#: Kinds whose records have no participants (the owner is the only person).
WITHOUT_PARTICIPANTS = frozenset(
    {
        RecordKind.MATERIAL_USED,
        RecordKind.MATERIAL_SHARED,
        RecordKind.EXPECTATION_ACKNOWLEDGED,
        RecordKind.GOAL_SET,
        RecordKind.GOAL_MET,
        RecordKind.CONFIRMATION,
    }
)
#: Kinds without a rebuild yet: an erasure removes the person's part of
#: the record and voids its statements that name them, but does not re-state
#: the record for the others in it (a new trainer's session whose
#: experienced trainer was erased is then no longer in the LRS).
NOT_RECORDED_YET = frozenset(
    {RecordKind.TTT_SESSION, RecordKind.TRAINER_PAIRING, RecordKind.FEEDBACK}
)
LEARNING_ROLES = (ParticipantRole.ATTENDEE, ParticipantRole.LEARNER, ParticipantRole.NEW_TRAINER)


@dataclass(frozen=True)
class RecordChange:
    """One record an erasure touches, for the dry run's list."""

    record_id: int
    kind: RecordKind
    title: str | None
    occurred_at: datetime
    deleted: bool  # True: the record goes; False: only the person's part


@dataclass
class ErasureResult:
    found: bool
    reference: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    statements_voided: int = 0
    identifiers_suppressed: int = 0
    changes: list[RecordChange] = field(default_factory=list)

    @property
    def records_deleted(self) -> int:
        return sum(1 for c in self.changes if c.deleted)

    @property
    def records_changed(self) -> int:
        return sum(1 for c in self.changes if not c.deleted)


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for table, count in more.items():
        if count:
            total[table] = total.get(table, 0) + count


def _change(row: LeaderLedRecord, *, deleted: bool) -> RecordChange:
    return RecordChange(row.id, row.kind, row.title, row.occurred_at, deleted)


def _own_records(session: Session, person_id: int, voider: Voider, result: ErasureResult) -> None:
    own = session.scalars(select(LeaderLedRecord.id).where(LeaderLedRecord.leader_id == person_id))
    tree = record_tree(session, list(own))
    for row in session.scalars(select(LeaderLedRecord).where(LeaderLedRecord.id.in_(tree))):
        result.changes.append(_change(row, deleted=True))
    _add(result.rows, purge_records(session, tree, voider))


def _shared_records(
    session: Session, settings: Settings, person_id: int, voider: Voider, result: ErasureResult
) -> None:
    shared = select(RecordParticipant.record_id).where(RecordParticipant.person_id == person_id)
    rows = list(session.scalars(select(LeaderLedRecord).where(LeaderLedRecord.id.in_(shared))))
    for row in rows:
        before = len(row.participants)
        row.participants[:] = [p for p in row.participants if p.person_id != person_id]
        _add(result.rows, {"record_participant": before - len(row.participants)})
        session.flush()
        left = any(p.role in LEARNING_ROLES for p in row.participants)
        if row.state is RecordState.ACTIVE and row.kind in PER_PERSON and not left:
            result.changes.append(_change(row, deleted=True))
            _add(result.rows, purge_records(session, [row.id], voider))
            continue
        result.changes.append(_change(row, deleted=False))
        rebuild = REBUILD.get(row.kind)
        if row.state is not RecordState.ACTIVE or rebuild is None:
            continue
        try:
            statements = rebuild(session, row, publishing_for_team(session, settings, row.team_id))
            recording.correct(session, row, statements, voider.build)
        except (ServiceError, ValueError) as error:
            # Its statements that name the person are voided below all the same.
            log.warning(
                "record %s not re-stated after an erasure (%s)", row.id, type(error).__name__
            )


def _other_statements(session: Session, person_id: int, voider: Voider) -> None:
    session.flush()
    current = session.scalars(
        select(StatementSubject.statement_id).where(
            StatementSubject.person_id == person_id,
            StatementSubject.voided.is_(False),
            StatementSubject.voiding.is_(False),
        )
    )
    voider.queue(list(current))


def purge(session: Session, found: dict[str, TableRows], registry: Registry) -> dict[str, int]:
    """Delete (or clear) the related rows the registry says erasure removes."""
    counts: dict[str, int] = {}
    for table in registry.tables():
        rows = found[table.name]
        columns = list(table.primary_key.columns)
        doomed = rows.keys_by(Erase.DELETE)
        for start in range(0, len(doomed), 500):
            chunk = doomed[start : start + 500]
            where = (
                columns[0].in_([k[0] for k in chunk])
                if len(columns) == 1
                else tuple_(*columns).in_(chunk)
            )
            session.execute(delete(table).where(where))
        cleared = 0
        gone = set(doomed)
        for relation in registry[table.name].relations:
            if relation.erase is not Erase.CLEAR:
                continue
            keys = [k for k, how in rows.how.items() if relation in how and k not in gone]
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                where = (
                    columns[0].in_([k[0] for k in chunk])
                    if len(columns) == 1
                    else tuple_(*columns).in_(chunk)
                )
                session.execute(update(table).where(where).values({relation.column: None}))
            cleared += len(keys)
        if doomed or cleared:
            counts[table.name] = len(doomed) + cleared
    return counts


def erase(
    session: Session,
    person_id: int,
    *,
    settings: Settings,
    now: datetime,
    by: Actor | None = None,
    by_role: str = "cli",
    registry: Registry = REGISTRY,
) -> ErasureResult:
    """Erase the person (see the module's steps); the caller commits or rolls back."""
    person = session.get(Person, person_id)
    if person is None:
        return ErasureResult(found=False)
    subject = subject_of(session, person)
    voider = Voider(session, settings, now)
    result = ErasureResult(found=True)
    _own_records(session, person.id, voider, result)
    _shared_records(session, settings, person.id, voider, result)
    _other_statements(session, person.id, voider)
    session.flush()
    found = Matcher(session, subject, registry).all()
    outbox = found.get("outbox")
    if outbox is not None:
        replace_undelivered_voids(
            ((row["state"], row["statement_json"]) for row in outbox.rows.values()), voider
        )
    result.identifiers_suppressed = suppress(session, subject.keys)
    session.flush()
    _add(result.rows, purge(session, found, registry))
    result.statements_voided = voider.count
    result.reference = str(uuid.uuid4())
    session.add(
        PrivacyAudit(
            reference=result.reference,
            action=PrivacyAction.ERASURE,
            at=now,
            # An admin who erases themselves leaves no id behind either.
            by_person_id=by.person_id if by is not None and by.person_id != person_id else None,
            by_role=by_role,
            rows=dict(sorted(result.rows.items())),
            statements_voided=result.statements_voided,
        )
    )
    session.flush()
    session.expire_all()
    return result
