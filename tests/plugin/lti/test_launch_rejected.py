"""The negative matrix of DESIGN.md section 8: one test per broken rule, each
rejected with a 4xx page that names the problem, and nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.lti_platform import mutators as m
from plugin.lti_platform.presets import User
from plugin.models import DeploymentStatus, LtiClient, LtiDeployment, LtiLoginState

from .conftest import LivePlatform, launch, login, register, spec_for, stored

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
NOTHING = {
    "person": 0,
    "person_identifier": 0,
    "team": 0,
    "membership": 0,
    "lti_launch_session": 0,
    "lti_used_nonce": 0,
}


def assert_refused(response: Any, status: int, phrase: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert phrase in page
    assert "leaderled_launch=" not in " ".join(response.headers.getlist("Set-Cookie"))


# Token mutations: (mutators, expected status, phrase the admin reads).
CASES: dict[str, tuple[tuple[Callable[..., Any], ...], int, str]] = {
    "missing exp": ((m.drop("exp"),), 400, "no expiry"),
    "expired": ((m.expired,), 400, "has expired"),
    "missing iat": ((m.drop("iat"),), 400, "no issue time"),
    "iat in the future": ((m.issued_in_future,), 400, "issued in the future"),
    "wrong iss": ((m.wrong_issuer,), 400, "is not the platform that started this login"),
    "iss with trailing slash": ((m.issuer_trailing_slash,), 400, "including any trailing slash"),
    "aud without our client id": ((m.foreign_audience,), 400, "does not include this tool"),
    "several audiences without azp": ((m.several_audiences_without_azp,), 400, "no authorized"),
    "wrong azp": ((m.wrong_azp,), 400, "authorized party (azp) &#39;another-client&#39;"),
    "alg none": ((m.alg_none,), 400, "requires RS256"),
    "HS256 signed with the public key": ((m.hs256_with_public_key,), 400, "requires RS256"),
    "bad signature": ((m.bad_signature,), 400, "signature does not verify"),
    "nonce mismatch": ((m.nonce("not-the-issued-nonce"),), 400, "not the one issued"),
    "wrong LTI version": ((m.set_lti("version", "1.1.0"),), 400, "this tool speaks 1.3.0"),
    "unsupported message type": (
        (m.set_lti("message_type", "LtiSubmissionReviewRequest"),),
        400,
        "does not handle",
    ),
    "foreign target_link_uri at launch": (
        (m.set_lti("target_link_uri", "https://evil.example/steal"),),
        400,
        "not a URL of this",
    ),
    "resource link without id": (
        (m.set_lti("resource_link", {"title": "no id"}),),
        400,
        "has no resource_link id",
    ),
    "missing roles claim": ((m.drop(LTI + "roles"),), 400, "no roles claim"),
    "unknown deployment": ((m.set_lti("deployment_id", "999"),), 403, "is not known to this"),
    "exp NaN": ((m.set_claims(exp=float("nan")),), 400, "expiry (&#39;exp&#39;) is nan"),
    "exp Infinity": ((m.set_claims(exp=float("inf")),), 400, "expiry (&#39;exp&#39;) is inf"),
    "iat NaN": ((m.set_claims(iat=float("nan")),), 400, "issue time (&#39;iat&#39;) is nan"),
    "iat -Infinity": ((m.set_claims(iat=float("-inf")),), 400, "(&#39;iat&#39;) is -inf"),
    "nbf NaN": ((m.set_claims(nbf=float("nan")),), 400, "(&#39;nbf&#39;) is nan"),
    "nbf in the future": ((m.set_claims(nbf=4_000_000_000),), 400, "not valid yet"),
    "NUL in deployment_id": ((m.set_lti("deployment_id", "3\x00"),), 400, "NUL character"),
    "NUL in sub": ((m.set_claims(sub="2\x00"),), 400, "NUL character"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_token_rule_broken(
    case: str, tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    mutators, status, phrase = CASES[case]
    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=mutators))
    assert_refused(response, status, phrase)
    assert stored(tool) == NOTHING


def test_deep_linking_request_without_return_url(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg, deep_linking=True, deep_linking_return_url=None)
    response, _ = launch(tool_client, moodle, reg, spec)
    assert_refused(response, 400, "no deep_link_return_url")
    assert stored(tool) == NOTHING


def _add_deployment(app: Flask, deployment_id: str, status: DeploymentStatus) -> None:
    with session_scope(app) as session:
        client = session.scalars(select(LtiClient)).one()
        session.add(LtiDeployment(client=client, deployment_id=deployment_id, status=status))


def test_pending_deployment(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    # The client has an approved deployment (so the login goes on) and a pending one.
    reg = register(tool, moodle)
    _add_deployment(tool, "4", DeploymentStatus.PENDING)
    before, hits = stored(tool, registrations=True), moodle.platform.jwks_hits
    spec = spec_for(moodle, reg, mutators=(m.set_lti("deployment_id", "4"),))
    response, _ = launch(tool_client, moodle, reg, spec)
    assert_refused(response, 403, "waiting for approval")
    assert "leaderled lti platform approve" in response.get_data(as_text=True)
    assert stored(tool, registrations=True) == before
    assert stored(tool) == NOTHING
    assert moodle.platform.jwks_hits == hits  # refused before fetching the platform's keys


def test_unknown_deployment_never_fetches_platform_keys(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    before, hits = stored(tool, registrations=True), moodle.platform.jwks_hits
    spec = spec_for(moodle, reg, mutators=(m.set_lti("deployment_id", "999"),))
    response, _ = launch(tool_client, moodle, reg, spec)
    assert_refused(response, 403, "is not known to this")
    assert moodle.platform.jwks_hits == hits
    assert stored(tool, registrations=True) == before


def test_replayed_id_token(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    reg = register(tool, moodle)
    first, form = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert first.status_code == 200
    before = stored(tool)
    replay = tool_client.post("/lti/launch", data=form)
    assert_refused(replay, 400, "already used")
    assert stored(tool) == before


def test_nonce_reused(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    reg = register(tool, moodle)
    first, form = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert first.status_code == 200
    used = jwt.decode(form["id_token"], options={"verify_signature": False})["nonce"]
    before = stored(tool)
    again, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.nonce(used),)))
    assert_refused(again, 400, "nonce was seen before")
    assert stored(tool) == before


def test_state_missing(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    response = tool_client.post("/lti/launch", data={"id_token": form["id_token"]})
    assert_refused(response, 400, "has no &#39;state&#39;")
    assert stored(tool) == NOTHING


def test_state_from_another_browser(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    other_browser = tool.test_client()
    response = other_browser.post("/lti/launch", data=form)
    assert_refused(response, 400, "did not send back Leaderled&#39;s sign-in cookie")


def test_state_bound_to_another_browsers_cookie(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """The other browser has a login cookie of its own: not this launch's."""
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    other_browser = tool.test_client()
    assert login(other_browser, moodle, reg, spec_for(moodle, reg)).status_code == 302
    response = other_browser.post("/lti/launch", data=form)
    assert_refused(response, 400, "started in a different browser or browser profile")
    assert stored(tool) == NOTHING
    assert stored(tool) == NOTHING


