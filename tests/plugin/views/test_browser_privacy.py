"""Privacy in a real browser, inside the demo LMS's iframe: a learner sees who
looked at their record and downloads their data; an L&D admin finds a
person, erases them, and every statement that named them is voided in the
real Learning Locker. axe-core runs on every page on the way."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import Person, PersonIdentifier, PrivacyAudit, StatementSubject

from .browser import LiveStack, assert_accessible
from .test_browser_leader import _open_as

pytestmark = pytest.mark.browser


def _person(stack: LiveStack, sub: str) -> int:
    with session_scope(stack.app) as session:
        found = session.scalar(
            select(PersonIdentifier.person_id).where(
                PersonIdentifier.key == f"account {stack.lms.url} {sub}"
            )
        )
    assert found is not None
    return int(found)


def test_a_learner_sees_who_looked_and_downloads_their_data(
    live_stack: LiveStack, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page()
    leader = _open_as(page, live_stack, "leader")
    # The leader opens a seeded session Bo attended.
    leader.get_by_role("link", name="Closing the month without overtime").click()
    leader.locator("#record-summary").wait_for(timeout=20_000)

    frame = _open_as(page, live_stack, "learner")
    frame.locator("#open-record").click()
    frame.locator("#looked").wait_for(timeout=20_000)
    assert "Ada" in frame.locator("#looked").inner_text()
    assert_accessible(page.frame(name="tool"), "the learning record with its views")
    frame.locator("#my-data").click()
    frame.locator("#export-form").wait_for()
    assert_accessible(page.frame(name="tool"), "my data")
    with page.expect_download() as download:
        frame.locator("#export-form button").click()
    target = tmp_path / "mine.zip"
    download.value.save_as(target)
    document = json.loads(
        zipfile.ZipFile(io.BytesIO(target.read_bytes())).read("leaderled-export.json")
    )
    assert [p["id"] for p in document["tables"]["person"]] == [_person(live_stack, "11")]
    assert document["tables"]["statement_subject"]
    frame.get_by_role("link", name="Privacy notice").click()
    frame.locator("#rights").wait_for()
    assert_accessible(page.frame(name="tool"), "the privacy notice")


def test_an_lnd_admin_erases_a_person_and_the_lrs_voids_their_statements(
    live_stack: LiveStack, browser: Any
) -> None:
    eli = _person(live_stack, "13")
    with session_scope(live_stack.app) as session:
        named = set(
            session.scalars(
                select(StatementSubject.statement_id).where(StatementSubject.person_id == eli)
            )
        )
    assert len(named) >= 4  # three sessions attended, a coaching moment
    live_stack.deliver()
    assert all(live_stack.statement(sid) is not None for sid in named)

    page = browser.new_page()
    frame = _open_as(page, live_stack, "admin")
    frame.get_by_role("link", name="Privacy", exact=True).click()
    frame.locator("#person-search").wait_for(timeout=20_000)
    assert_accessible(page.frame(name="tool"), "the privacy admin page")
    frame.get_by_label("LMS user id, email address, name or Leaderled id").fill("Eli")
    frame.locator("#person-search button").click()
    frame.locator("#people-found a").first.click()
    frame.locator("#held").wait_for()
    assert_accessible(page.frame(name="tool"), "a person's data")
    frame.locator("#erase").click()
    frame.locator("#planned").wait_for()
    assert_accessible(page.frame(name="tool"), "the erasure confirmation")
    frame.locator("#confirm-erase").click()
    frame.locator("#audit").wait_for()
    assert "Reference for the person who asked" in frame.locator(".notice").inner_text()
    assert_accessible(page.frame(name="tool"), "the erasure audit")

    with session_scope(live_stack.app) as session:
        assert session.get(Person, eli) is None
        (audit,) = session.scalars(select(PrivacyAudit))
        assert audit.statements_voided >= len(named)
    live_stack.deliver()
    for sid in named:
        assert live_stack.statement(sid) is None, sid
        assert live_stack.statement(sid, voided=True) is not None, sid
