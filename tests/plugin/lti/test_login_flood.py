"""Issue 16.9: a flood of logins from one address does not push other
people's logins out of the bounded login-state table."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from .conftest import LivePlatform, make_tool_app, register, spec_for, wipe

CAP = 60


def _flood_then_launch(app: Flask, moodle: LivePlatform) -> int:
    """A victim logs in, an attacker floods from another address, then the
    victim's launch arrives: its status code."""
    reg = register(app, moodle)
    victim = app.test_client()
    victim.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    started = victim.get(
        "/lti/login", query_string=moodle.platform.login_params(reg, spec_for(moodle, reg))
    )
    assert started.status_code == 302
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    refused = 0
    for _ in range(3 * CAP):
        params = moodle.platform.login_params(reg, spec_for(moodle, reg))
        refused += attacker.get("/lti/login", query_string=params).status_code == 429
    _, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    status = victim.post("/lti/launch", data=form).status_code
    return status if not refused else status * 1000 + refused


@pytest.fixture
def small_table(database_url: str) -> Flask:
    return make_tool_app(
        database_url, LTI_MAX_LOGIN_STATES=CAP, LTI_LOGIN_RATE_LIMIT="20 per minute"
    )


def test_flood_from_one_address_is_limited(small_table: Flask, moodle: LivePlatform) -> None:
    try:
        outcome = _flood_then_launch(small_table, moodle)
        assert outcome // 1000 == 200  # the victim's launch went through
        assert outcome % 1000 == 3 * CAP - 20  # all but 20 of the flood were refused
    finally:
        wipe(small_table)


def test_without_the_limit_the_flood_would_evict(database_url: str, moodle: LivePlatform) -> None:
    """The attack the limit stops: with no limit the victim's state is evicted."""
    app = make_tool_app(database_url, LTI_MAX_LOGIN_STATES=CAP, LTI_LOGIN_RATE_LIMIT="")
    try:
        assert _flood_then_launch(app, moodle) == 400
    finally:
        wipe(app)


def test_a_refused_login_says_what_to_do(small_table: Flask, moodle: LivePlatform) -> None:
    try:
        reg = register(small_table, moodle)
        client = small_table.test_client()
        statuses = [
            client.get(
                "/lti/login", query_string=moodle.platform.login_params(reg, spec_for(moodle, reg))
            )
            for _ in range(21)
        ]
        assert [r.status_code for r in statuses].count(302) == 20
        last = statuses[-1]
        assert last.status_code == 429
        assert "Wait a minute and open Leaderled again" in last.get_data(as_text=True)
        assert "Retry-After" in last.headers
    finally:
        wipe(small_table)
