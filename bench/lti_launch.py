"""LTI launch cost with cached platform keys, and JWKS fetches per 1,000 launches.

Baseline: a bare PyJWT RS256 ``jwt.decode`` of the same id_tokens, the
irreducible verification every launch pays. Subjects, timed with
``time.process_time`` (CPU of this process): the whole validation chain
(state consumed, header, issuer, signature, times, audience, nonce, message
claims, deployment, nonce spent; SQLite), and the complete ``POST
/lti/launch`` request (validation + person/team/membership/session rows +
home page). Platform keys come over real HTTP from the development LMS on a
loopback port; the figure to watch is how often they are fetched.
``python -m bench lti_launch``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jwt

from bench._size import size
from plugin import create_app, migrate
from plugin.db import session_scope
from plugin.lti import keys as tool_keys
from plugin.lti import nonces
from plugin.lti import validation as v
from plugin.lti.platform_keys import PlatformKeyCache
from plugin.lti.settings import LtiSettings, lti_settings
from plugin.lti.validation import LaunchRequest, validate_launch
from plugin.lti_platform import LaunchSpec, TestPlatform, ToolRegistration, create_platform_app
from plugin.lti_platform.presets import User
from plugin.lti_platform.server import serve_in_thread
from plugin.models import DeploymentStatus, LtiClient, LtiDeployment, LtiLoginState, LtiPlatform
from plugin.views.lti import key_cache

LAUNCHES = int(__import__("os").environ.get("BENCH_LTI_LAUNCHES", str(size(1000, 5))))
TOOL = "http://localhost"


def main() -> None:
    platform = TestPlatform("http://placeholder")
    server = serve_in_thread(create_platform_app(platform))
    platform.issuer = server.url
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        app = create_app(
            {
                "database_url": url,
                "public_url": TOOL,
                "secret_key": "bench",
                "LTI_MAX_USED_NONCES": 10 * LAUNCHES,
                # The development LMS runs on 127.0.0.1; the bench launches far
                # faster than a person, from one address.
                "LTI_PRIVATE_HOSTS": "127.0.0.1",
                "LTI_LOGIN_RATE_LIMIT": "",
                # As in production: keys encrypted at rest; only warnings on stderr.
                "key_encryption_keys": tool_keys.new_secret(),
                "log_level": "WARNING",
            }
        )
        reg = ToolRegistration(
            "bench-client", "1", TOOL + "/lti/login", [TOOL + "/lti/launch"], TOOL + "/lti/launch"
        )
        platform.register_tool(reg)
        with session_scope(app) as session:
            row = LtiPlatform(
                issuer=server.url,
                name="bench",
                auth_login_url=server.url + "/auth",
                jwks_url=server.url + "/jwks",
            )
            client = LtiClient(platform=row, client_id=reg.client_id)
            session.add_all(
                [
                    row,
                    client,
                    LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.ACTIVE),
                ]
            )
        with app.app_context():
            chain_cpu, baseline_cpu, pure_cpu = _validation(app, platform, reg)
            request_cpu = _requests(app, platform, reg)
            fetches = platform.jwks_hits
            cache_fetches = key_cache(app).fetch_count
    server.stop()
    per = 1000.0 / LAUNCHES
    print(f"launches: {LAUNCHES} (validation chain) + {LAUNCHES} (full requests)")
    print(f"baseline jwt.decode RS256: {baseline_cpu * per:.3f} ms CPU per token")
    print(
        f"token checks (no DB):      {pure_cpu * per:.3f} ms CPU per launch "
        f"({pure_cpu / baseline_cpu:.1f}x baseline)"
    )
    print(
        f"validation chain:          {chain_cpu * per:.3f} ms CPU per launch "
        f"({chain_cpu / baseline_cpu:.1f}x baseline; goal < 5 ms)"
    )
    print(
        f"full POST /lti/launch:     {request_cpu * per:.3f} ms CPU per launch "
        f"({request_cpu / baseline_cpu:.1f}x baseline)"
    )
    print(
        f"platform JWKS fetches over {2 * LAUNCHES} launches: {fetches} "
        f"(cache counted {cache_fetches}; goal: 1)"
    )


def _spec(platform: TestPlatform, reg: ToolRegistration, i: int) -> LaunchSpec:
    return LaunchSpec(claims=platform.claims_for(reg, user=User(sub=str(i % 50))))


def _token_checks(
    request: LaunchRequest,
    platform: TestPlatform,
    reg: ToolRegistration,
    cache: PlatformKeyCache,
    settings: LtiSettings,
) -> None:
    """The chain's checks that need no database (nonce compared, not looked up)."""
    assert request.id_token is not None
    login = LtiLoginState(issuer=platform.issuer, client_id=reg.client_id)
    row = LtiPlatform(issuer=platform.issuer, jwks_url=platform.issuer + "/jwks")
    token = v.parse_token(request.id_token)
    payload = v.verify_signature(token, v.check_header(token), row, cache)
    v.check_times(payload, int(time.time()), settings)
    v.check_audience(payload, login)
    v.check_message(payload, settings)
    assert payload["iss"] == login.issuer


def _validation(
    app: object, platform: TestPlatform, reg: ToolRegistration
) -> tuple[float, float, float]:
    from flask import Flask

    assert isinstance(app, Flask)
    settings = lti_settings(app)
    now = int(time.time())
    prepared: list[tuple[LaunchRequest, str]] = []
    for i in range(LAUNCHES):
        with session_scope(app) as session:
            issued = nonces.issue_login(
                session,
                issuer=platform.issuer,
                client_id=reg.client_id,
                target_link_uri=reg.target_link_uri,
                storage_target=None,
                now=now,
                ttl=3600,
                cap=10 * LAUNCHES,
            )
        spec = _spec(platform, reg, i)
        hint = platform.prepare(spec)
        _, form = platform.authorize(
            {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
                "client_id": reg.client_id,
                "redirect_uri": reg.redirect_uris[0],
                "state": issued.state,
                "nonce": issued.nonce,
                "login_hint": spec.claims["sub"],
                "lti_message_hint": hint,
            }
        )
        prepared.append(
            (LaunchRequest(form["id_token"], issued.state, issued.binding), form["id_token"])
        )
    cache = key_cache(app)
    public = platform.private_key.public_key()
    start = time.process_time()
    for _, token in prepared:
        jwt.decode(token, public, algorithms=["RS256"], audience=reg.client_id)
    baseline = time.process_time() - start
    start = time.process_time()
    for request, _ in prepared:
        _token_checks(request, platform, reg, cache, settings)
    pure = time.process_time() - start
    start = time.process_time()
    for request, _ in prepared:
        with session_scope(app) as session:
            validate_launch(session, request, keys=cache, settings=settings, now=int(time.time()))
    chain = time.process_time() - start
    return chain, baseline, pure


def _requests(app: object, platform: TestPlatform, reg: ToolRegistration) -> float:
    from flask import Flask

    assert isinstance(app, Flask)
    client = app.test_client()
    total = 0.0
    for i in range(LAUNCHES):
        spec = _spec(platform, reg, i)
        started = client.get("/lti/login", query_string=platform.login_params(reg, spec))
        _, form = platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
        start = time.process_time()
        response = client.post("/lti/launch", data=form)
        total += time.process_time() - start
        if response.status_code != 200:
            raise SystemExit(f"launch {i} failed: {response.get_data(as_text=True)[:500]}")
    return total
