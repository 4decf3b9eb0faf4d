"""LTI launch cost next to pylti1p3's, with cached platform keys, on SQLite and PostgreSQL.

The same Moodle-shaped id_tokens (signed by the development LMS, keys over
real HTTP on a loopback port) go through, in one run and timed with
``time.process_time`` (CPU of this process, so other load on the machine
counts less than wall time would):

- a bare PyJWT RS256 ``jwt.decode``: the irreducible verification;
- pylti1p3's ``FlaskMessageLaunch.validate()`` (the most used Python LTI
  library, ``bench`` extra only), its state and nonce in a Flask session
  dict and the platform's key set in its tool configuration (keys cached);
- Leaderled's token checks without the database;
- Leaderled's ``validate_launch`` (every check of DESIGN.md section 8: state
  consumed and committed, registration read) on a connection checked out of
  the engine the launch view validates on (autocommit); the launch's nonce
  is recorded with what the launch stores, in the full launch below;
- the complete ``POST /lti/launch`` (validation, person, identifiers, team,
  membership, session, page).

Tokens are made in batches just before they are validated: Moodle's live
only 60 s. ``python -m bench lti_launch``; ``BENCH_LTI_LAUNCHES`` sets the
count, ``LEADERLED_BENCH_DATABASE`` the PostgreSQL server,
``BENCH_LTI_PROFILE=1`` prints CPU cProfile summaries of ``validate_launch``
and of the full launch.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from flask import Flask
from flask.testing import FlaskClient

from bench._core_setup import scratch_database
from bench._size import size
from plugin import create_app, migrate
from plugin.db import get_db, session_scope
from plugin.lti import keys as tool_keys
from plugin.lti import nonces
from plugin.lti import validation as v
from plugin.lti.platform_keys import PlatformKeyCache
from plugin.lti.settings import LtiSettings, lti_settings
from plugin.lti.validation import LaunchRequest, validate_launch
from plugin.lti_platform import LaunchSpec, TestPlatform, ToolRegistration, create_platform_app
from plugin.lti_platform.presets import User
from plugin.lti_platform.server import serve_in_thread
from plugin.models import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform
from plugin.views.lti import key_cache

LAUNCHES = int(os.environ.get("BENCH_LTI_LAUNCHES", str(size(1000, 5))))
BATCH = 200
TOOL = "http://localhost"
PEOPLE = 50


@dataclass
class Prepared:
    request: LaunchRequest
    token: str


@dataclass
class Figures:
    """CPU seconds per subject over all launches."""

    baseline: float = 0.0
    pylti: float | None = None
    pure: float = 0.0
    chain: float = 0.0
    full: float = 0.0
    leader: float = 0.0
    fetches: int = 0
    profile: str = ""
    chain_profile: str = ""


def main() -> None:
    platform = TestPlatform("http://placeholder")
    server = serve_in_thread(create_platform_app(platform))
    platform.issuer = server.url
    reg = ToolRegistration(
        "bench-client", "1", TOOL + "/lti/login", [TOOL + "/lti/launch"], TOOL + "/lti/launch"
    )
    platform.register_tool(reg)
    try:
        for database in ("sqlite", "postgresql"):
            try:
                with _database(database) as url:
                    figures = _run(url, platform, reg)
            except Exception as error:
                if database == "sqlite":
                    raise
                print(f"\n{database}: skipped ({type(error).__name__}: {error})")
                continue
            _report(database, figures)
    finally:
        server.stop()


@contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "postgresql":
        with scratch_database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        yield url


def _run(url: str, platform: TestPlatform, reg: ToolRegistration) -> Figures:
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
    with session_scope(app) as session:
        row = LtiPlatform(
            issuer=platform.issuer,
            name="bench",
            auth_login_url=platform.issuer + "/auth",
            jwks_url=platform.issuer + "/jwks",
        )
        client = LtiClient(platform=row, client_id=reg.client_id)
        session.add_all(
            [
                row,
                client,
                LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.ACTIVE),
            ]
        )
    figures = Figures()
    with app.app_context():
        _validation(app, platform, reg, figures)
        _requests(app, platform, reg, figures)
    figures.fetches = key_cache(app).fetch_count
    return figures


def _report(database: str, f: Figures) -> None:
    per = 1000.0 / LAUNCHES
    print(f"\n{database}: {LAUNCHES} launches per subject, ms CPU per launch")
    print(f"  baseline jwt.decode RS256:      {f.baseline * per:7.3f}")
    if f.pylti is not None:
        print(f"  pylti1p3 validate():            {f.pylti * per:7.3f}")
    else:
        print("  pylti1p3 validate():            not installed (pip install -e '.[bench]')")
    print(f"  Leaderled token checks, no DB:  {f.pure * per:7.3f}")
    print(f"  Leaderled validate_launch:      {f.chain * per:7.3f}")
    print(f"  Leaderled POST /lti/launch:     {f.full * per:7.3f}   (learner; goal < 5 ms)")
    print(f"  the same, the course's leader:  {f.leader * per:7.3f}   (page with team dashboard)")
    if f.pylti:
        print(f"  validate_launch / pylti1p3:     {f.chain / f.pylti:7.2f}x  (goal <= 1.0x)")
        print(f"  POST /lti/launch / pylti1p3:    {f.full / f.pylti:7.2f}x")
    print(f"  platform JWKS fetches over {2 * LAUNCHES} launches: {f.fetches} (goal: 1)")
    if f.chain_profile:
        print("  cProfile (CPU) of validate_launch:\n" + f.chain_profile)
    if f.profile:
        print("  cProfile (CPU) of POST /lti/launch:\n" + f.profile)


def _spec(
    platform: TestPlatform, reg: ToolRegistration, i: int, role: str = "learner"
) -> LaunchSpec:
    """Launch ``i`` of one of :data:`PEOPLE` learners (or a leader) of one course."""
    user = User(sub=str(i % PEOPLE) if role == "learner" else "leader")
    return LaunchSpec(claims=platform.claims_for(reg, user=user, role=role))


def _prepare(app: Flask, platform: TestPlatform, reg: ToolRegistration, n: int) -> list[Prepared]:
    """``n`` logins issued and authorized by the platform: fresh tokens."""
    now = int(time.time())
    prepared = []
    for i in range(n):
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
        token = form["id_token"]
        prepared.append(Prepared(LaunchRequest(token, issued.state, issued.binding), token))
    return prepared


def _token_checks(
    request: LaunchRequest,
    platform: TestPlatform,
    reg: ToolRegistration,
    cache: PlatformKeyCache,
    settings: LtiSettings,
) -> None:
    """The chain's checks that need no database (nonce compared, not looked up)."""
    assert request.id_token is not None
    login = nonces.Login("", "", platform.issuer, reg.client_id, 0)
    row = LtiPlatform(issuer=platform.issuer, jwks_url=platform.issuer + "/jwks")
    token = v.parse_token(request.id_token)
    payload = v.verify_signature(token, v.check_header(token), row, cache)
    v.check_times(payload, int(time.time()), settings)
    v.check_audience(payload, login)
    v.check_message(payload, settings)
    assert payload["iss"] == login.issuer


