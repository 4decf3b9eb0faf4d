"""Helpers shared by the LTI services tests: real servers on loopback ports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from plugin.db import session_scope
from plugin.lti.outbound import OutboundClient, PrivateHosts
from plugin.lti_platform import LaunchSpec, TestPlatform, ToolRegistration
from plugin.lti_platform.presets import User
from plugin.lti_platform.services import PlatformServices, services_of
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform

# The development LMS runs on 127.0.0.1: the one private host the tests allow.
LOOPBACK = OutboundClient(PrivateHosts.parse("127.0.0.1"))


@dataclass
class Served:
    app: Flask
    url: str


def serve(app: Any, host: str = "127.0.0.1") -> Iterator[Served]:
    """Run ``app`` on a free loopback port in a thread (concurrent requests);
    a short poll interval keeps shutdown (one per test) quick."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Served(app, f"http://{host}:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The first form's action and its hidden/text inputs (value attributes)."""
    import re
    from html import unescape

    action = re.search(r'<form[^>]*action="([^"]*)"', html)
    assert action is not None, html
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }
    return unescape(action.group(1)), fields


@dataclass
class LiveLms:
    platform: TestPlatform
    app: Flask
    url: str

    @property
    def services(self) -> PlatformServices:
        return services_of(self.app)


@dataclass
class LiveTool:
    app: Flask
    url: str
    client: FlaskClient


def register_tool(
    tool: LiveTool,
    lms: LiveLms,
    *,
    client_id: str = "leaderled-client",
    deployment_id: str = "3",
    status: DeploymentStatus = DeploymentStatus.ACTIVE,
) -> ToolRegistration:
    """Both sides know each other, as after a manual registration."""
    with session_scope(tool.app) as session:
        row = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == lms.url))
        if row is None:
            row = LtiPlatform(
                issuer=lms.url,
                name="Moodle",
                auth_login_url=lms.url + "/auth",
                jwks_url=lms.url + "/jwks",
                token_url=lms.url + "/platform/token",
            )
            session.add(row)
        client = LtiClient(platform=row, client_id=client_id)
        session.add(client)
        session.add(LtiDeployment(client=client, deployment_id=deployment_id, status=status))
    registration = ToolRegistration(
        client_id=client_id,
        deployment_id=deployment_id,
        login_url=tool.url + "/lti/login",
        redirect_uris=[tool.url + "/lti/launch"],
        target_link_uri=tool.url + "/lti/launch",
        jwks_url=tool.url + "/lti/jwks",
    )
    lms.platform.register_tool(registration)
    return registration


def launch(
    tool: LiveTool,
    lms: LiveLms,
    reg: ToolRegistration,
    *,
    user: User | None = None,
    role: str = "leader",
    extra_claims: dict[str, Any] | None = None,
    **claim_options: Any,
) -> TestResponse:
    """OIDC login at the tool, authorization at the platform, form_post to the tool."""
    claims = lms.platform.claims_for(reg, user=user or User(sub="2"), role=role, **claim_options)
    claims.update(extra_claims or {})
    params = lms.platform.login_params(reg, LaunchSpec(claims=claims))
    started = tool.client.get("/lti/login", query_string=params)
    assert started.status_code == 302, started.get_data(as_text=True)
    action, form = lms.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))
    return tool.client.post(urlsplit(action).path, data=form)


class Hostile:
    """A platform whose configuration and registration answer are set per test."""

    def __init__(self) -> None:
        self.url = ""
        self.config: dict[str, Any] = {}
        self.answer: tuple[int, dict[str, Any]] = (200, {"client_id": "c1"})
        self.registrations = 0
        self.next_client = 0

    def document(self) -> dict[str, Any]:
        url = self.url
        return {
            "issuer": url,
            "authorization_endpoint": url + "/auth",
            "token_endpoint": url + "/token",
            "jwks_uri": url + "/jwks",
            "registration_endpoint": url + "/register",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "messages_supported": [{"type": "LtiResourceLinkRequest"}]
            },
        } | self.config