def test_state_mismatched(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    response = tool_client.post("/lti/launch", data={**form, "state": form["state"][:-2] + "xx"})
    assert_refused(response, 400, "unknown, expired or already used")
    assert stored(tool) == NOTHING


def test_foreign_target_link_uri_at_login(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    for target in (
        "https://evil.example/lti/launch",
        "http://localhost.evil.example/",
        "//evil.example/x",
        "http://user@localhost/lti/launch",
    ):
        response = login(tool_client, moodle, reg, spec_for(moodle, reg), target_link_uri=target)
        assert_refused(response, 400, "is not a URL of this tool")
        assert "Location" not in response.headers
    with session_scope(tool) as session:
        assert session.scalar(select(func.count()).select_from(LtiLoginState)) == 0


def test_unknown_kid_after_one_rate_limited_refetch(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    ok, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert ok.status_code == 200
    before, hits = stored(tool), moodle.platform.jwks_hits
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.unknown_kid,)))
    assert_refused(response, 400, "does not publish")
    assert moodle.platform.jwks_hits == hits + 1  # refetched once
    again, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.unknown_kid,)))
    assert_refused(again, 400, "does not publish")
    assert moodle.platform.jwks_hits == hits + 1  # rate-limited: no second refetch
    assert stored(tool) == before


def test_garbage_id_token(tool: Flask, tool_client: FlaskClient, moodle: LivePlatform) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    state = dict(parse_qsl(urlsplit(started.location).query))["state"]
    response = tool_client.post("/lti/launch", data={"state": state, "id_token": "not.a.jwt!"})
    assert_refused(response, 400, "not a well-formed JWT")
    assert stored(tool) == NOTHING


def test_reflected_values_are_short_and_on_one_line(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    target = "https://evil.example/" + "x" * 5000 + "\n<script>alert(1)</script>"
    response = login(tool_client, moodle, reg, spec_for(moodle, reg), target_link_uri=target)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "x" * 200 not in page
    assert "<script>alert(1)" not in page


def test_cross_site_launch_with_an_attackers_binding(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """Login CSRF: an attacker starts a launch as themselves and makes the
    victim's browser post it (an auto-submitting form on another site) with the
    attacker's binding in the form. The form binding is trusted only from the
    tool's own relay page, so the victim's browser gets no session."""
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg, user=User(sub="attacker-sub", given_name="Mallory"))
    started = login(tool_client, moodle, reg, spec)
    binding = tool_client.get_cookie("leaderled_lti_login", path="/lti/")
    assert binding is not None
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    victim = tool.test_client()
    response = victim.post(
        "/lti/launch",
        data={**form, "lti_storage_binding": binding.value},
        headers={"Origin": "https://evil.example"},
    )
    assert_refused(response, 400, "did not send back Leaderled&#39;s sign-in cookie")
    assert victim.get_cookie("leaderled_launch") is None
    assert stored(tool) == NOTHING


@pytest.mark.parametrize("field", ["state", "id_token", "lti_storage_binding"])
def test_nul_in_the_launch_form(
    field: str, tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    started = login(tool_client, moodle, reg, spec_for(moodle, reg))
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    form[field] = form.get(field, "binding") + "\x00"
    response = tool_client.post("/lti/launch", data=form, headers={"Origin": "http://localhost"})
    assert_refused(response, 400, "contains a NUL character")
    assert stored(tool) == NOTHING
