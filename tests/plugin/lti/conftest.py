"""Fixtures for the LTI tests: a live development LMS on a loopback port (its
JWKS fetched over real HTTP), a tool app registered with it, and a helper that
drives a full OIDC login + launch through both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from plugin import create_app
from plugin.db import session_scope
from plugin.lti_platform import LaunchSpec, TestPlatform, ToolRegistration, create_platform_app
from plugin.lti_platform.presets import User
from plugin.lti_platform.server import RunningServer, serve_in_thread
from plugin.models import (
    DeploymentStatus,
    LtiClient,
    LtiDeployment,
    LtiLaunchSession,
    LtiPlatform,
    LtiUsedNonce,
    Membership,
    Person,
    PersonIdentifier,
    Team,
)
from tests.conftest import wipe_database

TOOL_URL = "http://localhost"
# A fixed Fernet key: the tool's private keys are stored encrypted in tests, as in production.
TEST_KEY_ENCRYPTION_KEY = "3kXWjJ0pDd1t0Qm8Wk0t7pQ2b7l0lU2k0sY9m5x8aQc="
CLIENT_ID = "leaderled-client"
DEPLOYMENT_ID = "3"


NOTHING_STORED = {
    "person": 0,
    "person_identifier": 0,
    "team": 0,
    "membership": 0,
    "lti_launch_session": 0,
    "lti_used_nonce": 0,
}


@dataclass
class LivePlatform:
    platform: TestPlatform
    server: RunningServer
    app: Flask

    @property
    def url(self) -> str:
        return self.server.url


def _live_platform(preset: str) -> Iterator[LivePlatform]:
    platform = TestPlatform("http://placeholder", preset=preset)
    app = create_platform_app(platform)
    server = serve_in_thread(app, "127.0.0.1")
    platform.issuer = server.url
    try:
        yield LivePlatform(platform=platform, server=server, app=app)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def moodle() -> Iterator[LivePlatform]:
    yield from _live_platform("moodle")


@pytest.fixture(scope="module")
def canvas() -> Iterator[LivePlatform]:
    yield from _live_platform("canvas")


def make_tool_app(database_url: str, public_url: str = TOOL_URL, **extra: Any) -> Flask:
    return create_app(
        {
            "database_url": database_url,
            "testing": True,
            "secret_key": "test-secret",
            "public_url": public_url,
            "LTI_PRIVATE_HOSTS": "127.0.0.1",  # the development LMS runs on 127.0.0.1
            "key_encryption_keys": TEST_KEY_ENCRYPTION_KEY,
            **extra,
        }
    )


def wipe(app: Flask) -> None:
    wipe_database(app)


@pytest.fixture
def tool(database_url: str) -> Iterator[Flask]:
    app = make_tool_app(database_url)
    yield app
    wipe(app)


@pytest.fixture
def tool_client(tool: Flask) -> FlaskClient:
    return tool.test_client()


def register(
    app: Flask,
    live: LivePlatform,
    *,
    client_id: str = CLIENT_ID,
    deployment_id: str = DEPLOYMENT_ID,
    status: DeploymentStatus = DeploymentStatus.ACTIVE,
    tool_url: str = TOOL_URL,
    **platform_fields: Any,
) -> ToolRegistration:
    """Register the platform with the tool (DB rows) and the tool with the platform."""
    with session_scope(app) as session:
        row = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == live.url))
        if row is None:
            row = LtiPlatform(
                issuer=live.url,
                name=live.platform.preset.title(),
                auth_login_url=live.url + "/auth",
                jwks_url=live.url + "/jwks",
                **platform_fields,
            )
            session.add(row)
        client = LtiClient(platform=row, client_id=client_id)
        session.add(client)
        session.add(LtiDeployment(client=client, deployment_id=deployment_id, status=status))
    registration = ToolRegistration(
        client_id=client_id,
        deployment_id=deployment_id,
        login_url=tool_url + "/lti/login",
        redirect_uris=[tool_url + "/lti/launch"],
        target_link_uri=tool_url + "/lti/launch",
        jwks_url=tool_url + "/lti/jwks",
    )
    live.platform.register_tool(registration)
    return registration


def spec_for(
    live: LivePlatform,
    reg: ToolRegistration,
    *,
    user: User | None = None,
    role: str = "leader",
    mutators: tuple[Any, ...] = (),
    **kwargs: Any,
) -> LaunchSpec:
    claims = live.platform.claims_for(reg, user=user or User(sub="2"), role=role, **kwargs)
    spec = LaunchSpec(claims=claims)
    for mutate in mutators:
        mutate(spec)
    return spec


def login(
    client: FlaskClient,
    live: LivePlatform,
    reg: ToolRegistration,
    spec: LaunchSpec,
    **overrides: str,
) -> TestResponse:
    params = live.platform.login_params(reg, spec, **overrides)
    return client.get("/lti/login", query_string=params)


def authorize_over_http(location: str) -> tuple[str, dict[str, str]]:
    """Follow the tool's redirect to the live platform's /auth; read its form_post."""
    response = requests.get(location, timeout=10)
    assert response.status_code == 200, response.text
    action = unescape(re.search(r'action="([^"]+)"', response.text).group(1))  # type: ignore[union-attr]
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'name="([^"]+)" value="([^"]*)"', response.text)
    }
    return action, fields


def launch(
    client: FlaskClient,
    live: LivePlatform,
    reg: ToolRegistration,
    spec: LaunchSpec,
    *,
    over_http: bool = False,
) -> tuple[TestResponse, dict[str, str]]:
    """Login initiation, platform authorization, then the form_post to /lti/launch."""
    started = login(client, live, reg, spec)
    assert started.status_code == 302, started.get_data(as_text=True)
    if over_http:
        action, form = authorize_over_http(started.location)
    else:
        action, form = live.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    return client.post(urlsplit(action).path, data=form), form


def stored(app: Flask, *, registrations: bool = False) -> dict[str, int]:
    """Row counts of everything a launch may create; with ``registrations``,
    also of the platform, client and deployment rows (logins and launches of
    an unapproved platform must not add any)."""
    models: tuple[type[Any], ...] = (
        Person,
        PersonIdentifier,
        Team,
        Membership,
        LtiLaunchSession,
        LtiUsedNonce,
    )
    if registrations:
        models += (LtiPlatform, LtiClient, LtiDeployment)
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in models
        }
