"""A learner in a real browser, from a graded course link the teacher added
by deep linking: a formal record pulled from the real LRS next to the
coaching they received; they confirm and rate it, the rating reaches the
LRS and their participation the demo LMS's gradebook. And the same pages
in Dutch, on a phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, OutboxRow
from plugin.models.records import RecordKind
from statements import vocabulary as v

from .browser import LiveStack, assert_accessible

pytestmark = pytest.mark.browser


def _formal_course_for_bo(stack: LiveStack, title: str) -> None:
    """A course completion for Bo as Moodle's xAPI log store writes it."""
    stack.push(
        [
            {
                "id": str(uuid.uuid4()),
                "actor": {
                    "objectType": "Agent",
                    "account": {"homePage": stack.lms.url, "name": "11"},
                },
                "verb": {
                    "id": "http://adlnet.gov/expapi/verbs/completed",
                    "display": {"en": "completed"},
                },
                "object": {
                    "objectType": "Activity",
                    "id": f"{stack.lms.url}/course/view.php?id={uuid.uuid4().hex[:6]}",
                    "definition": {
                        "type": "https://w3id.org/xapi/cmi5/activitytype/course",
                        "name": {"en": title},
                    },
                },
                "result": {"completion": True},
                "timestamp": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
            }
        ]
    )


def _add_graded_link(page: Any, stack: LiveStack, choice: str, title: str) -> None:
    page.goto(stack.lms.url + "/")
    page.click("#deep-link")
    frame = page.frame_locator("#tool")
    frame.locator("#deep-linking-form").wait_for(timeout=60_000)  # a launch, as in test_svc_demo
    frame.locator(f"input[value='{choice}']").check()
    frame.locator("#title").fill(title)
    frame.locator("input[name='line_item']").check()
    with page.expect_navigation(url="**/?added=1", timeout=20_000):
        frame.locator("#deep-linking-form button[type=submit]").click()


def test_a_learner_confirms_from_a_graded_link(live_stack: LiveStack, browser: Any) -> None:
    # An empty LRS: Learning Locker's memory mode pages past statements older
    # than 429 s (a test-server artefact), and the sync below reads from the start.
    live_stack.lrs.restart()
    title = f"Safety basics {uuid.uuid4().hex[:6]}"
    _formal_course_for_bo(live_stack, title)
    assert live_stack.sync() >= 1
    page = browser.new_page()
    _add_graded_link(page, live_stack, "my-record", "My learning (graded)")
    assert "graded" in page.locator("#course-links").inner_text()

    page.click("#link-0-learner")  # the link opens the learner's record directly
    frame = page.frame_locator("#tool")
    frame.locator("#formal").wait_for(timeout=20_000)
    assert title in frame.locator("#formal").inner_text()
    leader_led = frame.locator("#leader-led").inner_text()
    assert "Closing the month without overtime" in leader_led  # a session the demo seeded
    assert_accessible(page.frame(name="tool"), "the learning record")

    session_item = frame.locator("li[data-record]", has_text="Closing the month without overtime")
    session_item.get_by_role("link", name="Confirm and rate").click()
    frame.locator("#confirm-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the confirmation form")
    frame.get_by_label("4", exact=True).check()
    frame.locator("#comment").fill("Very practical")
    frame.locator("#confirm-form button[type=submit]").click()
    frame.locator("#leader-led").wait_for()
    assert "Confirmed · 4/5" in frame.locator("#leader-led").inner_text()

    with session_scope(live_stack.app) as session:
        confirmation = session.scalar(
            select(LeaderLedRecord)
            .where(LeaderLedRecord.kind == RecordKind.CONFIRMATION)
            .order_by(LeaderLedRecord.id.desc())
            .limit(1)
        )
        assert confirmation is not None
        ids = list(
            session.scalars(
                select(OutboxRow.statement_id).where(OutboxRow.record_id == confirmation.id)
            )
        )
    live_stack.deliver()
    base = live_stack.settings.resolved_profile_base
    rated = [
        s for s in map(live_stack.statement, ids) if s and s["verb"]["id"] == v.RATED.iri(base)
    ]
    assert len(rated) == 1
    assert rated[0]["result"]["score"]["raw"] == 4
    assert rated[0]["actor"]["account"] == {"homePage": live_stack.lms.url, "name": "11"}

    assert live_stack.post_grades() == 1
    page.goto(live_stack.lms.url + "/")
    gradebook = page.locator("#gradebook").inner_text()
    assert "My learning (graded): 1 score(s)" in gradebook
    assert "user 11 · Completed" in gradebook


def test_dutch_pages_on_a_phone(live_stack: LiveStack, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    page = context.new_page()
    page.goto(live_stack.lms.url + "/")
    page.click("#launch-leader-nl")
    frame = page.frame_locator("#tool")
    frame.locator("#record-coaching").wait_for(timeout=20_000)
    assert frame.locator("html").get_attribute("lang") == "nl"
    assert frame.locator("#record-coaching").inner_text() == "Coaching registreren"
    assert_accessible(page.frame(name="tool"), "the Dutch launch page")
    frame.locator("#record-coaching").click()
    frame.locator("#moment-form").wait_for()
    assert "Wie?" in frame.locator("#moment-form").inner_text()
    # The coaching flow on a phone: tick a person, save, see the record, in Dutch.
    frame.get_by_label("Dee Colleague").check()
    frame.locator("#moment-form button[type=submit]").click()
    frame.locator("#delivery-state").wait_for()
    assert frame.locator("#delivery-state").inner_text() == "Wacht op de LRS"
    assert_accessible(page.frame(name="tool"), "the Dutch record page")
    frame.get_by_role("link", name="Mijn registraties", exact=True).click()
    frame.locator("#records-count").wait_for()
    assert_accessible(page.frame(name="tool"), "the Dutch records list")
    # Nothing wider than the phone: the page does not scroll sideways.
    tool = page.frame(name="tool")
    assert tool is not None
    assert tool.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


def test_a_record_coaching_link_opens_the_coaching_form(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page()
    _add_graded_link(page, live_stack, "record-coaching", "Record coaching")
    page.click("#link-0-leader")
    frame = page.frame_locator("#tool")
    frame.locator("#moment-form").wait_for(timeout=20_000)
    # The link opened the empty coaching form of the course's team, not a record.
    assert frame.locator("h1").inner_text() == "Record coaching"
    assert "Bo Learner" in frame.locator("#moment-form").inner_text()
