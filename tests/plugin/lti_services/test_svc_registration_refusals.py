"""Dynamic registration against a hostile or broken platform: every refusal
is a 4xx page an LMS admin can act on, and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from lti_svc_helpers import LiveTool, serve
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.lti import outbound
from plugin.models.lti import LtiClient, LtiDeployment, LtiPlatform

NOTHING = {"lti_platform": 0, "lti_client": 0, "lti_deployment": 0}


def registrations(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (LtiPlatform, LtiClient, LtiDeployment)
        }


class Hostile:
    """A platform whose configuration and registration answer are set per test."""

    def __init__(self) -> None:
        self.url = ""
        self.config: dict[str, Any] = {}
        self.answer: tuple[int, dict[str, Any]] = (200, {"client_id": "c1"})
        self.registrations = 0
        self.next_client = 0

    def document(self) -> dict[str, Any]:
        url = self.url
        return {
            "issuer": url,
            "authorization_endpoint": url + "/auth",
            "token_endpoint": url + "/token",
            "jwks_uri": url + "/jwks",
            "registration_endpoint": url + "/register",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "messages_supported": [{"type": "LtiResourceLinkRequest"}]
            },
        } | self.config


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    state = Hostile()
    app = Flask("hostile-platform")

    @app.get("/cfg")
    def cfg() -> ResponseReturnValue:
        return jsonify(state.document())

    @app.get("/elsewhere")
    def elsewhere() -> ResponseReturnValue:
        return redirect("http://169.254.169.254/latest/meta-data/", code=302)

    @app.post("/register")
    def register() -> ResponseReturnValue:
        request.get_json()
        state.registrations += 1
        status, body = state.answer
        if body.get("client_id") == "fresh":
            state.next_client += 1
            body = body | {"client_id": f"fresh-{state.next_client}"}
        return jsonify(body), status

    @app.post("/register-redirect")
    def register_redirect() -> ResponseReturnValue:
        state.registrations += 1
        return redirect("http://169.254.169.254/", code=307)

    for served in serve(app):
        state.url = served.url
        yield state


def _register(tool: LiveTool, url: str) -> tuple[int, str]:
    response = tool.client.get(
        "/lti/register", query_string={"openid_configuration": url, "registration_token": "t"}
    )
    return response.status_code, response.get_data(as_text=True)


def _strict(tool: LiveTool) -> None:
    """The production default: no private or loopback URLs."""
    tool.app.config["LTI_ALLOW_PRIVATE_URLS"] = False
    tool.app.extensions.pop("leaderled.lti_settings", None)


def test_private_configuration_url_refused_by_default(
    live_tool: LiveTool, hostile: Hostile
) -> None:
    _strict(live_tool)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "private or local network address" in page
    assert "LTI_ALLOW_PRIVATE_URLS" in page
    assert registrations(live_tool.app) == NOTHING


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.1/x",
        "http://172.16.0.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://[fd00::1]/x",
        "http://[fe80::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://224.0.0.1/x",
        "http://0.0.0.0/x",
        "http://240.0.0.1/x",
    ],
)
def test_outbound_refuses_internal_addresses(url: str) -> None:
    with pytest.raises(outbound.OutboundRefused, match="private or local network"):
        outbound.check_url(url, allow_private=False)
    outbound.check_url(url, allow_private=True)


def test_outbound_allows_public_addresses() -> None:
    outbound.check_url("https://93.184.215.14/", allow_private=False)
    outbound.check_url("http://[2606:4700::1111]/", allow_private=False)


def test_internal_registration_endpoint_refused(live_tool: LiveTool, hostile: Hostile) -> None:
    """The configuration (allowed in tests) names an internal registration endpoint:
    the check runs on every outbound URL, not only the first."""
    hostile.config = {"registration_endpoint": "http://169.254.169.254/latest/meta-data/"}
    live_tool.app.config["LTI_ALLOW_PRIVATE_URLS"] = True
    real_check = outbound.check_url

    def check(url: str, *, allow_private: bool) -> None:
        # Loopback stands in for the LMS; everything else is checked for real.
        real_check(url, allow_private=url.startswith(hostile.url))

    outbound_check = pytest.MonkeyPatch()
    outbound_check.setattr(outbound, "check_url", check)
    try:
        status, page = _register(live_tool, hostile.url + "/cfg")
    finally:
        outbound_check.undo()
    assert status == 400, page
    assert "169.254.169.254" in page
    assert "private or local network address" in page
    assert registrations(live_tool.app) == NOTHING


def test_configuration_redirect_not_followed(live_tool: LiveTool, hostile: Hostile) -> None:
    status, page = _register(live_tool, hostile.url + "/elsewhere")
    assert status == 400, page
    assert "answered HTTP 302" in page
    assert registrations(live_tool.app) == NOTHING


def test_registration_redirect_not_followed(live_tool: LiveTool, hostile: Hostile) -> None:
    hostile.config = {"registration_endpoint": hostile.url + "/register-redirect"}
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "refused the registration (HTTP 307)" in page
    assert hostile.registrations == 1
    assert registrations(live_tool.app) == NOTHING


def test_oversized_configuration_refused(live_tool: LiveTool, hostile: Hostile) -> None:
    hostile.config = {"padding": "x" * (outbound.MAX_BODY + 10)}
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "larger than" in page
    assert registrations(live_tool.app) == NOTHING


def test_platform_error_description_is_sanitised(live_tool: LiveTool, hostile: Hostile) -> None:
    nasty = "bad token\n<script>alert(1)</script>" + "y" * 5000
    hostile.answer = (400, {"error": "invalid_token", "error_description": nasty})
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "refused the registration (HTTP 400): bad token?" in page
    assert "<script>alert(1)" not in page
    assert "y" * 200 not in page
    assert registrations(live_tool.app) == NOTHING


def test_refusal_log_line_is_one_line(
    live_tool: LiveTool, hostile: Hostile, caplog: pytest.LogCaptureFixture
) -> None:
    hostile.answer = (400, {"error_description": "line one\nFAKE log entry"})
    with caplog.at_level("INFO"):
        status, _ = _register(live_tool, hostile.url + "/cfg")
    assert status == 400
    refused = [r.getMessage() for r in caplog.records if "registration refused" in r.getMessage()]
    assert refused
    assert all("\n" not in line for line in refused)


def test_registrations_without_deployment_count_towards_the_cap(
    live_tool: LiveTool, hostile: Hostile
) -> None:
    """A platform that answers without a deployment_id adds a client each time;
    those wait for approval like pending deployments and are capped the same."""
    live_tool.app.config["LTI_MAX_PENDING_REGISTRATIONS"] = 2
    hostile.answer = (200, {"client_id": "fresh"})
    assert _register(live_tool, hostile.url + "/cfg")[0] == 200
    assert _register(live_tool, hostile.url + "/cfg")[0] == 200
    before = registrations(live_tool.app)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 429, page
    assert "2 registrations are already waiting for approval" in page
    assert hostile.registrations == 2  # refused before calling the platform
    assert (
        registrations(live_tool.app)
        == before
        == {
            "lti_platform": 1,
            "lti_client": 2,
            "lti_deployment": 0,
        }
    )


@pytest.mark.parametrize(
    ("config", "answer", "phrase"),
    [
        ({"issuer": "http://127.0.0.1:99999"}, None, "lacks issuer"),
        ({"issuer": "http://[::1"}, None, "lacks issuer"),
        ({"jwks_uri": "http://127.0.0.1/" + "j" * 1100}, None, "lacks jwks_uri"),
        ({"authorization_endpoint": "http://127.0.0.1/a\x00"}, None, "lacks authorization"),
        ({"authorization_server": "x" * 1100}, None, "authorization_server"),
        (
            {
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "messages_supported": ["LtiResourceLinkRequest"],
                    "product_family_code": "p" * 300,
                }
            },
            None,
            "product_family_code",
        ),
        ({"issuer_suffix": True}, None, "lacks issuer"),
        ({}, {"client_id": "c1\nFAKE log line"}, "the client_id"),
        ({}, {"client_id": "c" * 300}, "the client_id"),
        ({}, {"client_id": "c\x00"}, "the client_id"),
        ({}, {"client_id": ""}, "the client_id"),
        (
            {},
            {
                "client_id": "c1",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                    "deployment_id": "d" * 300
                },
            },
            "the deployment_id",
        ),
    ],
    ids=[
        "issuer port out of range",
        "issuer unclosed bracket",
        "jwks_uri too long",
        "NUL in authorization_endpoint",
        "authorization_server too long",
        "product_family_code too long",
        "newline in issuer",
        "newline in client_id",
        "client_id too long",
        "NUL in client_id",
        "empty client_id",
        "deployment_id too long",
    ],
)
def test_unstorable_platform_values_refused(
    config: dict[str, Any],
    answer: dict[str, Any] | None,
    phrase: str,
    live_tool: LiveTool,
    hostile: Hostile,
) -> None:
    if config.pop("issuer_suffix", False):
        config = {"issuer": hostile.url + "\nFAKE log line"}
    hostile.config = config
    if answer is not None:
        hostile.answer = (200, answer)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert phrase in page
    assert registrations(live_tool.app) == NOTHING


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://127.0.0.1:99999/cfg", "http://127.0.0.1/\x00"]
)
def test_malformed_configuration_url_refused(url: str, live_tool: LiveTool) -> None:
    status, page = _register(live_tool, url)
    assert status == 400, page
    assert "absolute http(s) URL" in page
    assert registrations(live_tool.app) == NOTHING
