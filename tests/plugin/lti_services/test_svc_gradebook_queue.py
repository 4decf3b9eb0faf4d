"""Participation scores go through a queue: a graded link's launch queues
them in the record's transaction, the worker posts them, an LMS outage only
delays them, and a score is queued once per learner and record."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from lti_svc_helpers import LiveLms, LiveTool, launch, register_tool
from sqlalchemy import select

from plugin.db import session_scope
from plugin.jobs.gradebook import GradebookOptions, GradebookSender, gradebook_loop
from plugin.lti_platform.services import add_line_item, service_claims
from plugin.models import GradebookPost, LeaderLedRecord, LtiLaunchSession, Person, PostState
from plugin.models.records import RecordKind
from plugin.services.gradebook import graded_link, queue_scores

WHEN = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _queue(live_tool: LiveTool, users: list[str]) -> int:
    with live_tool.app.app_context(), session_scope(live_tool.app) as session:
        launch_row = session.scalars(
            select(LtiLaunchSession).order_by(LtiLaunchSession.id.desc())
        ).first()
        assert launch_row is not None
        link = graded_link(session, launch_row)
        if link is None:
            return -1
        record = LeaderLedRecord(
            kind=RecordKind.KNOWLEDGE_SESSION,
            leader_id=launch_row.person_id,
            occurred_at=WHEN,
            details={},
        )
        session.add(record)
        session.flush()
        learners = [Person(display_name=f"Learner {user}") for user in users]
        session.add_all(learners)
        session.flush()
        people = {p.id: user for p, user in zip(learners, users, strict=True)}
        first = queue_scores(session, link, people, record_id=record.id, occurred_at=WHEN)
        again = queue_scores(session, link, people, record_id=record.id, occurred_at=WHEN)
        assert again == 0  # the same learner and record is queued once
        return first


def test_a_graded_link_queues_and_the_worker_posts(live_tool: LiveTool, lms: LiveLms) -> None:
    item = add_line_item(lms.app, "5", lms.url, label="Safety session", scoreMaximum=1)
    reg = register_tool(live_tool, lms)
    claims = service_claims(lms.url, "5", lineitem=item["id"])
    assert launch(live_tool, lms, reg, extra_claims=claims).status_code == 200
    assert _queue(live_tool, ["11", "12"]) == 2
    assert GradebookSender(live_tool.app).run_once() == 2
    scores = lms.services.scores[item["id"].rsplit("/", 1)[-1]]
    assert sorted((s["userId"], s["scoreGiven"], s["scoreMaximum"]) for s in scores) == [
        ("11", 1, 1),
        ("12", 1, 1),
    ]
    assert GradebookSender(live_tool.app).run_once() == 0  # nothing posted twice


def test_an_ungraded_link_queues_nothing(live_tool: LiveTool, lms: LiveLms) -> None:
    reg = register_tool(live_tool, lms)
    assert launch(live_tool, lms, reg, extra_claims=service_claims(lms.url, "5")).status_code == 200
    assert _queue(live_tool, ["11"]) == -1


def test_an_lms_outage_only_delays_the_score(live_tool: LiveTool, lms: LiveLms) -> None:
    item = add_line_item(lms.app, "5", lms.url, label="Safety session", scoreMaximum=1)
    reg = register_tool(live_tool, lms)
    claims = service_claims(lms.url, "5", lineitem=item["id"])
    assert launch(live_tool, lms, reg, extra_claims=claims).status_code == 200
    assert _queue(live_tool, ["11"]) == 1
    with session_scope(live_tool.app) as session:
        post = session.scalars(select(GradebookPost)).one()
        post.line_item = lms.url + "/platform/ags/5/lineitems/gone"  # the LMS answers 404
        post_id = post.id
    sender = GradebookSender(live_tool.app, GradebookOptions(max_attempts=2))
    assert sender.run_once() == 0
    with session_scope(live_tool.app) as session:
        row = session.get_one(GradebookPost, post_id)
        assert row.state is PostState.PENDING
        assert row.attempts == 1
        assert row.last_error
        row.due_ms = 0  # its backoff is over
    assert sender.run_once() == 0
    with session_scope(live_tool.app) as session:
        row = session.get_one(GradebookPost, post_id)
        assert row.state is PostState.FAILED  # given up after max attempts, reason kept
        assert row.attempts == 2


def test_the_worker_posts_queued_scores(
    live_tool: LiveTool, lms: LiveLms, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``leaderled worker`` builds its own app from the settings and posts what is due."""
    monkeypatch.setenv("LEADERLED_LTI_PRIVATE_HOSTS", "127.0.0.1")  # the LMS is on 127.0.0.1
    item = add_line_item(lms.app, "5", lms.url, label="Safety session", scoreMaximum=1)
    reg = register_tool(live_tool, lms)
    claims = service_claims(lms.url, "5", lineitem=item["id"])
    assert launch(live_tool, lms, reg, extra_claims=claims).status_code == 200
    assert _queue(live_tool, ["11"]) == 1
    settings = live_tool.app.config["LEADERLED"]
    assert gradebook_loop(settings, threading.Event(), interval=0, once=True) == 1
    assert [s["userId"] for s in lms.services.scores[item["id"].rsplit("/", 1)[-1]]] == ["11"]
