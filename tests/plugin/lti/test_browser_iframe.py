"""A real browser: the tool launched inside an iframe of a page on another
site keeps its session (SameSite=None; Secure; Partitioned cookies); where the
iframe keeps no cookie at all, the login offers a new window that signs in
through the LMS again, and that offer signs no other browser in."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from flask import Flask

from plugin.lti_platform.app import start_url
from plugin.lti_platform.presets import User
from plugin.lti_platform.server import listening_socket, serve_in_thread

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

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Route


@pytest.fixture
def tool_on_localhost(database_url: str) -> Iterator[tuple[Flask, str]]:
    """The tool on http://localhost:<port> (a different site from 127.0.0.1)."""
    sock = listening_socket("localhost")
    port = sock.getsockname()[1]
    url = f"http://localhost:{port}"
    app = make_tool_app(database_url, public_url=url)
    server = serve_in_thread(app, "localhost", port, sock=sock)
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
            frame.locator("#who").wait_for(timeout=60_000)
            assert "Dorothy Vaughan" in frame.locator("#who").inner_text()
            tool_frame = page.frame(name="tool")
            assert tool_frame is not None
            assert tool_frame.url == tool_url + "/lti/launch"
            # The launch page's cookie check (fetch /lti/session) found the cookie,
            # so it keeps the "open in a new window" fallback hidden.
            frame.locator(".lti-home[data-cookie-result]").wait_for(timeout=60_000)
            assert tool_frame.locator(".lti-home").get_attribute("data-cookie-result") == "kept"
            assert tool_frame.locator("#new-window").count() == 1
            assert tool_frame.locator("#new-window").is_hidden()
            # The iframe's second request (a plain GET) must carry the session cookie.
            with tool_frame.expect_navigation(timeout=60_000):
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
    from playwright.sync_api import sync_playwright

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
                # Between login and launch: the browser loses the tool's cookie
                # (the LMS keeps its own session).
                context.clear_cookies(domain="localhost")
                route.continue_()

            page.route(moodle.url + "/auth?*", drop_cookies)
            page.goto(course_page)
            frame = page.frame_locator("#tool")
            frame.locator("#who").wait_for(timeout=60_000)
            assert "Mary Jackson" in frame.locator("#who").inner_text()
        finally:
            browser.close()
    assert len(launch_posts) == 2  # the form_post, then the relay with the stored binding
    assert "lti_storage_binding" not in launch_posts[0]
    assert "lti_storage_binding=" in launch_posts[1]


def _cookieless_frames(page: Page, tool_url: str) -> None:
    """The browser keeps no cookie for the tool inside the iframe (Safari's
    default; Chrome with the tool's site blocked): every request a child frame
    of ``page`` makes to the tool is sent from here without cookies, and its
    answer reaches the frame without Set-Cookie. Top-level windows are untouched."""

    def relay(route: Route, request: Request) -> None:
        if request.frame.parent_frame is None:
            route.continue_()
            return
        headers = {
            k: v
            for k, v in request.all_headers().items()
            if k.lower() not in ("cookie", "host", "content-length") and not k.startswith(":")
        }
        answer = requests.request(
            request.method,
            request.url,
            headers=headers,
            data=request.post_data_buffer,
            allow_redirects=False,
            timeout=30,
        )
        kept = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in ("set-cookie", "content-length", "transfer-encoding", "connection")
        }
        route.fulfill(status=answer.status_code, headers=kept, body=answer.content)

    page.route(tool_url + "/**", relay)


