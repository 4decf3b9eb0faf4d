"""Recording writes the record and its outbox rows together; corrections void."""

from __future__ import annotations

import json

import pytest
from core_helpers import MOODLE, attended_statements, session_activity
from sqlalchemy import select

from plugin.db import Database
from plugin.models.outbox import OutboxRow, OutboxState
from plugin.models.people import Person
from plugin.models.records import LeaderLedRecord, RecordKind, RecordState, StatementRole
from plugin.services import identity, outbox, recording
from statements.identity import Identity


def _leader(database: Database) -> int:
    with database.session_scope() as session:
        person = Person(display_name="Leader")
        session.add(person)
        session.flush()
        return person.id


def _row(leader_id: int) -> LeaderLedRecord:
    from datetime import UTC, datetime

    return LeaderLedRecord(
        kind=RecordKind.COACHING_MOMENT,
        leader_id=leader_id,
        occurred_at=datetime(2026, 11, 3, tzinfo=UTC),
        notes="private: stays local",
        details={},
    )


def test_record_and_its_statements_commit_together_or_not_at_all(database: Database) -> None:
    leader_id = _leader(database)
    statements = attended_statements(session_activity(), 2)

    def failing_request() -> None:
        with database.session_scope() as session:
            recording.record(session, _row(leader_id), statements)
            raise RuntimeError("the request failed after recording")

    with pytest.raises(RuntimeError):
        failing_request()
    with database.session_scope() as session:
        assert session.scalars(select(LeaderLedRecord)).all() == []
        assert session.scalars(select(OutboxRow)).all() == []

    with database.session_scope() as session:
        recording.record(session, _row(leader_id), statements)
    with database.session_scope() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        record = session.scalars(select(LeaderLedRecord)).one()
        assert [r.statement_id for r in rows] == [s["id"] for s in statements]
        assert [json.loads(r.statement_json) for r in rows] == statements
        assert {r.state for r in rows} == {OutboxState.PENDING}
        assert record.current_statement_ids() == [s["id"] for s in statements]
        # Notes are never part of a queued statement.
        assert all("private" not in r.statement_json for r in rows)


def test_correction_voids_the_old_statements_and_queues_new_ones(database: Database) -> None:
    leader_id = _leader(database)
    activity = session_activity()
    first, second = attended_statements(activity, 1), attended_statements(activity, 1)
    void = recording.voiding_by(Identity.account(MOODLE, "leader-1"))
    with database.session_scope() as session:
        row = recording.record(session, _row(leader_id), first)
        row_id = row.id
    with database.session_scope() as session:
        row = session.get_one(LeaderLedRecord, row_id)
        recording.correct(session, row, second, void)
    with database.session_scope() as session:
        row = session.get_one(LeaderLedRecord, row_id)
        assert row.current_statement_ids() == [second[0]["id"]]
        voids = [s for s in row.statements if s.role is StatementRole.VOIDS]
        assert len(voids) == 1
        text = session.scalars(
            select(OutboxRow.statement_json).where(OutboxRow.statement_id == voids[0].statement_id)
        ).one()
        voiding = json.loads(text)
        assert voiding["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
        assert voiding["object"] == {"objectType": "StatementRef", "id": first[0]["id"]}
    with database.session_scope() as session:
        row = session.get_one(LeaderLedRecord, row_id)
        recording.delete(session, row, void)
    with database.session_scope() as session:
        row = session.get_one(LeaderLedRecord, row_id)
        assert row.state is RecordState.DELETED
        assert row.notes is None
        assert row.current_statement_ids() == []
        assert session.query(OutboxRow).count() == 4  # first, void, second, void
        with pytest.raises(recording.RecordError, match="deleted"):
            recording.delete(session, row, void)


def test_outbox_refuses_statements_without_a_fixed_uuid(database: Database) -> None:
    with database.session_scope() as session:
        with pytest.raises(outbox.OutboxError, match="id fixed"):
            outbox.enqueue(session, [{"actor": {}}])
        with pytest.raises(outbox.OutboxError, match="not a UUID"):
            outbox.enqueue(session, [{"id": "nope"}])


def test_several_identifiers_resolve_to_one_person(database: Database) -> None:
    account = Identity.account(MOODLE, "42")
    mail = Identity.mbox("Ann@Example.org")
    with database.session_scope() as session:
        ann = identity.person_for(session, [account], display_name="Ann")
        again = identity.person_for(session, [mail, account])
        assert again.id == ann.id
        other = identity.person_for(session, [Identity.account(MOODLE, "43")])
        with pytest.raises(identity.IdentityConflict):
            identity.link(session, other, mail)
        resolver = identity.Resolver(session)
        found = resolver.resolve(
            [
                account,
                Identity.mbox("mailto:ann@example.org"),
                mail.sha1(),
                None,
                Identity.account(MOODLE, "99"),
            ]
        )
        assert found == {
            account.key(): ann.id,
            mail.key(): ann.id,
            mail.sha1().key(): ann.id,
            Identity.account(MOODLE, "99").key(): None,
        }
