"""The index of whom each queued statement names, filled by the outbox."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, StatementSubject
from plugin.services import outbox
from statements.builders import (
    BuildOptions,
    KnowledgeSession,
    SessionTaught,
    StatementVoided,
    Text,
    knowledge_session_attended,
    knowledge_session_taught,
    statement_voided,
)
from statements.identity import Identity

from .world import NOW, Org, account


def _subjects(app: Flask, statement_id: str) -> dict[int, bool]:
    with session_scope(app) as session:
        rows = session.scalars(
            select(StatementSubject).where(StatementSubject.statement_id == statement_id)
        )
        return {row.person_id: row.actor for row in rows}


def _session(*attendees: Identity) -> SessionTaught:
    return SessionTaught(
        account("ada"),
        KnowledgeSession("https://leaderled.test/s/1", Text("Pricing"), "products"),
        NOW,
        timedelta(minutes=30),
        attendees,
    )


def test_recorded_statements_name_their_people(privacy_app: Flask, org: Org) -> None:
    ada, bo, dee = (org.people[k] for k in ("ada", "bo", "dee"))
    with session_scope(privacy_app) as session:
        row = session.get_one(LeaderLedRecord, org.records["session"])
        taught, *attended = row.current_statement_ids()
    assert _subjects(privacy_app, taught) == {ada: True}  # 1.0.3: attendees only counted
    # One attended statement per attendee, in the order the leader chose them.
    assert [_subjects(privacy_app, s) for s in attended] == [
        {bo: True, ada: False},
        {dee: True, ada: False},
    ]


def test_xapi_2_context_groups_and_email_hashes_resolve(privacy_app: Flask, org: Org) -> None:
    ada, bo, dee = (org.people[k] for k in ("ada", "bo", "dee"))
    email = Identity.mbox("dee@example.org")  # written as its sha1 in minimal mode
    statement = knowledge_session_taught(
        _session(account("bo"), email), BuildOptions(xapi_version="2.0.0")
    )
    assert "mbox_sha1sum" in str(statement)
    with session_scope(privacy_app) as session:
        outbox.enqueue(session, [statement])
    assert _subjects(privacy_app, statement["id"]) == {ada: True, bo: False, dee: False}


def test_strangers_are_not_indexed(privacy_app: Flask, org: Org) -> None:
    stranger = Identity.account("https://other.example", "99")
    statement = knowledge_session_attended(_session(stranger).attendances()[0])
    statement["actor"] = stranger.to_actor()
    statement["context"]["instructor"] = stranger.to_actor()
    with session_scope(privacy_app) as session:
        outbox.enqueue(session, [statement])
    assert _subjects(privacy_app, statement["id"]) == {}


def test_a_void_marks_its_target_and_is_marked_itself(privacy_app: Flask, org: Org) -> None:
    statement = knowledge_session_taught(_session(account("bo")))
    void = statement_voided(StatementVoided(account("ada"), statement["id"], NOW))
    with session_scope(privacy_app) as session:
        outbox.enqueue(session, [statement])
        outbox.enqueue(session, [void])
    with session_scope(privacy_app) as session:
        target = session.scalars(
            select(StatementSubject).where(StatementSubject.statement_id == statement["id"])
        ).one()
        voiding = session.scalars(
            select(StatementSubject).where(StatementSubject.statement_id == void["id"])
        ).one()
    assert (target.voided, target.voiding) == (True, False)
    assert (voiding.voided, voiding.voiding, voiding.actor) == (False, True, True)
