"""OIDC login initiation: every refusal is a readable 4xx and leaves no state."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from plugin.db import session_scope
from plugin.models import DeploymentStatus, LtiDeployment, LtiLoginState

from .conftest import NOTHING_STORED, LivePlatform, login, register, spec_for, stored


def states(app: Flask) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(LtiLoginState)) or 0


@pytest.mark.parametrize(
    ("overrides", "status", "phrase"),
    [
        ({"iss": ""}, 400, "has no &#39;iss&#39;"),
        ({"login_hint": ""}, 400, "has no &#39;login_hint&#39;"),
        ({"iss": "https://unknown-lms.example"}, 403, "No platform with issuer"),
        ({"client_id": "not-ours"}, 403, "Client id &#39;not-ours&#39; is not registered"),
        ({"lti_message_hint": "m" * 5000}, 400, "lti_message_hint is too long"),
        ({"iss": "http://127.0.0.1\x00"}, 400, "contains a NUL character"),
        ({"client_id": "leaderled-client\x00"}, 400, "contains a NUL character"),
        ({"login_hint": "\x00"}, 400, "contains a NUL character"),
        ({"target_link_uri": "http://localhost/lti/launch\x00"}, 400, "NUL character"),
        (
            {"target_link_uri": "http://localhost/lti/launch?" + "a" * 1100},
            400,
            "target_link_uri is too long",
        ),
        ({"lti_storage_target": "s" * 300}, 400, "is not a frame name"),
        ({"lti_storage_target": "</script><script>x()"}, 400, "is not a frame name"),
    ],
    ids=[
        "no iss",
        "no login_hint",
        "unknown issuer",
        "unknown client",
        "huge message hint",
        "NUL in iss",
        "NUL in client_id",
        "NUL in login_hint",
        "NUL in target_link_uri",
        "huge target_link_uri",
        "huge storage target",
        "storage target not a frame name",
    ],
)
def test_login_refusals(
    overrides: dict[str, str],
    status: int,
    phrase: str,
    tool: Flask,
    tool_client: FlaskClient,
    moodle: LivePlatform,
) -> None:
    reg = register(tool, moodle)
    response = login(tool_client, moodle, reg, spec_for(moodle, reg), **overrides)
    assert response.status_code == status
    assert phrase in response.get_data(as_text=True)
    assert "Location" not in response.headers
    assert states(tool) == 0
    assert stored(tool) == NOTHING_STORED


def test_several_clients_need_client_id(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    register(tool, moodle, client_id="second-client")
    params = moodle.platform.login_params(reg, spec_for(moodle, reg))
    del params["client_id"]
    response = tool_client.get("/lti/login", query_string=params)
    assert response.status_code == 400
    assert "several client ids" in response.get_data(as_text=True)
    # With the client id named, the same login goes through.
    params["client_id"] = "second-client"
    assert tool_client.get("/lti/login", query_string=params).status_code == 302


def test_login_to_an_unapproved_platform_is_refused(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """A registration nobody approved (anyone can make one by dynamic
    registration) must not send browsers to its authorization endpoint."""
    reg = register(tool, moodle, status=DeploymentStatus.PENDING)
    before = stored(tool, registrations=True)
    response = login(tool_client, moodle, reg, spec_for(moodle, reg))
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page
    assert "is waiting for approval" in page
    assert "leaderled lti platform approve" in page
    assert "Location" not in response.headers
    assert states(tool) == 0
    assert stored(tool, registrations=True) == before


def test_login_to_a_client_without_deployment_is_refused(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    with session_scope(tool) as session:
        session.execute(delete(LtiDeployment))
    response = login(tool_client, moodle, reg, spec_for(moodle, reg))
    assert response.status_code == 403
    assert "has no deployment" in response.get_data(as_text=True)
    assert "Location" not in response.headers
    assert states(tool) == 0


def test_login_to_an_auto_approving_platform_without_deployment(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, auto_approve=True)
    with session_scope(tool) as session:
        session.execute(delete(LtiDeployment))
    assert login(tool_client, moodle, reg, spec_for(moodle, reg)).status_code == 302
