"""The naive way to the same figures: load every row, then count in Python.

The benchmark's baseline (bench/reports.py) and a cross-check in the tests
that :func:`.rows.compute_rows` follows the SQL of :mod:`.local`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.catalogue import CompanyValue
from plugin.models.formal import FormalRecord
from plugin.models.people import Membership, Team
from plugin.models.records import LeaderLedRecord, ParticipantRole, RecordParticipant, RecordState
from plugin.services.reports.figures import Indicators
from plugin.services.reports.rows import FormalRow, RecordRow, Roster, compute_rows
from plugin.services.reports.scope import Scope
from statements.classification import Origin


def load_rows(session: Session) -> tuple[list[RecordRow], list[FormalRow], Roster]:
    """Every active record, kept formal record and membership, as rows."""
    values = dict(session.execute(select(CompanyValue.id, CompanyValue.slug)).tuples().all())
    people: dict[int, list[tuple[int, ParticipantRole]]] = defaultdict(list)
    for record_id, person_id, role in session.execute(
        select(RecordParticipant.record_id, RecordParticipant.person_id, RecordParticipant.role)
    ).tuples():
        people[record_id].append((person_id, role))
    r = LeaderLedRecord
    records = [
        RecordRow(
            key=str(row.id),
            kind=row.kind,
            owner=row.leader_id,
            team=row.team_id,
            at=row.occurred_at,
            seconds=row.duration_seconds,
            topic=row.topic,
            value=values.get(row.company_value_id) if row.company_value_id else None,
            rating=row.rating,
            parent=str(row.parent_id) if row.parent_id else None,
            people=tuple(people.get(row.id, ())),
        )
        for row in session.execute(
            select(
                r.id,
                r.kind,
                r.leader_id,
                r.team_id,
                r.occurred_at,
                r.duration_seconds,
                r.topic,
                r.company_value_id,
                r.rating,
                r.parent_id,
            ).where(r.state == RecordState.ACTIVE)
        )
    ]
    f = FormalRecord
    formal = [
        FormalRow(
            statement_id=row.statement_id,
            person=row.person_id,
            verb=row.verb,
            kind=row.kind,
            success=row.success,
            completion=row.completion,
            is_outcome=row.is_outcome,
            seconds=row.duration_seconds,
            registration=row.registration,
            at=row.timestamp,
        )
        for row in session.execute(
            select(
                f.statement_id,
                f.person_id,
                f.verb,
                f.kind,
                f.success,
                f.completion,
                f.is_outcome,
                f.duration_seconds,
                f.registration,
                f.timestamp,
            ).where(f.origin == Origin.FORMAL.value, f.voided.is_(False), f.person_id.is_not(None))
        )
    ]
    roster = Roster(
        tuple(
            session.execute(select(Membership.person_id, Membership.team_id, Membership.role))
            .tuples()
            .all()
        ),
        tuple(session.scalars(select(Team.id))),
    )
    return records, formal, roster


def compute_naively(session: Session, scope: Scope) -> Indicators:
    records, formal, roster = load_rows(session)
    return compute_rows(scope, records, formal, roster)
