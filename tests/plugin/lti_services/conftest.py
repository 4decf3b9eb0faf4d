"""Real servers on loopback ports: the test platform's services and the tool's JWKS."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from lti_svc_helpers import Hostile, LiveLms, LiveTool, Served, serve

from plugin import create_app
from plugin.lti.keys import SigningKey
from plugin.lti.service_token import ServiceAccess
from plugin.lti_platform import TestPlatform, create_platform_app, services
from tests.conftest import wipe_database


@pytest.fixture(scope="session")
def tool_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey("tool-key-1", private)


def public_jwks(*keys: SigningKey) -> dict[str, object]:
    out = []
    for key in keys:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
        out.append(jwk | {"kid": key.kid, "alg": "RS256", "use": "sig"})
    return {"keys": out}


@pytest.fixture(scope="session")
def tool_jwks_url(tool_key: SigningKey) -> Iterator[str]:
    """The tool's public keys, served the way a platform fetches them."""
    app = Flask("tool-jwks")
    app.add_url_rule("/lti/jwks", "jwks", lambda: jsonify(public_jwks(tool_key)))
    for served in serve(app):
        yield served.url + "/lti/jwks"


@pytest.fixture
def platform() -> Iterator[Served]:
    app = Flask("test-platform")
    app.register_blueprint(services.bp)
    yield from serve(app)


@pytest.fixture
def state(platform: Served) -> services.PlatformServices:
    return services.services_of(platform.app)


@pytest.fixture
def access(platform: Served, tool_key: SigningKey) -> ServiceAccess:
    return ServiceAccess(
        issuer=platform.url,
        client_id="tool-client",
        token_url=platform.url + "/platform/token",
        key=tool_key,
    )


@pytest.fixture
def lms() -> Iterator[LiveLms]:
    """The core development LMS (keys, OIDC) with these services, on a real port."""
    platform = TestPlatform("http://placeholder")
    app = create_platform_app(platform)
    for served in serve(app):
        platform.issuer = served.url
        yield LiveLms(platform, app, served.url)


@pytest.fixture
def live_tool(database_url: str) -> Iterator[LiveTool]:
    """The tool on a real port (platforms fetch its JWKS) whose public URL is that port."""
    yield from _live_tool(database_url, "127.0.0.1")


@pytest.fixture
def tool_on_localhost(database_url: str) -> Iterator[LiveTool]:
    """The tool on http://localhost:<port>: another site than the 127.0.0.1 platform."""
    yield from _live_tool(database_url, "localhost")


def _live_tool(database_url: str, host: str) -> Iterator[LiveTool]:
    holder: dict[str, Flask] = {}

    def wsgi(environ: dict[str, object], start_response: object) -> object:
        return holder["app"](environ, start_response)  # type: ignore[arg-type]

    servers = serve(wsgi, host)
    served = next(servers)
    app = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "secret_key": "test-secret",
            "public_url": served.url,
            "LTI_PRIVATE_HOSTS": "127.0.0.1",  # the development LMS runs on 127.0.0.1
            "key_encryption_keys": "3kXWjJ0pDd1t0Qm8Wk0t7pQ2b7l0lU2k0sY9m5x8aQc=",
        }
    )
    holder["app"] = app
    try:
        yield LiveTool(app, served.url, app.test_client())
    finally:
        servers.close()
        wipe_database(app)


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    state = Hostile()
    app = Flask("hostile-platform")

    @app.get("/cfg")
    def cfg() -> ResponseReturnValue:
        return jsonify(state.document())

    @app.get("/elsewhere")
    def elsewhere() -> ResponseReturnValue:
        return redirect("http://169.254.169.254/latest/meta-data/", code=302)

    @app.post("/register")
    def register() -> ResponseReturnValue:
        request.get_json()
        state.registrations += 1
        status, body = state.answer
        if body.get("client_id") == "fresh":
            state.next_client += 1
            body = body | {"client_id": f"fresh-{state.next_client}"}
        return jsonify(body), status

    @app.post("/register-redirect")
    def register_redirect() -> ResponseReturnValue:
        state.registrations += 1
        return redirect("http://169.254.169.254/", code=307)

    for served in serve(app):
        state.url = served.url
        yield state
