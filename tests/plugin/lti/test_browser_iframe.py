"""A real browser: the tool launched inside an iframe of a page on another
site keeps its session (SameSite=None; Secure; Partitioned cookies)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from plugin.lti_platform.app import start_url
from plugin.lti_platform.presets import User
from plugin.lti_platform.server import serve_in_thread

from .conftest import LivePlatform, make_tool_app, register, spec_for, wipe

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def tool_on_localhost(database_url: str) -> Iterator[tuple[Flask, str]]:
    """The tool on http://localhost:<port> (a different site from 127.0.0.1)."""
    port = _free_port()
    url = f"http://localhost:{port}"
    app = make_tool_app(database_url, public_url=url)
    server = serve_in_thread(app, "localhost", port)
    try:
        yield app, url
    finally:
        server.stop()
        wipe(app)


def test_session_survives_inside_cross_site_iframe(
    tool_on_localhost: tuple[Flask, str], moodle: LivePlatform
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    app, tool_url = tool_on_localhost
    reg = register(app, moodle, tool_url=tool_url, client_id="browser-client")
    spec = spec_for(moodle, reg, user=User(sub="77", given_name="Dorothy", family_name="Vaughan"))
    start = start_url(moodle.app, reg, spec, base_url=moodle.url)
    course_page = moodle.url + "/course/" + start.rsplit("/", 1)[-1]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(course_page)
            frame = page.frame_locator("#tool")
            frame.locator("#who").wait_for(timeout=30_000)
            assert "Dorothy Vaughan" in frame.locator("#who").inner_text()
            tool_frame = page.frame(name="tool")
            assert tool_frame is not None
            assert tool_frame.url == tool_url + "/lti/launch"
            # The launch page's cookie check (fetch /lti/session) found the cookie,
            # so it keeps the "open in a new window" fallback hidden.
            frame.locator(".lti-home[data-cookie-check]").wait_for(timeout=30_000)
            assert tool_frame.locator(".lti-home").get_attribute("data-cookie-check") == "kept"
            assert tool_frame.locator("#new-window").count() == 1
            assert tool_frame.locator("#new-window").is_hidden()
            # The iframe's second request (a plain GET) must carry the session cookie.
            with tool_frame.expect_navigation(timeout=30_000):
                frame.locator("#again").click()
            assert tool_frame.url == tool_url + "/lti/home"
            assert tool_frame.locator("#role").inner_text() == "Leader"
            assert "Dorothy Vaughan" in tool_frame.locator("#who").inner_text()
            cookies = page.context.cookies(tool_url)
            session = [c for c in cookies if c["name"] == "leaderled_launch"]
            assert len(session) == 1
            assert session[0]["sameSite"] == "None"
            assert session[0]["secure"] is True
        finally:
            browser.close()


def test_platform_storage_replaces_a_dropped_login_cookie(
    tool_on_localhost: tuple[Flask, str], moodle: LivePlatform
) -> None:
    """The browser drops our cookie on the launch POST (as a browser blocking all
    third-party cookies does); the binding comes back through the LMS's
    lti.put_data / lti.get_data postMessage storage instead."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import Request, Route, sync_playwright

    app, tool_url = tool_on_localhost
    reg = register(app, moodle, tool_url=tool_url, client_id="storage-client")
    spec = spec_for(moodle, reg, user=User(sub="78", given_name="Mary", family_name="Jackson"))
    start = start_url(moodle.app, reg, spec, base_url=moodle.url, lti_storage_target="_parent")
    course_page = moodle.url + "/course/" + start.rsplit("/", 1)[-1]
    launch_posts: list[str] = []

    def record(request: Request) -> None:
        if request.url == tool_url + "/lti/launch":
            launch_posts.append(request.post_data or "")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.on("request", record)

            def drop_cookies(route: Route) -> None:
                # Between login and launch: the browser loses the tool's cookie.
                context.clear_cookies()
                route.continue_()

            page.route(moodle.url + "/auth?*", drop_cookies)
            page.goto(course_page)
            frame = page.frame_locator("#tool")
            frame.locator("#who").wait_for(timeout=30_000)
            assert "Mary Jackson" in frame.locator("#who").inner_text()
        finally:
            browser.close()
    assert len(launch_posts) == 2  # the form_post, then the relay with the stored binding
    assert "lti_storage_binding" not in launch_posts[0]
    assert "lti_storage_binding=" in launch_posts[1]


def test_new_window_fallback_when_the_iframe_keeps_no_cookie(
    tool_on_localhost: tuple[Flask, str], moodle: LivePlatform
) -> None:
    """The session cookie is lost inside the iframe: the launch page notices and
    offers a new window, which opens the same session first-party."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import Route, sync_playwright

    app, tool_url = tool_on_localhost
    reg = register(app, moodle, tool_url=tool_url, client_id="window-client")
    spec = spec_for(moodle, reg, user=User(sub="79", given_name="Annie", family_name="Easley"))
    start = start_url(moodle.app, reg, spec, base_url=moodle.url)
    course_page = moodle.url + "/course/" + start.rsplit("/", 1)[-1]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()

            def lose_cookies(route: Route) -> None:
                context.clear_cookies()
                route.continue_()

            page.route(tool_url + "/lti/session", lose_cookies)
            page.goto(course_page)
            frame = page.frame_locator("#tool")
            offer = frame.locator("#new-window")
            offer.wait_for(state="visible", timeout=30_000)
            with context.expect_page(timeout=30_000) as opened:
                offer.locator("a").click()
            window = opened.value
            window.locator("#role").wait_for(timeout=30_000)
            assert window.url == tool_url + "/lti/home"
            assert window.locator("#role").inner_text() == "Leader"
            assert "Annie Easley" in window.locator("#who").inner_text()
        finally:
            browser.close()
