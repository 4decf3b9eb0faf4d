"""A second, independent platform: ``lti1p3platform`` from PyPI drives the
OIDC login and signs the launch; its JWKS is served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify
from flask.testing import FlaskClient
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import MessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti_platform.server import RunningServer, serve_in_thread
from plugin.models import (
    DeploymentStatus,
    LtiClient,
    LtiDeployment,
    LtiPlatform,
    Membership,
    Role,
)

from .conftest import TOOL_URL


class Config(LTI1P3PlatformConfAbstract):  # type: ignore[misc]
    def init_platform_config(self, **kwargs: Any) -> None:
        self._fixed = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._fixed


class DictRequest(Request):  # type: ignore[misc]
    def build_metadata(self, request: Any) -> Any:
        return request


class Login(OIDCLoginAbstract):  # type: ignore[misc]
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(MessageLaunchAbstract):  # type: ignore[misc]
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@pytest.fixture(scope="module")
def other_lms() -> Iterator[tuple[Config, RunningServer]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    app = Flask("lti1p3platform-jwks")
    holder: dict[str, Config] = {}
    app.add_url_rule("/jwks", "jwks", lambda: jsonify(holder["config"].get_jwks()))
    server = serve_in_thread(app)
    registration = (
        Registration()
        .set_iss(server.url)
        .set_client_id("lti1p3platform-client")
        .set_deployment_id("deployment-7")
        .set_oidc_login_url(TOOL_URL + "/lti/login")
        .set_launch_url(TOOL_URL + "/lti/launch")
        .set_platform_public_key(public_pem)
        .set_platform_private_key(private_pem)
    )
    config = Config(registration=registration)
    config.get_registration()
    holder["config"] = config
    try:
        yield config, server
    finally:
        server.stop()


def test_launch_signed_by_lti1p3platform(
    tool: Flask, tool_client: FlaskClient, other_lms: tuple[Config, RunningServer]
) -> None:
    config, server = other_lms
    with session_scope(tool) as session:
        platform = LtiPlatform(
            issuer=server.url,
            name="lti1p3platform",
            auth_login_url=server.url + "/authorize",
            jwks_url=server.url + "/jwks",
        )
        client = LtiClient(platform=platform, client_id="lti1p3platform-client")
        session.add_all([platform, client])
        session.add(
            LtiDeployment(
                client=client, deployment_id="deployment-7", status=DeploymentStatus.ACTIVE
            )
        )

    login = Login(DictRequest({}), config)
    login.set_lti_message_hint(hint="resource-1")
    initiation = urlsplit(login.initiate_login("user-42"))
    started = tool_client.get(initiation.path, query_string=initiation.query)
    assert started.status_code == 302, started.get_data(as_text=True)
    preflight = dict(parse_qsl(urlsplit(started.location).query))

    message = Launch(DictRequest({"get_data": preflight, "form_data": {}}), config)
    message.set_user_data(
        "user-42",
        ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        full_name="Katherine Johnson",
        email_address="kj@example.org",
    )
    message.set_resource_link_claim("resource-1", title="Coaching")
    message.set_launch_context_claim("course-9", context_title="Orbital mechanics")
    launch_data = message.lti_launch()
    assert launch_data["launch_url"] == TOOL_URL + "/lti/launch"

    response = tool_client.post(
        "/lti/launch", data={"id_token": launch_data["id_token"], "state": launch_data["state"]}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Katherine Johnson" in page
    assert "Orbital mechanics" in page
    with session_scope(tool) as session:
        assert session.scalars(select(Membership.role)).one() is Role.LEADER
