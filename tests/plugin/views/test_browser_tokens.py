"""In a real browser inside the demo LMS's iframe: a leader creates a
personal API token, a script records a coaching moment with it, and the
statement arrives in the real Learning Locker; the leader revokes the token
and the script is refused. axe-core runs on the token page on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from statements import vocabulary as v

from .browser import LiveStack, assert_accessible
from .test_browser_leader import _open_as

pytestmark = pytest.mark.browser


def test_a_leader_creates_a_token_records_through_the_api_and_revokes_it(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page()
    frame = _open_as(page, live_stack, "leader")
    frame.locator("#record-coaching").wait_for(timeout=20_000)
    frame.get_by_role("link", name="API tokens").click()
    frame.locator("#token-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the API token page")
    frame.locator("#name").fill("My coaching bot")
    frame.locator("#token-form button[type=submit]").click()
    frame.locator("#new-token").wait_for()
    assert_accessible(page.frame(name="tool"), "the new token")
    secret = frame.locator("#new-token-value").input_value()
    assert secret.startswith("llt_")

    api = live_stack.tool_url + "/api/v1"
    headers = {"Authorization": f"Bearer {secret}"}
    members = requests.get(
        f"{api}/teams/{live_stack.seeded.team_id}/members", headers=headers, timeout=10
    )
    assert members.status_code == 200
    learner = next(m for m in members.json()["members"] if m["role"] == "learner")
    made = requests.post(
        f"{api}/moments",
        json={
            "kind": "coaching",
            "people": [learner["person_id"]],
            "minutes": 20,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        },
        headers=headers,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    (statement_id,) = made.json()["statement_ids"]
    live_stack.deliver()
    stored = live_stack.statement(statement_id)
    assert stored is not None
    base = live_stack.settings.resolved_profile_base
    assert stored["verb"]["id"] == v.COACHED.iri(base)
    assert stored["result"]["duration"] == "PT20M"

    frame.get_by_role("button", name="Revoke My coaching bot").click()
    frame.get_by_text("Calls with this token are refused from now on.").wait_for()
    refused = requests.get(f"{api}/me", headers=headers, timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"


def test_l_and_d_imports_a_file_with_the_upload_progress_controller(
    live_stack: LiveStack, browser: Any
) -> None:
    page = browser.new_page()
    frame = _open_as(page, live_stack, "admin")
    frame.get_by_role("link", name="Import").click()
    frame.locator("#import-form").wait_for()
    assert_accessible(page.frame(name="tool"), "the import page")
    # LMS user ids, semicolons and Windows-1252, as Dutch Excel saves it.
    rows = "kind;leader;occurred_at;minutes;people;topic;title\n" + "".join(
        f"coaching;2;2024-0{month}-10 09:30;25;11|12;products;Gesprek café {month}\n"
        for month in range(1, 4)
    )
    data = rows.encode("cp1252")
    tool = page.frame(name="tool")
    tool.evaluate("window.sameDocument = true")  # gone if the form navigated
    frame.locator("#file").set_input_files(
        files=[{"name": "oude-sessies.csv", "mimeType": "text/csv", "buffer": data}]
    )
    frame.locator("#import-form button[type=submit]").click()
    frame.locator("#import-done").wait_for(timeout=30_000)
    assert "Imported 3 records." in frame.locator("#import-done").inner_text()
    assert tool.evaluate("window.sameDocument") is True  # the controller sent it
    assert_accessible(page.frame(name="tool"), "the import result")
    # The same file again, through the controller on the replaced page: nothing added.
    frame.locator("#file").set_input_files(
        files=[{"name": "oude-sessies.csv", "mimeType": "text/csv", "buffer": data}]
    )
    frame.locator("#import-form button[type=submit]").click()
    frame.get_by_text("3 rows were imported before and were skipped.").wait_for(timeout=30_000)
    assert "Imported 0 records." in frame.locator("#import-done").inner_text()
