"""``leaderled lti`` commands and the tool's key rotation behind /lti/jwks."""

from __future__ import annotations

import jwt
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.cli.lti import lti
from plugin.db import session_scope
from plugin.lti import keys as tool_keys
from plugin.models import DeploymentStatus, LtiDeployment, LtiRoleOverride, Role

from .conftest import LivePlatform, launch, login, register, spec_for

ISSUER = "https://moodle.example.org"


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(lti, list(args))
    return result.exit_code, result.output


def test_platform_add_list_and_approve(tool: Flask) -> None:
    code, out = run(
        tool,
        "platform",
        "add",
        ISSUER,
        "--name",
        "Moodle",
        "--auth-url",
        ISSUER + "/auth",
        "--jwks-url",
        ISSUER + "/jwks",
        "--client-id",
        "abc",
        "--client-id",
        "def",
    )
    assert code == 0, out
    code, out = run(tool, "platform", "add", ISSUER, "--client-id", "abc", "--deployment", "1")
    assert code == 0, out
    with session_scope(tool) as session:
        session.add(
            LtiDeployment(
                client_pk=session.scalars(select(LtiDeployment.client_pk)).one(), deployment_id="2"
            )
        )
    code, out = run(tool, "platform", "list")
    assert "client abc" in out
    assert "client def" in out
    assert "deployment 1  active" in out
    assert "deployment 2  pending" in out
    code, out = run(tool, "platform", "approve", ISSUER, "2")
    assert code == 0, out
    with session_scope(tool) as session:
        statuses = set(session.scalars(select(LtiDeployment.status)))
    assert statuses == {DeploymentStatus.ACTIVE}


def test_cli_errors_are_messages_not_tracebacks(tool: Flask) -> None:
    code, out = run(tool, "platform", "approve", ISSUER, "9")
    assert code == 1
    assert "No platform with issuer" in out
    assert "Traceback" not in out
    code, out = run(tool, "platform", "add", ISSUER)
    assert code == 2
    assert "needs --auth-url and --jwks-url" in out
    code, out = run(tool, "platform", "add", "moodle.example.org", "--auth-url", "x")
    assert code == 2
    assert "is not an http(s) URL" in out


def test_role_override_command(tool: Flask) -> None:
    run(tool, "platform", "add", ISSUER, "--auth-url", ISSUER + "/a", "--jwks-url", ISSUER + "/j")
    code, out = run(tool, "platform", "role", ISSUER, "Learner", "leader", "--context", "42")
    assert code == 0, out
    with session_scope(tool) as session:
        row = session.scalars(select(LtiRoleOverride)).one()
        assert (row.context_id, row.lti_role, row.role) == ("42", "Learner", Role.LEADER)


def test_rotation_publishes_current_and_previous(tool: Flask, tool_client: FlaskClient) -> None:
    published = tool_client.get("/lti/jwks")
    assert published.headers["Cache-Control"] == "public, max-age=300"
    first = published.get_json()["keys"]
    assert len(first) == 1
    code, out = run(tool, "keys", "rotate")
    assert code == 0, out
    second = tool_client.get("/lti/jwks").get_json()["keys"]
    assert second[0]["kid"] == first[0]["kid"]
    assert len(second) == 2
    run(tool, "keys", "rotate")
    third = {k["kid"] for k in tool_client.get("/lti/jwks").get_json()["keys"]}
    rotated_in = {k["kid"] for k in second} - {first[0]["kid"]}
    assert len(third) == 2
    assert rotated_in < third  # the key that was current is now previous
    assert first[0]["kid"] not in third  # retired after two rotations
    for key in tool_client.get("/lti/jwks").get_json()["keys"]:
        assert set(key) >= {"kty", "n", "e", "kid", "alg", "use"}
        assert "d" not in key  # never the private part
    code, out = run(tool, "keys", "list")
    assert "current" in out
    assert "previous" in out
    assert "retired" in out
    assert "PRIVATE" not in out


def test_signing_key_verifies_against_published_jwks(tool: Flask, tool_client: FlaskClient) -> None:
    with session_scope(tool) as session:
        key = tool_keys.signing_key(session)
    token = jwt.encode(
        {"iss": "tool"}, key.private_key, algorithm="RS256", headers={"kid": key.kid}
    )
    published = tool_client.get("/lti/jwks").get_json()
    verify_key = jwt.PyJWKSet.from_dict(published)[key.kid]
    assert jwt.decode(token, verify_key, algorithms=["RS256"]) == {"iss": "tool"}


def test_launch_with_approved_deployment_after_pending(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, status=DeploymentStatus.PENDING)
    refused = login(tool_client, moodle, reg, spec_for(moodle, reg))
    assert refused.status_code == 403
    assert "waiting for approval" in refused.get_data(as_text=True)
    code, out = run(tool, "platform", "approve", moodle.url, reg.deployment_id)
    assert code == 0, out
    accepted, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert accepted.status_code == 200


def test_urls_for_a_manual_registration(tool: Flask) -> None:
    code, out = run(tool, "urls")
    assert code == 0
    assert "Initiate login URL:          http://localhost/lti/login" in out
    assert "Public keyset URL:           http://localhost/lti/jwks" in out


def test_role_override_and_platform_removal(tool: Flask) -> None:
    """Issue 15.5: an override and a platform can be removed again."""
    assert (
        run(
            tool,
            "platform",
            "add",
            ISSUER,
            "--auth-url",
            ISSUER + "/a",
            "--jwks-url",
            ISSUER + "/j",
        )[0]
        == 0
    )
    assert run(tool, "platform", "role", ISSUER, "Mentor", "leader")[0] == 0
    code, out = run(tool, "platform", "list")
    assert "role Mentor -> leader" in out
    code, out = run(tool, "platform", "role-remove", ISSUER, "Mentor")
    assert code == 0, out
    assert "default mapping applies" in out
    code, out = run(tool, "platform", "role-remove", ISSUER, "Mentor")
    assert code == 1
    assert "has no override" in out
    with session_scope(tool) as session:
        assert session.scalars(select(LtiRoleOverride)).all() == []
    code, out = run(tool, "platform", "remove", ISSUER)
    assert code == 1  # asks first; no answer on stdin aborts
    code, out = run(tool, "platform", "remove", ISSUER, "--yes")
    assert code == 0, out
    assert "No platforms" in run(tool, "platform", "list")[1]
    assert run(tool, "platform", "remove", ISSUER, "--yes")[0] == 1
