"""In a real browser inside the demo LMS's iframe, L&D's operations page:
two statements the LRS refused show its reasons. One is refused by Learning
Locker itself (an mbox that is no e-mail address): no fix makes it
acceptable, so it is discarded after the confirmation step. The other is
refused by the LRS's policy (an activity it does not know yet, a gate in
front of the real Learning Locker); once the LRS's administrator fixes that,
"Send again" queues it and it arrives in Learning Locker, unchanged.
axe-core runs on every page; screenshots go to /tmp/shots-ops/."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import OutboxRow, OutboxState
from plugin.services import outbox
from tests.plugin.core.core_helpers import attended_statements, session_activity

from .browser import LiveStack, assert_accessible
from .lrs_policy_proxy import PolicyProxy
from .test_browser_leader import _open_as

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-ops")
STYLE = Path(__file__).resolve().parents[3] / "plugin" / "static" / "leaderled.css"


def _shot(browser: Any, page: Any, name: str) -> None:
    """The tool's frame as it is now, whole (the LMS page cuts it at the iframe's height)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tool = page.frame(name="tool")
    whole = browser.new_page(viewport={"width": 800, "height": 600})
    try:
        whole.set_content(tool.content())
        whole.add_style_tag(content=Path(STYLE).read_text(encoding="utf-8"))
        whole.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    finally:
        whole.close()


def test_parked_statements_show_the_lrs_reason_and_are_sent_again_after_the_fix(
    live_stack: LiveStack, browser: Any
) -> None:
    welcome, unknown = session_activity(), session_activity()
    fine = attended_statements(welcome, 2)
    (gated,) = attended_statements(unknown, 1)
    poison = attended_statements(welcome, 1)[0]
    poison["actor"] = {"objectType": "Agent", "mbox": "not-an-email"}
    with session_scope(live_stack.app) as session:
        outbox.enqueue(session, [*fine, gated, poison])

    upstream = urlsplit(live_stack.settings.lrs_endpoint)
    with PolicyProxy(f"{upstream.scheme}://{upstream.netloc}", unknown.id) as gate:
        live_stack.app.config["LEADERLED"] = replace(
            live_stack.settings, lrs_endpoint=gate.endpoint(upstream.path)
        )
        assert live_stack.deliver() == live_stack.seeded.statements + 2
        with session_scope(live_stack.app) as session:
            parked = set(
                session.scalars(
                    select(OutboxRow.statement_id).where(OutboxRow.state == OutboxState.PARKED)
                )
            )
        assert parked == {gated["id"], poison["id"]}

        page = browser.new_page(viewport={"width": 1100, "height": 900})
        frame = _open_as(page, live_stack, "admin")
        frame.get_by_role("link", name="Operations").click()
        frame.locator("#lrs-default").wait_for(timeout=20_000)
        tool = page.frame(name="tool")
        assert_accessible(tool, "the operations page")
        _shot(browser, page, "1-operations-two-parked")
        gated_item = frame.locator(f"#parked-{gated['id']}")
        assert "is not registered with this LRS" in gated_item.inner_text()
        poison_item = frame.locator(f"#parked-{poison['id']}")
        assert "mbox" in poison_item.inner_text()  # Learning Locker's own words
        assert "2 statements were refused by the LRS" in frame.locator("main").inner_text()

        # No fix makes "not-an-email" an address: discard it, after saying yes.
        poison_item.get_by_role("link", name="Discard").click()
        frame.locator("#confirm-discard").wait_for()
        assert_accessible(page.frame(name="tool"), "the discard confirmation")
        _shot(browser, page, "2-discard-confirmation")
        frame.locator("#confirm-discard").click()
        frame.get_by_text("Discarded. This statement will not be sent to the LRS.").wait_for()
        assert frame.locator(f"#parked-{poison['id']}").count() == 0

        # The LRS's administrator registers the activity; then send it again.
        gate.allow()
        frame.locator(f"#parked-{gated['id']}").get_by_role("button", name="Send again").click()
        frame.get_by_text("Queued again.").wait_for()
        assert_accessible(page.frame(name="tool"), "the operations page after the re-send")
        assert frame.locator(f"#parked-{gated['id']}").count() == 0
        assert live_stack.deliver() == 1
        assert gate.posted[gated["id"]] >= 2  # refused once, then sent again

        frame.get_by_role("link", name="Operations").click()
        frame.locator("#lrs-default").wait_for()
        _shot(browser, page, "3-after-the-fix")
        assert "None: the LRS accepted every statement." in frame.locator("main").inner_text()

    live_stack.app.config["LEADERLED"] = replace(
        live_stack.settings, lrs_endpoint=live_stack.lrs.endpoint
    )  # straight to Learning Locker: is it there?
    stored = live_stack.statement(gated["id"])
    assert stored is not None
    assert stored["object"]["id"] == unknown.id
    assert json.loads(json.dumps(stored["actor"])) == gated["actor"]
    assert live_stack.statement(poison["id"]) is None
    with session_scope(live_stack.app) as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.statement_id == gated["id"]))
        assert row is not None
        assert row.state is OutboxState.STORED
        assert row.statement_json == outbox.statement_text(gated)  # the same bytes


def test_the_lrs_check_button_runs_against_learning_locker(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    frame = _open_as(page, live_stack, "admin")
    frame.get_by_role("link", name="Operations").click()
    frame.locator("#run-check").click()
    frame.locator("#check-passed").wait_for(timeout=30_000)
    assert_accessible(page.frame(name="tool"), "the LRS check result")
    _shot(browser, page, "4-lrs-check")
    assert "credentials accepted" in frame.locator("#check-lines").inner_text()
