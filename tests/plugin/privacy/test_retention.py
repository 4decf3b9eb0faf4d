"""Retention: old records purged and voided, old formal records and access-log
entries dropped, per the organisation's periods; a second run changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from plugin.db import Base, session_scope
from plugin.models import FormalRecord, LeaderLedRecord, OutboxRow, PrivacyAudit, Role
from plugin.models.privacy import AccessKind, AccessLogEntry
from plugin.services import moments
from plugin.services.errors import Invalid, NotAllowed
from plugin.services.privacy import access_log
from plugin.services.privacy.retention import run_retention
from plugin.services.privacy.settings import RetentionPeriods, retention_periods, set_retention
from plugin.services.privacy.voiding import void_target
from plugin.services.publishing import publishing_for

from .world import ISSUER, NOW, Org


def _counts(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def _old_moment(app: Flask, org: Org, days: int) -> int:
    with session_scope(app) as session:
        return moments.record_moment(
            session,
            org.actor("ada", Role.LEADER),
            data=moments.MomentInput(
                kind="coaching",
                people=(org.people["eli"],),
                minutes=10,
                occurred_at=NOW - timedelta(days=days),
            ),
            pub=publishing_for(session, app.config["LEADERLED"], ISSUER),
            now=NOW,
        ).id


def _run(app: Flask) -> tuple[int, dict[str, int]]:
    with session_scope(app) as session:
        result = run_retention(session, app.config["LEADERLED"], NOW)
    return result.statements_voided, result.rows


def test_nothing_is_purged_without_a_period(privacy_app: Flask, org: Org) -> None:
    _old_moment(privacy_app, org, 4000)
    before = _counts(privacy_app)
    assert _run(privacy_app) == (0, {})
    assert _counts(privacy_app) == before


def test_old_records_are_purged_and_voided_and_a_second_run_is_a_no_op(
    privacy_app: Flask, org: Org
) -> None:
    old = _old_moment(privacy_app, org, 40)
    kept = _old_moment(privacy_app, org, 20)
    with session_scope(privacy_app) as session:
        (statement,) = session.get_one(LeaderLedRecord, old).current_statement_ids()
        set_retention(session, None, records="30", formal="60", access_log="365")
        session.add(
            AccessLogEntry(
                at=NOW - timedelta(days=400),
                viewer_id=org.people["ada"],
                viewer_role="leader",
                subject_id=org.people["eli"],
                what=AccessKind.RECORD,
                via="page",
            )
        )
        access_log.log_views(
            session, org.actor("ada", Role.LEADER), [org.people["eli"]], AccessKind.RECORD, now=NOW
        )
    voided, rows = _run(privacy_app)
    assert voided == 1
    assert rows == {
        "access_log": 1,  # the view 400 days ago; formal records are all younger than 60
        "leader_led_record": 1,
        "outbox": 1,
        "record_participant": 1,
        "record_statement": 1,
        "statement_subject": 2,  # the moment named Ada and Eli
    }
    with session_scope(privacy_app) as session:
        assert session.get(LeaderLedRecord, old) is None
        assert session.get(LeaderLedRecord, kept) is not None
        voids = [
            void_target(text)
            for text in session.scalars(select(OutboxRow.statement_json))
            if void_target(text)
        ]
        assert voids == [statement]
        (audit,) = session.scalars(select(PrivacyAudit))
        assert audit.statements_voided == 1
        assert audit.by_role == "worker"
    before = _counts(privacy_app)
    assert _run(privacy_app) == (0, {})
    assert _counts(privacy_app) == before


def test_formal_records_and_the_access_log_follow_their_own_periods(
    privacy_app: Flask, org: Org
) -> None:
    with session_scope(privacy_app) as session:
        set_retention(session, None, records=None, formal="31", access_log="30")
        old_view = AccessLogEntry(
            at=NOW - timedelta(days=31),
            viewer_id=org.people["ada"],
            viewer_role="leader",
            subject_id=org.people["bo"],
            what=AccessKind.RECORD,
            via="page",
        )
        session.add(old_view)
    _voided, rows = _run(privacy_app)
    # The world's formal records happened 30, 31 and 32 days before NOW.
    assert rows == {"access_log": 1, "formal_record": 1}
    with session_scope(privacy_app) as session:
        ages = sorted(
            (NOW - t.replace(tzinfo=NOW.tzinfo)).days
            for t in session.scalars(select(FormalRecord.timestamp))
            if t is not None
        )
        assert ages == [30, 31]
        assert session.scalar(select(func.count()).select_from(LeaderLedRecord)) == 7


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ("1", "from 30 to 36500"),
        ("abc", "a whole number from 30"),
        ("36501", "from 30 to 36500"),
        ("-40", "leader-led records: a whole number"),
    ],
)
def test_periods_are_checked_in_words(
    privacy_app: Flask, org: Org, records: str, message: str
) -> None:
    with session_scope(privacy_app) as session, pytest.raises(Invalid) as refused:
        set_retention(session, None, records=records, formal="", access_log=" ")
    assert set(refused.value.errors) == {"records"}
    assert message in refused.value.errors["records"]
    with session_scope(privacy_app) as session:
        assert retention_periods(session) == RetentionPeriods()


def test_only_lnd_admins_change_the_periods(privacy_app: Flask, org: Org) -> None:
    with session_scope(privacy_app) as session, pytest.raises(NotAllowed):
        set_retention(
            session, org.actor("ada", Role.LEADER), records="30", formal=None, access_log=None
        )
    with session_scope(privacy_app) as session:
        found = set_retention(
            session,
            org.actor("cy", Role.LND_ADMIN),
            records=" 400 ",
            formal="",
            access_log="90",
        )
    assert found == RetentionPeriods(400, None, 90)
    assert json.dumps(found.__dict__) == '{"records": 400, "formal": null, "access_log": 90}'
