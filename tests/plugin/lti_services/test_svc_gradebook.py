"""Participation published from a real leader launch to the live platform's gradebook."""

from __future__ import annotations

from lti_svc_helpers import LiveLms, LiveTool, launch, register_tool
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti.ags import PublishOutcome
from plugin.lti.gradebook import publish_participation
from plugin.lti_platform.services import add_line_item, service_claims
from plugin.models.lti import LtiLaunchSession


def _publish(live_tool: LiveTool, user_id: str = "11") -> PublishOutcome:
    with live_tool.app.app_context(), session_scope(live_tool.app) as session:
        row = session.scalars(select(LtiLaunchSession).order_by(LtiLaunchSession.id.desc())).first()
        assert row is not None
        return publish_participation(
            session, row, user_id, label="Knowledge session: Safety", resource_id="ks-42"
        )


def test_attendance_creates_line_item_once_and_posts_scores(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    reg = register_tool(live_tool, lms)
    home = launch(live_tool, lms, reg, extra_claims=service_claims(lms.url, "5"))
    assert home.status_code == 200
    first = _publish(live_tool, "11")
    second = _publish(live_tool, "12")
    assert first.published
    assert second.line_item == first.line_item
    ((item_id, item),) = lms.services.line_items["5"].items()
    assert (item["resourceId"], item["label"]) == ("ks-42", "Knowledge session: Safety")
    scores = lms.services.scores[item_id]
    assert [(s["userId"], s["scoreGiven"], s["activityProgress"]) for s in scores] == [
        ("11", 1, "Completed"),
        ("12", 1, "Completed"),
    ]


def test_grade_sync_only_posts_to_the_links_own_line_item(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    lms.services.grade_sync_only = True
    own = add_line_item(lms.app, "5", lms.url, label="Leaderled", scoreMaximum=100)
    reg = register_tool(live_tool, lms)
    claims = service_claims(lms.url, "5", grade_sync_only=True, lineitem=own["id"])
    assert launch(live_tool, lms, reg, extra_claims=claims).status_code == 200
    outcome = _publish(live_tool)
    assert (outcome.published, outcome.line_item) == (True, own["id"])
    assert len(lms.services.line_items["5"]) == 1


def test_grade_sync_only_without_line_item_explains(live_tool: LiveTool, lms: LiveLms) -> None:
    lms.services.grade_sync_only = True
    reg = register_tool(live_tool, lms)
    claims = service_claims(lms.url, "5", grade_sync_only=True)
    assert launch(live_tool, lms, reg, extra_claims=claims).status_code == 200
    outcome = _publish(live_tool)
    assert not outcome.published
    assert "grade sync only" in (outcome.reason or "")
    assert lms.services.scores == {}


def test_launch_without_ags_is_not_an_error(live_tool: LiveTool, lms: LiveLms) -> None:
    reg = register_tool(live_tool, lms)
    assert launch(live_tool, lms, reg).status_code == 200
    outcome = _publish(live_tool)
    assert outcome == PublishOutcome(
        False, reason="the LMS offered no gradebook service with this launch"
    )
