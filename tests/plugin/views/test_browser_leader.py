"""A leader in a real browser, inside the demo LMS's iframe (another site):
records a coaching moment in three steps, a knowledge session with three
attendees, changes and deletes it; every statement checked in the real
Learning Locker, and axe-core run on every page on the way."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, OutboxRow
from plugin.models.records import RecordKind
from statements import vocabulary as v

from .browser import LiveStack, assert_accessible

pytestmark = pytest.mark.browser


def _latest(stack: LiveStack, kind: RecordKind) -> LeaderLedRecord:
    with session_scope(stack.app) as session:
        row = session.scalar(
            select(LeaderLedRecord)
            .where(LeaderLedRecord.kind == kind)
            .order_by(LeaderLedRecord.id.desc())
            .limit(1)
        )
        assert row is not None
        session.expunge(row)
        return row


def _statement_ids(stack: LiveStack, record_id: int) -> list[str]:
    with session_scope(stack.app) as session:
        return list(
            session.scalars(
                select(OutboxRow.statement_id)
                .where(OutboxRow.record_id == record_id)
                .order_by(OutboxRow.id)
            )
        )


def _open_as(page: Any, stack: LiveStack, role: str, **params: str) -> Any:
    query = "&".join(f"{k}={val}" for k, val in params.items())
    page.goto(stack.lms.url + "/")
    page.evaluate(
        "([role, query]) => { document.getElementById('tool').src ="
        " '/demo/launch/' + role + '?target=iframe' + (query ? '&' + query : ''); }",
        [role, query],
    )
    return page.frame_locator("#tool")


def test_a_leader_records_a_coaching_moment_in_three_steps(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page()
    frame = _open_as(page, live_stack, "leader")
    frame.locator("#record-coaching").wait_for(timeout=20_000)
    assert_accessible(page.frame(name="tool"), "the leader's launch page")

    frame.locator("#record-coaching").click()  # 1: from the launch page to the form
    frame.locator("#moment-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the coaching form")
    frame.get_by_label("Bo Learner").check()  # 2: who (now, 15 minutes are the defaults)
    frame.locator("#moment-form button[type=submit]").click()  # 3: save
    frame.locator("#delivery-state").wait_for()
    assert_accessible(page.frame(name="tool"), "the record page")

    row = _latest(live_stack, RecordKind.COACHING_MOMENT)
    (statement_id,) = _statement_ids(live_stack, row.id)
    live_stack.deliver()
    stored = live_stack.statement(statement_id)
    assert stored is not None
    base = live_stack.settings.resolved_profile_base
    lms = live_stack.lms.url
    assert stored["actor"]["account"] == {"homePage": lms, "name": "2"}
    assert stored["verb"]["id"] == v.COACHED.iri(base)
    assert stored["object"]["id"] == row.activity_iri
    learner = stored["context"]["extensions"][v.LEARNER.iri(base)]
    assert learner["account"] == {"homePage": lms, "name": "11"}
    assert stored["result"]["duration"] == "PT15M"
    categories = [c["id"] for c in stored["context"]["contextActivities"]["category"]]
    assert v.version_iri(base) in categories


def test_a_knowledge_session_is_recorded_changed_and_deleted(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page()
    frame = _open_as(page, live_stack, "leader")
    frame.locator("#record-session").click(timeout=20_000)
    frame.locator("#session-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the knowledge session form")
    frame.locator("#title").fill("Reading the monthly margin report")
    frame.get_by_label("Operations").check()
    for name in ("Bo Learner", "Dee Colleague", "Eli Newcomer"):
        frame.get_by_label(name).check()
    frame.locator("#minutes").fill("50")
    frame.locator("#session-form button[type=submit]").click()
    frame.locator("#delivery-state").wait_for()
    assert frame.locator("#participants li").count() == 3

    row = _latest(live_stack, RecordKind.KNOWLEDGE_SESSION)
    first = _statement_ids(live_stack, row.id)
    assert len(first) == 4  # taught + three attended
    live_stack.deliver()
    base = live_stack.settings.resolved_profile_base
    taught = live_stack.statement(first[0])
    assert taught is not None
    assert taught["result"]["extensions"][v.ATTENDEE_COUNT.iri(base)] == 3
    attendees = {live_stack.statement(i)["actor"]["account"]["name"] for i in first[1:]}  # type: ignore[index]
    assert attendees == {"11", "12", "13"}

    frame.locator("#edit").click()
    frame.locator("#session-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the edit form")
    frame.get_by_label("Eli Newcomer").uncheck()
    frame.locator("#session-form button[type=submit]").click()
    frame.locator("#delivery-state").wait_for()
    live_stack.deliver()
    after_edit = _statement_ids(live_stack, row.id)
    voids, new = after_edit[4:8], after_edit[8:]
    assert len(voids) == 4
    assert len(new) == 3  # taught + two attended
    for old in first:  # voided statements only come back by voidedStatementId
        assert live_stack.statement(old) is None
        assert live_stack.statement(old, voided=True) is not None
    new_taught = live_stack.statement(new[0])
    assert new_taught is not None
    assert new_taught["result"]["extensions"][v.ATTENDEE_COUNT.iri(base)] == 2
    assert new_taught["object"]["id"] == taught["object"]["id"]

    frame.locator("#delete").click()
    frame.locator("#confirm-delete").wait_for()
    assert_accessible(page.frame(name="tool"), "the delete confirmation")
    frame.locator("#confirm-delete").click()
    frame.locator("#records-count").wait_for()
    live_stack.deliver()
    for current in new:
        assert live_stack.statement(current) is None
        assert live_stack.statement(current, voided=True) is not None