def _pylti(platform: TestPlatform, reg: ToolRegistration) -> Any:
    """A per-launch validator built on pylti1p3's Flask adapter, or None when
    the ``bench`` extra is not installed."""
    try:
        from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
        from pylti1p3.tool_config import ToolConfDict
    except ImportError:
        return None
    config = ToolConfDict(
        {
            platform.issuer: [
                {
                    "default": True,
                    "client_id": reg.client_id,
                    "auth_login_url": platform.issuer + "/auth",
                    "auth_token_url": platform.issuer + "/token",
                    "key_set_url": platform.issuer + "/jwks",
                    # Keys cached: pylti1p3 takes a configured key set as is.
                    "key_set": platform.jwks(),
                    "deployment_ids": ["1"],
                }
            ]
        }
    )

    def build(item: Prepared) -> Any:
        state = item.request.state or ""
        # What pylti1p3's own login step leaves: the state cookie and the
        # nonce in the session.
        nonce = jwt.decode(item.token, options={"verify_signature": False})["nonce"]
        request = FlaskRequest(
            cookies={"lti1p3-" + state: state},
            session={"lti1p3-nonce-" + nonce: True},
            request_data={"state": state, "id_token": item.token},
            request_is_secure=True,
        )
        return FlaskMessageLaunch(request, config)

    return build


