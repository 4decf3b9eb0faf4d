"""Erasure (GDPR article 17), locally: nothing about the person is left in any
table (checked against the schema), every statement that named them gets a
void in the outbox, records shared with others lose only their part, and a
second erasure changes nothing."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from plugin.db import Base, session_scope
from plugin.models import (
    LeaderLedRecord,
    OutboxRow,
    Person,
    PrivacyAudit,
    RecordParticipant,
    StatementSubject,
    Suppression,
)
from plugin.models.lti import LtiPlatform
from plugin.models.outbox import OutboxState
from plugin.models.people import Role
from plugin.models.privacy import AccessLogEntry
from plugin.models.records import ParticipantRole, RecordKind, StatementRole
from plugin.services import knowledge, recording
from plugin.services.privacy.erasure import (
    NOT_RECORDED_YET,
    PER_PERSON,
    REBUILD,
    WITHOUT_PARTICIPANTS,
    ErasureResult,
    erase,
)
from plugin.services.privacy.lookup import subject_of
from plugin.services.privacy.registry import Subject, related_rows
from plugin.services.privacy.subjects import agent_keys
from plugin.services.privacy.suppression import key_hash
from plugin.services.privacy.voiding import TOOL_ACCOUNT, void_target
from plugin.services.publishing import publishing_for
from statements import vocabulary as v
from statements.templates import match_profile

from .world import (
    ADA_MARKERS,
    BO_MARKERS,
    ISSUER,
    NOW,
    SITE,
    Org,
    account,
    fill_every_personal_table,
    person_columns,
    text_columns,
)


def _erase(app: Flask, who: int, *, commit: bool = True) -> ErasureResult:
    with session_scope(app) as session:
        result = erase(session, who, settings=app.config["LEADERLED"], now=NOW)
        if not commit:
            session.rollback()
    return result


def _subject(app: Flask, who: int) -> Subject:
    with session_scope(app) as session:
        return subject_of(session, session.get_one(Person, who))


def _outbox(app: Flask) -> list[OutboxRow]:
    with session_scope(app) as session:
        rows = list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        session.expunge_all()
    return rows


def _counts(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def _assert_nothing_left(app: Flask, who: int, subject: Subject, markers: tuple[str, ...]) -> None:
    with session_scope(app) as session:
        assert session.get(Person, who) is None
        for table, column in person_columns():
            left = session.scalar(
                select(func.count()).select_from(table).where(table.c[column.name] == who)
            )
            assert left == 0, f"{table.name}.{column.name} still points at the person"
        for table in Base.metadata.sorted_tables:
            for column in text_columns(table):
                for (value,) in session.execute(select(table.c[column.name])):
                    text = value if isinstance(value, str) else json.dumps(value)
                    for marker in markers:
                        assert marker not in (text or ""), f"{table.name}.{column.name}: {marker}"
        for name, rows in related_rows(session, subject).items():
            assert not rows.rows, f"{name} still has rows about the person"
        for (text,) in session.execute(select(OutboxRow.statement_json)):
            assert not agent_keys(json.loads(text)) & subject.keys


def test_after_an_erasure_nothing_about_the_person_is_left(privacy_app: Flask, org: Org) -> None:
    bo = org.people["bo"]
    filled = fill_every_personal_table(privacy_app, bo)
    assert "privacy_audit" in filled  # the filler reaches tables the services do not fill
    subject = _subject(privacy_app, bo)
    result = _erase(privacy_app, bo)
    assert result.found
    _assert_nothing_left(privacy_app, bo, subject, BO_MARKERS)
    with session_scope(privacy_app) as session:
        hashes = set(session.scalars(select(Suppression.key_hash)))
    assert {key_hash(k) for k in subject.keys} <= hashes


def test_every_statement_that_named_the_person_gets_a_void_by_the_tool(
    privacy_app: Flask, org: Org
) -> None:
    bo = org.people["bo"]
    subject = _subject(privacy_app, bo)
    before = {row.statement_id for row in _outbox(privacy_app)}
    result = _erase(privacy_app, bo)
    new = [row for row in _outbox(privacy_app) if row.statement_id not in before]
    voids = [json.loads(row.statement_json) for row in new if void_target(row.statement_json)]
    targets = {str(s["object"]["id"]) for s in voids}
    assert subject.statement_ids <= targets
    assert result.statements_voided == len(voids)
    for statement in voids:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": SITE, "name": TOOL_ACCOUNT},
        }
        assert match_profile(statement).ok
    assert all(row.state is OutboxState.PENDING for row in new)


def test_shared_records_lose_only_the_persons_part(privacy_app: Flask, org: Org) -> None:
    result = _erase(privacy_app, org.people["bo"])
    dee = org.people["dee"]
    changes = {c.record_id: c.deleted for c in result.changes}
    assert changes == {
        org.records["bo_confirms"]: True,
        org.records["coaching"]: True,  # about Bo alone: it goes
        org.records["session"]: False,
        org.records["mentoring"]: False,
    }
    with session_scope(privacy_app) as session:
        assert session.get(LeaderLedRecord, org.records["coaching"]) is None
        assert session.get(LeaderLedRecord, org.records["dee_confirms"]) is not None
        row = session.get_one(LeaderLedRecord, org.records["session"])
        assert [(p.person_id, p.role) for p in row.participants] == [
            (dee, ParticipantRole.ATTENDEE)
        ]
        current = [
            json.loads(session.get_one(OutboxRow, _row_id(session, sid)).statement_json)
            for sid in row.current_statement_ids()
        ]
        mentoring = session.get_one(LeaderLedRecord, org.records["mentoring"])
        assert [p.person_id for p in mentoring.participants] == [dee]
        (dee_moment,) = mentoring.current_statement_ids()
        moment = json.loads(session.get_one(OutboxRow, _row_id(session, dee_moment)).statement_json)
    taught = next(s for s in current if s["verb"]["id"] == v.TAUGHT.iri(SITE + "/xapi"))
    assert taught["result"]["extensions"][v.ATTENDEE_COUNT.iri(SITE + "/xapi")] == 1
    attended = [s for s in current if s is not taught]
    assert [s["actor"]["account"]["name"] for s in attended] == [account("dee").value]
    learner = moment["context"]["extensions"][v.LEARNER.iri(SITE + "/xapi")]
    assert learner["account"]["name"] == account("dee").value


def _row_id(session: Any, statement_id: str) -> int:
    found = session.scalar(select(OutboxRow.id).where(OutboxRow.statement_id == statement_id))
    assert found is not None
    return int(found)


def test_a_second_erasure_is_a_no_op(privacy_app: Flask, org: Org) -> None:
    bo = org.people["bo"]
    _erase(privacy_app, bo)
    before = _counts(privacy_app)
    again = _erase(privacy_app, bo)
    assert not again.found
    assert again.statements_voided == 0
    assert again.reference is None
    assert _counts(privacy_app) == before


def test_a_dry_run_lists_what_would_go_and_changes_nothing(privacy_app: Flask, org: Org) -> None:
    before = _counts(privacy_app)
    result = _erase(privacy_app, org.people["bo"], commit=False)
    assert _counts(privacy_app) == before
    assert result.records_deleted == 2
    assert result.records_changed == 2
    assert result.rows["person"] == 1
    assert result.rows["formal_record"] == 2
    assert result.rows["record_participant"] == 3
    assert result.statements_voided > 0


def test_the_audit_entry_counts_but_names_nobody(privacy_app: Flask, org: Org) -> None:
    result = _erase(privacy_app, org.people["bo"])
    with session_scope(privacy_app) as session:
        (audit,) = session.scalars(select(PrivacyAudit))
        text = json.dumps(
            {c.name: str(getattr(audit, c.name)) for c in PrivacyAudit.__table__.columns}
        )
    assert audit.reference == result.reference
    assert audit.statements_voided == result.statements_voided
    assert audit.rows == result.rows
    assert audit.by_role == "cli"
    for marker in (*BO_MARKERS, str(org.people["bo"])):
        assert f'"{marker}"' not in text


def test_erasing_a_leader_purges_their_records_and_the_confirmations_of_them(
    privacy_app: Flask, org: Org
) -> None:
    ada, bo = org.people["ada"], org.people["bo"]
    subject = _subject(privacy_app, ada)
    result = _erase(privacy_app, ada)
    assert {c.record_id for c in result.changes if c.deleted} == {
        org.records["session"],
        org.records["coaching"],
        org.records["mentoring"],
        org.records["bo_confirms"],
        org.records["dee_confirms"],
        org.records["dee_confirms_mentoring"],
    }
    _assert_nothing_left(privacy_app, ada, subject, ADA_MARKERS)
    with session_scope(privacy_app) as session:
        assert session.get(LeaderLedRecord, org.records["south"]) is not None
        # Ada looked at Bo's record: Bo still sees that someone did.
        views = list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject_id == bo)))
        assert {(e.viewer_id, e.viewer_role) for e in views} == {
            (None, Role.LEADER.value),
            (org.people["cy"], Role.LND_ADMIN.value),
        }


def test_a_leaders_undelivered_correction_is_replaced_by_the_tools_void(
    privacy_app: Flask, org: Org
) -> None:
    with session_scope(privacy_app) as session:
        row = session.get_one(LeaderLedRecord, org.records["session"])
        (taught, *_attended) = row.current_statement_ids()
        pub = publishing_for(session, privacy_app.config["LEADERLED"], ISSUER)
        recording.correct(
            session,
            row,
            knowledge.statements_for_record(session, row, pub),
            recording.voiding_by(account("ada"), pub.options),
        )
    by_ada = [r for r in _outbox(privacy_app) if void_target(r.statement_json) == taught]
    assert len(by_ada) == 1
    _erase(privacy_app, org.people["ada"])
    voids = [r for r in _outbox(privacy_app) if void_target(r.statement_json) == taught]
    assert len(voids) == 1
    assert voids[0].id != by_ada[0].id
    assert json.loads(voids[0].statement_json)["actor"]["account"]["name"] == TOOL_ACCOUNT


def test_statements_already_sent_are_voided_and_unsent_ones_never_leave(
    privacy_app: Flask, org: Org
) -> None:
    bo = org.people["bo"]
    subject = _subject(privacy_app, bo)
    with session_scope(privacy_app) as session:
        for row in session.scalars(select(OutboxRow)):
            row.state = OutboxState.STORED
    _erase(privacy_app, bo)
    left = {r.statement_id: r for r in _outbox(privacy_app)}
    assert not subject.statement_ids & set(left)
    assert {void_target(r.statement_json) for r in left.values()} >= subject.statement_ids


def test_every_record_kind_has_an_erasure_rule() -> None:
    groups = [set(REBUILD), set(WITHOUT_PARTICIPANTS), set(NOT_RECORDED_YET)]
    assert set().union(*groups) == set(RecordKind)
    assert sum(len(g) for g in groups) == len(RecordKind)
    assert set(PER_PERSON) <= set(REBUILD)


def test_person_ids_are_not_reused_by_leftovers(privacy_app: Flask, org: Org) -> None:
    """A new person may get the erased one's id (SQLite reuses the highest):
    nothing of the old one may then attach to them."""
    hal = org.people["hal"]
    _erase(privacy_app, hal)
    with session_scope(privacy_app) as session:
        newcomer = Person(display_name="New person")
        session.add(newcomer)
        session.flush()
        for table, column in person_columns():
            if table.name == "person":
                continue
            count = session.scalar(
                select(func.count()).select_from(table).where(table.c[column.name] == newcomer.id)
            )
            assert count == 0, table.name


def test_platform_setting_does_not_matter_for_voids(privacy_app: Flask, org: Org) -> None:
    with session_scope(privacy_app) as session:
        platform = session.scalars(select(LtiPlatform)).one()
        platform.names_in_statements = True
    before = {r.statement_id for r in _outbox(privacy_app)}
    _erase(privacy_app, org.people["bo"])
    for row in _outbox(privacy_app):
        if row.statement_id in before or not void_target(row.statement_json):
            continue
        assert "name" not in json.loads(row.statement_json)["actor"]


def test_statement_links_of_surviving_records_are_kept_for_others(
    privacy_app: Flask, org: Org
) -> None:
    _erase(privacy_app, org.people["bo"])
    with session_scope(privacy_app) as session:
        row = session.get_one(LeaderLedRecord, org.records["session"])
        roles = [s.role for s in row.statements]
        assert StatementRole.VOIDS in roles
        assert roles.count(StatementRole.STATES) >= 2
        assert session.scalar(
            select(func.count())
            .select_from(StatementSubject)
            .where(StatementSubject.person_id == org.people["dee"])
        )
        assert session.scalar(
            select(func.count())
            .select_from(RecordParticipant)
            .where(RecordParticipant.person_id == org.people["dee"])
        )
