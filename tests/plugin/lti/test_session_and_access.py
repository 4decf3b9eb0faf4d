"""After the launch: the session check, LTI platform storage when the
iframe keeps no cookie, role checks for later pages, deep-linking hand-over."""

from __future__ import annotations

import importlib.machinery
import re
import sys
import types
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from plugin.lti.access import current_launch, require_role
from plugin.lti.validation import ValidatedLaunch
from plugin.models import Role

from .conftest import NOTHING_STORED, LivePlatform, launch, login, register, spec_for, stored


def test_session_check_reports_whether_the_cookie_came_back(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    assert tool_client.get("/lti/session").status_code == 401
    launch(tool_client, moodle, reg, spec_for(moodle, reg, role="admin"))
    check = tool_client.get("/lti/session")
    assert check.status_code == 200
    assert check.get_json() == {"kept": True, "role": "lnd_admin"}


def _storage_login(page: str) -> tuple[str, str]:
    """(platform auth URL, binding secret) the storage page hands its script."""
    auth = re.search(r'data-auth-url="([^"]+)"', page)
    value = re.search(r'data-value="([^"]+)"', page)
    assert auth is not None, page
    assert value is not None, page
    return unescape(auth.group(1)), unescape(value.group(1))


def test_platform_storage_binds_the_login_when_cookies_are_blocked(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg), lti_storage_target="_parent")
    page = started.get_data(as_text=True)
    assert started.status_code == 200
    assert "/static/lti/storage_login.js" in page
    auth_url, binding = _storage_login(page)
    _action, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(auth_url).query)))
    cookieless = tool.test_client()  # the iframe's browser dropped our cookie
    relay = cookieless.post("/lti/launch", data=form)
    assert relay.status_code == 200
    assert "/static/lti/storage_launch.js" in relay.get_data(as_text=True)
    assert stored(tool) == NOTHING_STORED
    own_page = {"Origin": "http://localhost"}  # the relay page is the tool's own
    wrong = tool.test_client().post(
        "/lti/launch", data={**form, "lti_storage_binding": "-"}, headers=own_page
    )
    assert wrong.status_code == 400
    launch_form = {**form, "lti_storage_binding": binding}
    # The state was spent by the wrong attempt; a new login is needed, as for any failure.
    assert cookieless.post("/lti/launch", data=launch_form, headers=own_page).status_code == 400
    started = login(tool_client, moodle, reg, spec_for(moodle, reg), lti_storage_target="_parent")
    auth_url, binding = _storage_login(started.get_data(as_text=True))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(auth_url).query)))
    done = tool.test_client().post(
        "/lti/launch", data={**form, "lti_storage_binding": binding}, headers=own_page
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    assert ">Leader<" in done.get_data(as_text=True)


@pytest.fixture
def guarded(tool: Flask) -> Flask:
    """A later page, as other areas of the product will write them."""
    bp = Blueprint("guarded", __name__)

    @bp.get("/guarded/leaders")
    @require_role(Role.LEADER, Role.LND_ADMIN)
    def leaders_only() -> str:
        launch = current_launch()
        assert launch is not None
        return f"hello {launch.role.value}"

    tool.register_blueprint(bp)
    return tool


def test_require_role_gives_a_clear_403(guarded: Flask, moodle: LivePlatform) -> None:
    reg = register(guarded, moodle)
    nobody = guarded.test_client()
    assert nobody.get("/guarded/leaders").status_code == 401
    learner = guarded.test_client()
    launch(learner, moodle, reg, spec_for(moodle, reg, role="learner"))
    refused = learner.get("/guarded/leaders")
    assert refused.status_code == 403
    assert "This page is for: L&D admin, Leader. You launched as Learner" in unescape(
        refused.get_data(as_text=True)
    )
    leader = guarded.test_client()
    launch(leader, moodle, reg, spec_for(moodle, reg, role="leader"))
    assert leader.get("/guarded/leaders").get_data(as_text=True) == "hello leader"


def test_deep_linking_without_handler_is_a_clear_501(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("plugin.views.lti.DEEP_LINKING_MODULE", "plugin.lti.no_such_module")
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg, deep_linking=True, deep_linking_return_url=moodle.url + "/dl")
    response, _ = launch(tool_client, moodle, reg, spec)
    assert response.status_code == 501
    assert "Deep linking not available yet" in response.get_data(as_text=True)


def test_deep_linking_is_handed_to_the_handler(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[ValidatedLaunch] = []
    handler = types.ModuleType("leaderled_test_deep_linking")
    handler.__spec__ = importlib.machinery.ModuleSpec(handler.__name__, None)

    def start(validated: ValidatedLaunch) -> str:
        seen.append(validated)
        return "picker"

    handler.start = start  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, handler.__name__, handler)
    monkeypatch.setattr("plugin.views.lti.DEEP_LINKING_MODULE", handler.__name__)
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg, deep_linking=True, deep_linking_return_url=moodle.url + "/dl")
    response, _ = launch(tool_client, moodle, reg, spec)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "picker"
    settings = seen[0].claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert settings["deep_link_return_url"] == moodle.url + "/dl"


def test_flask_session_cookie_is_iframe_safe_too(tool: Flask) -> None:
    """CSRF tokens of forms inside the LMS iframe live in Flask's session cookie."""
    from flask import session

    @tool.get("/test-sets-session")
    def sets_session() -> str:
        session["seen"] = True
        return "ok"

    response = tool.test_client().get("/test-sets-session")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert attribute in cookie