def _validation(app: Flask, platform: TestPlatform, reg: ToolRegistration, f: Figures) -> None:
    settings = lti_settings(app)
    cache = key_cache(app)
    database = get_db(app)
    public = platform.private_key.public_key()
    build = _pylti(platform, reg)
    profiler = _profiler()
    done = 0
    while done < LAUNCHES:
        batch = _prepare(app, platform, reg, min(BATCH, LAUNCHES - done))
        done += len(batch)
        start = time.process_time()
        for item in batch:
            jwt.decode(item.token, public, algorithms=["RS256"], audience=reg.client_id)
        f.baseline += time.process_time() - start
        if build is not None:
            launches = [build(item) for item in batch]
            start = time.process_time()
            for launch in launches:
                launch.validate()
            f.pylti = (f.pylti or 0.0) + time.process_time() - start
        start = time.process_time()
        for item in batch:
            _token_checks(item.request, platform, reg, cache, settings)
        f.pure += time.process_time() - start
        if profiler is not None:
            profiler.enable()
        start = time.process_time()
        for item in batch:
            # The connection the launch view validates on (autocommit; on
            # SQLite its commits do not wait for the disk unless
            # LEADERLED_SQLITE_LAUNCH_SYNCHRONOUS=full).
            with database.launch_checks() as conn:
                validate_launch(
                    conn, item.request, keys=cache, settings=settings, now=int(time.time())
                )
        f.chain += time.process_time() - start
        if profiler is not None:
            profiler.disable()
    f.chain_profile = _summary(profiler)


def _profiler() -> cProfile.Profile | None:
    """A CPU-time profiler when ``BENCH_LTI_PROFILE`` is set."""
    if not os.environ.get("BENCH_LTI_PROFILE"):
        return None
    return cProfile.Profile(time.process_time)


def _summary(profiler: cProfile.Profile | None) -> str:
    if profiler is None:
        return ""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"plugin/|flask/app|jinja2/environment", 25)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def _requests(app: Flask, platform: TestPlatform, reg: ToolRegistration, f: Figures) -> None:
    """Learners' launches (the rush), then a fifth as many of the course's
    leader, whose page also shows the team dashboard."""
    client = app.test_client()
    profiler = _profiler()
    for i in range(LAUNCHES):
        f.full += _post(client, platform, reg, _spec(platform, reg, i), profiler)
    f.profile = _summary(profiler)
    leaders = max(1, LAUNCHES // 5)
    for i in range(leaders):
        f.leader += _post(client, platform, reg, _spec(platform, reg, i, "leader"), None)
    f.leader = f.leader * LAUNCHES / leaders  # reported per launch like the others


def _post(
    client: FlaskClient,
    platform: TestPlatform,
    reg: ToolRegistration,
    spec: LaunchSpec,
    profiler: cProfile.Profile | None,
) -> float:
    """CPU seconds of one ``POST /lti/launch`` (the login before it not counted)."""
    started = client.get("/lti/login", query_string=platform.login_params(reg, spec))
    _, form = platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    if profiler is not None:
        profiler.enable()
    start = time.process_time()
    response = client.post("/lti/launch", data=form)
    spent = time.process_time() - start
    if profiler is not None:
        profiler.disable()
    if response.status_code != 200:
        raise SystemExit(f"launch failed: {response.get_data(as_text=True)[:500]}")
    return spent
