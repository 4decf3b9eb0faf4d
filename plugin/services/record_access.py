"""Finding a record the way a person may see it: object-level checks that
every page and API route goes through (DESIGN section 13)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services.errors import Conflict, NotFound
from plugin.services.people import Actor


def own_record(
    session: Session, actor: Actor, record_id: int, *, kinds: Sequence[RecordKind] = ()
) -> LeaderLedRecord:
    """The actor's own record; another person's record is "not found", so its
    existence is not revealed."""
    row = session.get(LeaderLedRecord, record_id)
    if row is None or row.leader_id != actor.person_id or (kinds and row.kind not in kinds):
        raise NotFound(_("There is no such record of yours."))
    return row


def own_active_record(
    session: Session, actor: Actor, record_id: int, *, kinds: Sequence[RecordKind] = ()
) -> LeaderLedRecord:
    row = own_record(session, actor, record_id, kinds=kinds)
    if row.state is not RecordState.ACTIVE:
        raise Conflict(_("This record was deleted; it cannot be changed."))
    return row


def set_participants(
    row: LeaderLedRecord, role: ParticipantRole, person_ids: Iterable[int]
) -> None:
    """Make ``row``'s participants in ``role`` exactly ``person_ids``, keeping
    the rows of people who stay (no delete-and-insert of the same key)."""
    wanted = list(dict.fromkeys(person_ids))
    kept = {p.person_id for p in row.participants if p.role is role and p.person_id in wanted}
    row.participants[:] = [
        p for p in row.participants if p.role is not role or p.person_id in wanted
    ] + [RecordParticipant(person_id=pid, role=role) for pid in wanted if pid not in kept]