def test_new_window_when_the_iframe_keeps_no_cookie(
    tool_on_localhost: tuple[Flask, str], moodle: LivePlatform
) -> None:
    """Tool cookies blocked inside the iframe and no platform storage (Moodle
    4.3): the login's cookie check offers a new window before the platform's
    one-time launch is spent; one click ends on the working launch page there."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

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
            _cookieless_frames(page, tool_url)
            page.goto(course_page)
            frame = page.frame_locator("#tool")
            offer = frame.locator("#new-window")
            offer.wait_for(state="visible", timeout=60_000)
            assert frame.locator("#cookie-check").get_attribute("data-cookie-result") == "lost"
            with context.expect_page(timeout=60_000) as opened:
                frame.locator("#new-window-button").click()
            window = opened.value
            window.locator("#role").wait_for(timeout=60_000)
            assert window.url == tool_url + "/lti/launch"
            assert window.locator("#role").inner_text() == "Leader"
            assert "Annie Easley" in window.locator("#who").inner_text()
            frame.locator("#new-window-opened").wait_for(state="visible", timeout=60_000)
            # The new window's session works for its next page too.
            window.locator("#again").click()
            window.wait_for_url(tool_url + "/lti/home", timeout=60_000)
            assert window.locator("#role").inner_text() == "Leader"
        finally:
            browser.close()


def test_new_window_offer_signs_no_other_browser_in(
    tool_on_localhost: tuple[Flask, str], moodle: LivePlatform
) -> None:
    """Issue 16.1: a learner sends what the new-window offer carries to another
    person (an L&D admin signed in to the LMS as themself). Opened in that
    browser it ends at the LMS, which refuses: the launch is not theirs. The
    learner's own new window still works afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    app, tool_url = tool_on_localhost
    reg = register(app, moodle, tool_url=tool_url, client_id="csrf-client")
    learner = spec_for(moodle, reg, role="learner", user=User(sub="11", given_name="Bo"))
    start = start_url(moodle.app, reg, learner, base_url=moodle.url)
    learner_course = moodle.url + "/course/" + start.rsplit("/", 1)[-1]
    admin = spec_for(moodle, reg, role="admin", user=User(sub="1", given_name="Cy"))
    admin_start = start_url(moodle.app, reg, admin, base_url=moodle.url)
    admin_course = moodle.url + "/course/" + admin_start.rsplit("/", 1)[-1]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            learner_context = browser.new_context()
            page = learner_context.new_page()
            _cookieless_frames(page, tool_url)
            page.goto(learner_course)
            frame = page.frame_locator("#tool")
            frame.locator("#new-window").wait_for(state="visible", timeout=60_000)
            form = frame.locator("#new-window-form")
            fields = {
                str(field.get_attribute("name")): str(field.get_attribute("value"))
                for field in form.locator("input[type=hidden]").all()
            }
            assert fields["login_hint"] == "11"

            victim = browser.new_context()
            victim_page = victim.new_page()
            victim_page.goto(admin_course)  # signed in to the LMS as the admin
            victim_page.frame_locator("#tool").locator("#who").wait_for(timeout=60_000)
            inputs = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in fields.items()
            )
            victim_page.set_content(
                f'<form id="f" method="post" action="{tool_url}/lti/login">{inputs}</form>'
            )
            with victim_page.expect_navigation(timeout=60_000):
                victim_page.evaluate("document.getElementById('f').submit()")
            victim_page.wait_for_load_state()
            assert "Authorization refused" in victim_page.content()
            assert victim_page.url.startswith(moodle.url + "/auth")
            # Whatever tool session the victim's browser holds is still their own.
            sessions = [c for c in victim.cookies(tool_url) if c["name"] == "leaderled_launch"]
            assert len(sessions) == 1
            home = victim_page.request.get(tool_url + "/lti/home")
            assert home.status == 200
            assert 'id="role">L&D admin<' in home.text().replace("&amp;", "&")
            assert "signed in as <strong>Bo" not in home.text()  # (Bo is in the roster)

            with learner_context.expect_page(timeout=60_000) as opened:
                frame.locator("#new-window-button").click()
            window = opened.value
            window.locator("#role").wait_for(timeout=60_000)
            assert window.locator("#role").inner_text() == "Learner"
        finally:
            browser.close()
