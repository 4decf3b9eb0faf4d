"""Happy-path launches through the live development LMS (Moodle and Canvas
shapes), with real RS256 tokens and the platform JWKS fetched over HTTP."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti_platform import mutators as m
from plugin.lti_platform.presets import User
from plugin.models import (
    LtiLaunchSession,
    Membership,
    Person,
    PersonIdentifier,
    Role,
    Team,
)

from .conftest import LivePlatform, launch, login, register, spec_for, stored


def test_moodle_leader_launch_lands_on_home_page(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg, user=User(sub="2", given_name="Grace", family_name="Hopper"))
    claims = spec.claims
    # What makes a launch Moodle-shaped:
    assert isinstance(claims["aud"], str)
    assert claims["exp"] == claims["iat"] + 60
    response, _ = launch(tool_client, moodle, reg, spec, over_http=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Grace Hopper" in page
    assert ">Leader<" in page
    assert "Team North onboarding" in page
    with session_scope(tool) as session:
        keys = set(session.scalars(select(PersonIdentifier.key)))
        assert keys == {f"account {moodle.url} 2"}
        team = session.scalars(select(Team)).one()
        assert (team.platform_issuer, team.context_id) == (moodle.url, "5")
        membership = session.scalars(select(Membership)).one()
        assert membership.role is Role.LEADER
        row = session.scalars(select(LtiLaunchSession)).one()
        assert row.claims["https://purl.imsglobal.org/spec/lti/claim/custom"]["team"] == "north"


def test_session_cookie_is_small_and_iframe_safe(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    cookies = [c for c in response.headers.getlist("Set-Cookie") if "leaderled_launch=" in c]
    assert len(cookies) == 1
    cookie = cookies[0]
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/"):
        assert attribute in cookie
    assert response.headers["Cache-Control"] == "no-store"
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert len(value) < 64  # a token, not the launch data
    again = tool_client.get("/lti/home")
    assert again.status_code == 200
    assert ">Leader<" in again.get_data(as_text=True)


def test_canvas_launch_with_audience_list_and_fine_grained_roles(
    tool: Flask, tool_client: FlaskClient, canvas: LivePlatform
) -> None:
    reg = register(tool, canvas, deployment_id="12:8865aa05b4b79b64a91a86042e43af5ea8ae79eb")
    spec = spec_for(canvas, reg, role="learner", user=User(sub="535fa085-f4c5-4e6b"))
    assert isinstance(spec.claims["aud"], list)
    assert len(spec.claims["aud"]) == 2
    response, _ = launch(tool_client, canvas, reg, spec, over_http=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert ">Learner<" in response.get_data(as_text=True)
    with session_scope(tool) as session:
        person = session.scalars(select(Person)).one()
        assert person.locale == "en-GB"
    assert stored(tool)["lti_launch_session"] == 1


def test_login_initiation_by_post_as_moodle_sends_it(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    spec = spec_for(moodle, reg)
    started = tool_client.post("/lti/login", data=moodle.platform.login_params(reg, spec))
    assert started.status_code == 302
    query = dict(parse_qsl(urlsplit(started.location).query))
    assert started.location.startswith(moodle.url + "/auth?")
    assert query["redirect_uri"] == "http://localhost/lti/launch"
    assert query["client_id"] == reg.client_id
    _, form = moodle.platform.authorize(query)
    assert tool_client.post("/lti/launch", data=form).status_code == 200


def test_small_clock_skew_within_leeway_is_accepted(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """Moodle's tokens live 60 s: a platform clock a few seconds off must still work."""
    reg = register(tool, moodle)
    now = int(time.time())
    ahead = spec_for(moodle, reg, mutators=(m.set_claims(iat=now + 5, exp=now + 65),))
    assert launch(tool_client, moodle, reg, ahead)[0].status_code == 200
    just_expired = spec_for(moodle, reg, mutators=(m.set_claims(iat=now - 65, exp=now - 5),))
    assert launch(tool_client, moodle, reg, just_expired)[0].status_code == 200


def test_two_launches_started_in_parallel_in_one_browser_both_work(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    """Two tool iframes on one course page: both logins happen before either launch."""
    reg = register(tool, moodle)
    first = login(tool_client, moodle, reg, spec_for(moodle, reg))
    second = login(tool_client, moodle, reg, spec_for(moodle, reg, role="admin"))
    forms = [
        moodle.platform.authorize(dict(parse_qsl(urlsplit(r.location).query)))[1]
        for r in (first, second)
    ]
    assert tool_client.post("/lti/launch", data=forms[1]).status_code == 200
    assert tool_client.post("/lti/launch", data=forms[0]).status_code == 200
    assert stored(tool)["lti_launch_session"] == 2
