"""Dynamic registration end to end: the tool fetches the live platform's
configuration, registers, stays pending until approved, then launches and
calls NRPS with the client the platform issued."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask, jsonify
from lti_svc_helpers import LiveLms, LiveTool, launch, serve
from sqlalchemy import select

from plugin.cli.lti import lti as lti_cli
from plugin.db import session_scope
from plugin.lti_platform import LaunchSpec, ToolRegistration
from plugin.lti_platform.presets import User
from plugin.lti_platform.services import SCOPE_LINEITEM, SCOPE_NRPS, service_claims
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _register(live_tool: LiveTool, lms: LiveLms, **query: str) -> tuple[int, str]:
    params = {
        "openid_configuration": lms.url + "/platform/openid-configuration",
        "registration_token": lms.services.issue_registration_token(),
    } | query
    response = live_tool.client.get("/lti/register", query_string=params)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    return response.status_code, response.get_data(as_text=True)


def _deployments(app: Flask) -> list[tuple[str, str, str, DeploymentStatus]]:
    with session_scope(app) as session:
        rows = session.execute(
            select(
                LtiPlatform.issuer,
                LtiClient.client_id,
                LtiDeployment.deployment_id,
                LtiDeployment.status,
            )
            .join(LtiClient, LtiClient.platform_id == LtiPlatform.id)
            .join(LtiDeployment, LtiDeployment.client_pk == LtiClient.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_registration_pending_until_approved_then_launch_and_roster(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    status, html = _register(live_tool, lms)
    assert status == 200, html
    assert "/static/lti/registration_done.js" in html
    script = live_tool.client.get("/static/lti/registration_done.js").get_data(as_text=True)
    assert 'subject: "org.imsglobal.lti.close"' in script
    assert 'id="pending"' in html
    ((client_id, tool),) = lms.services.clients.items()
    assert tool.registration["token_endpoint_auth_method"] == "private_key_jwt"
    config = tool.registration["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert {m["type"] for m in config["messages"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
    assert config["target_link_uri"] == live_tool.url + "/lti/launch"
    assert config["domain"] == live_tool.url.removeprefix("http://")
    assert {"iss", "sub", "email", "given_name"} <= set(config["claims"])
    # The platform offers $User.username, which the username identity mode needs.
    assert config["custom_parameters"] == {"username": "$User.username"}
    assert tool.registration["initiate_login_uri"] == live_tool.url + "/lti/login"
    assert tool.registration["jwks_uri"] == live_tool.url + "/lti/jwks"
    assert {SCOPE_NRPS, SCOPE_LINEITEM} <= tool.scopes
    ((issuer, stored_client, deployment, state),) = _deployments(live_tool.app)
    assert (issuer, stored_client, state) == (lms.url, client_id, DeploymentStatus.PENDING)

    reg: ToolRegistration = lms.platform.tools[client_id]
    # Not approved yet: the login stops at the tool, no redirect to the platform.
    params = lms.platform.login_params(
        reg, LaunchSpec(claims=lms.platform.claims_for(reg, user=User(sub="2")))
    )
    refused = live_tool.client.get("/lti/login", query_string=params)
    assert refused.status_code == 403
    assert "Location" not in refused.headers
    assert "waiting for approval" in refused.get_data(as_text=True)

    result = live_tool.app.test_cli_runner().invoke(
        lti_cli, ["platform", "approve", lms.url, deployment]
    )
    assert result.exit_code == 0, result.output
    assert _deployments(live_tool.app)[0][3] is DeploymentStatus.ACTIVE

    lms.services.set_roster(
        "5",
        [
            {"user_id": "2", "roles": [INSTRUCTOR], "name": "Ada Leader"},
            {"user_id": "11", "roles": [LEARNER], "name": "Bo Learner"},
        ],
        title="Team North onboarding",
    )
    home = launch(live_tool, lms, reg, extra_claims=service_claims(lms.url, "5"))
    page = home.get_data(as_text=True)
    assert home.status_code == 200, page
    # The roster came from NRPS with a token the platform issued against our real JWKS.
    assert 'data-user-id="11"' in page, page
    assert "Bo Learner" in page
    roster = live_tool.client.get("/lti/roster")
    assert roster.status_code == 200
    members = roster.get_json()["members"]
    assert {m["user_id"]: m["role"] for m in members} == {"2": "leader", "11": "learner"}
    assert members[1]["actor"]["account"] == {"homePage": lms.url, "name": "11"}


def test_auto_approval(live_tool: LiveTool, lms: LiveLms) -> None:
    live_tool.app.config["LTI_AUTO_APPROVE_REGISTRATIONS"] = True
    status, html = _register(live_tool, lms)
    assert status == 200
    assert 'id="active"' in html
    assert _deployments(live_tool.app)[0][3] is DeploymentStatus.ACTIVE


def test_used_registration_token_refused(live_tool: LiveTool, lms: LiveLms) -> None:
    token = lms.services.issue_registration_token()
    assert _register(live_tool, lms, registration_token=token)[0] == 200
    status, html = _register(live_tool, lms, registration_token=token)
    assert status == 400
    assert "refused the registration" in html
    assert len(_deployments(live_tool.app)) == 1


@pytest.fixture
def fake_config() -> Iterator[tuple[dict[str, object], str]]:
    """An openid-configuration we can break, served on a real port."""
    doc: dict[str, object] = {}
    app = Flask("fake-platform")
    app.add_url_rule("/config", "config", lambda: jsonify(doc))
    app.add_url_rule("/text", "text", lambda: "not json")
    for served in serve(app):
        yield doc, served.url


def _good_config(base: str) -> dict[str, object]:
    return {
        "issuer": base,
        "authorization_endpoint": base + "/auth",
        "token_endpoint": base + "/token",
        "jwks_uri": base + "/jwks",
        "registration_endpoint": base + "/register",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "fake",
            "messages_supported": [{"type": "LtiResourceLinkRequest"}],
        },
    }


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ({"issuer": "https://evil.example"}, "not on the same site"),
        ({"jwks_uri": None}, "lacks jwks_uri"),
        ({"registration_endpoint": "ftp://x"}, "lacks registration_endpoint"),
        ({"token_endpoint_auth_methods_supported": ["client_secret_basic"]}, "private_key_jwt"),
        ({"id_token_signing_alg_values_supported": ["HS256"]}, "RS256"),
        ({"https://purl.imsglobal.org/spec/lti-platform-configuration": None}, "lacks"),
        (
            {
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "messages_supported": [{"type": "LtiDeepLinkingRequest"}]
                }
            },
            "LtiResourceLinkRequest",
        ),
    ],
)
def test_bad_openid_configuration_rejected(
    live_tool: LiveTool,
    fake_config: tuple[dict[str, object], str],
    breakage: dict[str, object],
    message: str,
) -> None:
    doc, base = fake_config
    doc.update(_good_config(base) | breakage)
    response = live_tool.client.get(
        "/lti/register", query_string={"openid_configuration": base + "/config"}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _deployments(live_tool.app) == []


def test_unusable_requests_rejected(
    live_tool: LiveTool, fake_config: tuple[dict[str, object], str]
) -> None:
    _, base = fake_config
    for query, message in (
        ({}, "dynamic registration URL"),
        ({"openid_configuration": "javascript:alert(1)"}, "absolute http(s) URL"),
        ({"openid_configuration": base + "/text"}, "not JSON"),
        ({"openid_configuration": base + "/missing"}, "HTTP 404"),
        ({"openid_configuration": "http://127.0.0.1:9/config"}, "Could not fetch"),
    ):
        response = live_tool.client.get("/lti/register", query_string=query)
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query


def test_concurrent_registrations_of_one_new_platform(live_tool: LiveTool, lms: LiveLms) -> None:
    """Two admins register the same LMS at once: both succeed, one platform row."""
    results: list[int] = []

    def one() -> None:
        browser = LiveTool(live_tool.app, live_tool.url, live_tool.app.test_client())
        results.append(_register(browser, lms)[0])

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200, 200]
    assert len({issuer for issuer, *_ in _deployments(live_tool.app)}) == 1
    assert len(_deployments(live_tool.app)) == 2


def test_pending_registrations_are_capped(live_tool: LiveTool, lms: LiveLms) -> None:
    live_tool.app.config["LTI_MAX_PENDING_REGISTRATIONS"] = 1
    assert _register(live_tool, lms)[0] == 200
    status, html = _register(live_tool, lms)
    assert status == 429
    assert "already waiting for approval" in html
    assert len(lms.services.clients) == 1  # refused before calling the platform


def test_platform_registration_endpoint_checks_token_and_metadata(lms: LiveLms) -> None:
    import requests

    url = lms.url + "/platform/register"
    assert requests.post(url, json={}, timeout=10).status_code == 401
    token = lms.services.issue_registration_token()
    bad = requests.post(
        url,
        json={"initiate_login_uri": "https://tool/login", "token_endpoint_auth_method": "none"},
        headers={"Authorization": "Bearer " + token},
        timeout=10,
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["error"] == "invalid_client_metadata"
    assert "jwks_uri" in body["error_description"]
    assert "token_endpoint_auth_method" in body["error_description"]
    assert lms.services.clients == {}
