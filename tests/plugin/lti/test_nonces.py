"""Login states and used nonces: single use, expiring, and bounded under attack."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.lti import nonces
from plugin.models import LtiLoginState, LtiUsedNonce

from .conftest import LivePlatform, login, register, spec_for


def count(app: Flask, model: type[LtiLoginState | LtiUsedNonce]) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def issue(app: Flask, now: int, *, ttl: int = 600, cap: int = 50) -> nonces.IssuedLogin:
    with session_scope(app) as session:
        return nonces.issue_login(
            session,
            issuer="https://lms",
            client_id="c",
            target_link_uri="http://localhost/lti/launch",
            storage_target=None,
            now=now,
            ttl=ttl,
            cap=cap,
        )


def test_login_flood_stays_within_the_cap(tool: Flask) -> None:
    for i in range(200):
        issue(tool, now=1000 + i, cap=50)
    assert count(tool, LtiLoginState) <= 50


def test_login_states_expire_and_are_single_use(tool: Flask) -> None:
    fresh = issue(tool, now=1000, ttl=60)
    stale = issue(tool, now=1000, ttl=10)
    with session_scope(tool) as session:
        assert nonces.consume_login(session, stale.state, now=1011) is None
        row = nonces.consume_login(session, fresh.state, now=1011)
        assert row is not None
        assert nonces.binding_matches(row, fresh.binding)
        assert not nonces.binding_matches(row, stale.binding)
        assert nonces.consume_login(session, fresh.state, now=1011) is None
    issue(tool, now=2000)  # writing purges expired rows
    assert count(tool, LtiLoginState) == 1


def _launch_spends(app: Flask, *, now: int, until: int) -> str:
    """What a launch does: consume a login, then, storing the launch, record
    its nonce as used until ``until`` (bounding the used nonces); the nonce."""
    issued = issue(app, now=now, cap=100)
    with session_scope(app) as session:
        login = nonces.consume_login(session, issued.state, now)
        assert login is not None
        nonces.record_nonce(
            session, issuer=login.issuer, nonce=login.nonce, until=until, now=now, cap=20
        )
        return login.nonce


def test_used_nonces_expire_and_are_bounded(tool: Flask) -> None:
    spent = [_launch_spends(tool, now=1000, until=1100 + i) for i in range(30)]
    assert count(tool, LtiUsedNonce) <= 20
    with session_scope(tool) as session:
        assert nonces.nonce_used(session, "https://lms", spent[-1])
    _launch_spends(tool, now=2000, until=5000)
    assert count(tool, LtiUsedNonce) == 1  # everything else had expired


def test_login_endpoint_respects_the_configured_cap(
    database_url: str, moodle: LivePlatform
) -> None:
    from .conftest import make_tool_app, wipe

    app = make_tool_app(database_url, LTI_MAX_LOGIN_STATES=5)
    try:
        client: FlaskClient = app.test_client()
        reg = register(app, moodle)
        for _ in range(12):
            assert login(client, moodle, reg, spec_for(moodle, reg)).status_code == 302
        assert count(app, LtiLoginState) <= 5
    finally:
        wipe(app)


def test_large_caps_check_periodically_but_stay_bounded(tool: Flask) -> None:
    from plugin.lti.bounds import check_interval

    assert check_interval(300) == 3
    for i in range(400):
        issue(tool, now=1000 + i, cap=300)
    assert 290 <= count(tool, LtiLoginState) <= 300 + check_interval(300)
