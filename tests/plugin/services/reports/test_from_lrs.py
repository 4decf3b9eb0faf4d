"""``report local`` and ``report lrs`` agree exactly on the demo data, with the
real Learning Locker: the demo is seeded, its statements delivered, the
formal records synced back; then the figures are computed once from the
database and once from nothing but the LRS's statements (and the roster)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin import create_app
from plugin.cli.reports import report
from plugin.config import Settings
from plugin.db import session_scope
from plugin.demo.seed import demo_now, moodle_formal_statements, seed
from plugin.jobs.connection import lrs_client
from plugin.jobs.runner import delivery_loop, sync_loop
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import LeaderLedRecord, RecordKind, RecordState
from plugin.services import recording
from plugin.services.moments import MomentInput, update_moment
from plugin.services.people import Actor, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.reports import Indicators, ReportPeriod, Scope, compute
from plugin.services.reports.from_lrs import Directory, compute_from_statements
from statements.builders import BuildOptions
from tests.conftest import wipe_database
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs

ISSUER = "https://lms.demo.example"


@pytest.fixture
def demo(database_url: str, learning_locker: RunningLRS) -> Iterator[Flask]:
    learning_locker.restart()  # an empty store: exactly the demo's statements
    app = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "lrs_endpoint": learning_locker.endpoint,
            "lrs_username": "demo",
            "lrs_password": "demo",
        }
    )
    settings: Settings = app.config["LEADERLED"]
    options = BuildOptions(base=settings.resolved_profile_base)
    with session_scope(app) as session:
        seed(session, ISSUER, options)
        _correct_and_delete(session, options)
    with lrs_client(settings) as client:
        assert all(r.delivered for r in client.deliver(moodle_formal_statements(ISSUER)))
    stop = threading.Event()
    assert delivery_loop(settings, stop, once=True) > 0
    sync_loop(settings, stop, interval=0, once=True)
    yield app
    wipe_database(app)


def _correct_and_delete(session: Session, options: BuildOptions) -> None:
    """One coaching moment deleted, one corrected (other time, one more person): the
    LRS then holds voided statements and their replacements."""
    pub = Publishing(options=options, site=options.base.rsplit("/xapi", 1)[0])
    moments = session.scalars(
        select(LeaderLedRecord)
        .where(LeaderLedRecord.kind == RecordKind.COACHING_MOMENT)
        .order_by(LeaderLedRecord.id)
    ).all()
    assert len(moments) >= 2
    gone, changed = moments[0], moments[1]
    leader = session.get_one(Person, gone.leader_id)
    recording.delete(session, gone, recording.voiding_by(statement_identity(session, leader)))
    actor = Actor(person_id=changed.leader_id, role=Role.LEADER, team_id=changed.team_id)
    learners = session.scalars(
        select(Membership.person_id).where(
            Membership.team_id == changed.team_id, Membership.role == Role.LEARNER
        )
    ).all()
    update_moment(
        session,
        actor,
        record_id=changed.id,
        data=MomentInput(
            kind="coaching",
            people=tuple(learners[:2]),
            minutes=25,
            occurred_at=_aware(changed.occurred_at),
            title="Corrected",
        ),
        pub=pub,
        now=demo_now(),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _both(app: Flask, scope: Scope) -> tuple[Indicators, Indicators]:
    settings: Settings = app.config["LEADERLED"]
    now = demo_now() + timedelta(hours=12)
    with session_scope(app) as session:
        local = compute(session, scope, now=now)
        directory = Directory.load(session)
    with lrs_client(settings) as client:
        from_lrs = compute_from_statements(
            scope,
            client.query(limit=200),
            directory,
            profile_base=settings.resolved_profile_base,
            now=now,
        )
    return local, from_lrs


def test_local_and_lrs_figures_agree_on_the_demo_data(demo: Flask) -> None:
    today = demo_now().date()
    period = ReportPeriod.custom(today - timedelta(days=60), today)
    with session_scope(demo) as session:
        teams = [t.id for t in session.query(Team).order_by(Team.id)]
        kinds = {r.kind for r in session.query(LeaderLedRecord)}
        deleted = session.query(LeaderLedRecord).filter_by(state=RecordState.DELETED).count()
    assert {RecordKind.KNOWLEDGE_SESSION, RecordKind.COACHING_MOMENT} <= kinds
    assert deleted == 1
    local, from_lrs = _both(demo, Scope(period))
    assert local == from_lrs
    # Not agreement on nothing: the demo's teaching, ratings, mix and formal side.
    assert local.hours_by_kind
    assert local.reach.people > 0
    assert local.ratings.ratings > 0
    assert local.mix.organisation.formal_count > 0
    assert local.mix.organisation.social_seconds > 0
    assert any(f.completions for f in local.formal)
    for team in teams:
        local, from_lrs = _both(demo, Scope(period, frozenset({team})))
        assert local == from_lrs
    coaching = Scope(period, kinds=frozenset({RecordKind.COACHING_MOMENT}))
    local, from_lrs = _both(demo, coaching)
    assert local == from_lrs


def test_the_cli_prints_the_same_json_from_both_sources(demo: Flask) -> None:
    today = demo_now().date()
    args = ["--from", str(today - timedelta(days=60)), "--to", str(today), "--format", "json"]
    runner = demo.test_cli_runner()
    local = runner.invoke(report, ["local", *args])
    assert local.exit_code == 0, local.output
    from_lrs = runner.invoke(report, ["lrs", *args])
    assert from_lrs.exit_code == 0, from_lrs.output
    assert json.loads(local.stdout) == json.loads(from_lrs.stdout)
    assert "pull" in from_lrs.stderr  # the progress bar
    table = runner.invoke(report, ["local", "--from", str(today), "--to", str(today)])
    assert "Leaders who teach" in table.output
