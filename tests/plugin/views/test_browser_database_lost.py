"""In a real browser inside the demo LMS's iframe, 375 px wide, in English
and Dutch: a database connection lost under a page is the 503 page asking
to check and try again (axe-core clean), and the next load works.
A 405 page whose language choice meets the dead connection is that page too.
PostgreSQL only (the server ends the connections, as a restart does).
Screenshots go to /tmp/shots-database-lost/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import plugin.db
from plugin.db import get_db
from tests.plugin.postgres_faults import backends, postgres_only, terminate

from .browser import LiveStack, assert_accessible
from .test_browser_leader import _open_as

pytestmark = pytest.mark.browser

#: Screenshots of the pages, to look at (not compared).
SHOTS = Path("/tmp/shots-database-lost")
TRY_AGAIN = {"en": "check whether it was, then try again", "nl": "probeer het dan opnieuw"}
NOT_THAT_WAY = {
    "en": "This page cannot be used that way",
    "nl": "Deze pagina werkt zo niet",
}
#: What the tool's frame opens once the connections died, the status and words
#: expected: a page whose view meets the dead connection (503), and a GET of
#: the launch endpoint, a 405 routed before any view, whose page's language
#: choice is the request's first database use (not a bare 500).
OPENED = {
    "503": ("/library/", 503, TRY_AGAIN),
    "405": ("/lti/launch", 405, NOT_THAT_WAY),
}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("opened", sorted(OPENED))
def test_a_lost_connection_is_a_page_in_words_and_the_next_load_works(
    live_stack: LiveStack,
    browser: Any,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    opened: str,
    lang: str,
) -> None:
    url = postgres_only(database_url)
    monkeypatch.setattr(plugin.db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # never pinged
    page = browser.new_page(viewport={"width": 375, "height": 812})
    engine = get_db(live_stack.app).engine
    with backends(engine) as pids:
        frame = _open_as(page, live_stack, "leader", lang=lang)
        frame.locator("#record-coaching").wait_for(timeout=20_000)
    terminate(url, pids)

    path, status, words = OPENED[opened]
    tool = page.frame(name="tool")
    assert tool is not None
    lost = tool.goto(live_stack.tool_url + path)
    assert lost is not None
    assert lost.status == status
    assert words[lang] in frame.locator("main").inner_text()
    assert_accessible(tool, f"the {status} page after a lost connection ({lang})")
    SHOTS.mkdir(exist_ok=True)
    page.locator("#tool").screenshot(path=str(SHOTS / f"{status}-lost-connection-{lang}.png"))

    again = tool.goto(live_stack.tool_url + "/library/")
    assert again is not None
    assert again.status == 200
