"""The one new-window flow (issues 15.1 and 16.1): a login inside the LMS's
frame checks that the tool's cookie is kept before the platform spends its
one-time launch; when it is not (and the platform offers no storage), the
page offers the same login in a new window, where the LMS signs its own user
in again. No session or token moves between windows, so a link or form that
reaches another browser signs no one in."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from plugin.lti.session import BINDING_COOKIE, SESSION_COOKIE

from .conftest import NOTHING_STORED, LivePlatform, login, register, spec_for, stored

FRAMED = {"Sec-Fetch-Dest": "iframe"}


def _form(page: str) -> tuple[str, str, dict[str, str]]:
    """(action, target, hidden fields) of the new-window form."""
    form = re.search(r'<form method="post" action="([^"]+)" target="([^"]+)"', page)
    assert form is not None, page
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }
    return unescape(form.group(1)), form.group(2), fields


def _attribute(page: str, name: str) -> str:
    found = re.search(name + r'="([^"]+)"', page)
    assert found is not None, page
    return unescape(found.group(1))


def test_framed_login_checks_the_cookie_before_the_platform(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg)
    started = login(tool_client, moodle, reg, spec, **{})  # warm-up: not framed
    assert started.status_code == 302  # no Sec-Fetch-Dest: straight on, as before
    fresh = tool.test_client()
    params = moodle.platform.login_params(reg, spec_for(moodle, reg))
    page_response = fresh.get("/lti/login", query_string=params, headers=FRAMED)
    assert page_response.status_code == 200
    page = page_response.get_data(as_text=True)
    # The page goes on to the platform only once the cookie came back ...
    assert _attribute(page, "data-continue").startswith(moodle.url + "/auth?")
    check_url = _attribute(page, "data-cookie-check")
    assert check_url.startswith("/lti/login/check?state=")
    assert fresh.get(check_url).status_code == 200
    assert tool.test_client().get(check_url).status_code == 401  # another browser: lost
    # ... and otherwise offers the same login, posted (no URL token) to a new window.
    action, target, fields = _form(page)
    assert (action, target) == ("/lti/login", "_blank")
    assert fields == {k: v for k, v in params.items() if k != "lti_storage_target"}
    assert "Open Leaderled in a new window" in page
    assert "handoff" not in page
    assert "/lti/resume" not in page
    # Its script is a file of ours, and only the platform may frame the page.
    assert "/static/lti/new_window.js" in page
    policy = page_response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {moodle.url}" in policy
    assert f"form-action 'self' {moodle.url}" in policy
    assert stored(tool) == NOTHING_STORED


def test_framed_login_that_brings_the_cookie_goes_straight_on(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """A browser whose frame already sent our cookie keeps cookies there."""
    reg = register(tool, moodle)
    assert login(tool_client, moodle, reg, spec_for(moodle, reg)).status_code == 302
    assert tool_client.get_cookie(BINDING_COOKIE, path="/lti/") is not None
    params = moodle.platform.login_params(reg, spec_for(moodle, reg))
    again = tool_client.get("/lti/login", query_string=params, headers=FRAMED)
    assert again.status_code == 302


def test_new_window_completes_the_launch_first_party(tool: Flask, moodle: LivePlatform) -> None:
    """The frame loses every cookie; the new window posts the same login,
    the platform signs its user in there, and the launch completes there."""
    reg = register(tool, moodle)
    params = moodle.platform.login_params(reg, spec_for(moodle, reg))
    frame = tool.test_client(use_cookies=False)
    page = frame.post("/lti/login", data=params, headers=FRAMED).get_data(as_text=True)
    _, _, fields = _form(page)
    window = tool.test_client()
    started = window.post("/lti/login", data=fields, headers={"Sec-Fetch-Dest": "document"})
    assert started.status_code == 302
    action, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    landed = window.post(urlsplit(action).path, data=form)
    assert landed.status_code == 200, landed.get_data(as_text=True)
    assert ">Leader<" in landed.get_data(as_text=True)
    assert window.get("/lti/home").status_code == 200


def test_the_launch_page_carries_no_token_for_another_window(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """Nothing on the page signs another browser in: the old handoff link is gone."""
    from .conftest import launch

    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    page = response.get_data(as_text=True)
    assert "handoff" not in page
    assert "/lti/resume" not in page
    assert tool.test_client().get("/lti/resume?handoff=x").status_code == 404
    session_cookie = tool_client.get_cookie(SESSION_COOKIE)
    assert session_cookie is not None
    assert session_cookie.value not in page


def test_launch_without_the_cookie_says_what_happened(tool: Flask, moodle: LivePlatform) -> None:
    """The cookie check could not run (a browser without Fetch Metadata) and
    the frame dropped the cookie: the refusal names the cookie, not another browser."""
    reg = register(tool, moodle)
    frame = tool.test_client(use_cookies=False)
    started = frame.get(
        "/lti/login", query_string=moodle.platform.login_params(reg, spec_for(moodle, reg))
    )
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    refused = frame.post("/lti/launch", data=form)
    assert refused.status_code == 400
    text = unescape(refused.get_data(as_text=True))
    assert "did not send back Leaderled's sign-in cookie" in text
    assert "Open Leaderled in a new window" in text
    assert "different browser" not in text
    assert stored(tool) == NOTHING_STORED
