"""The development LMS's state: keys, tool registrations, pending launches.

Tests use it in-process (:meth:`TestPlatform.login_params`,
:meth:`TestPlatform.authorize`) or over HTTP through
:func:`plugin.lti_platform.create_platform_app`. Not for production.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from plugin.lti_platform import presets
from plugin.lti_platform.presets import Course, User

# A signer turns (claims, header) into the compact JWT the tool receives.
Signer = Callable[["TestPlatform", dict[str, Any], dict[str, Any]], str]
# A mutator breaks (or tweaks) one thing about a launch just before signing.
Mutator = Callable[["LaunchSpec"], None]


class PlatformError(Exception):
    """An authorization request the platform refuses (like a real LMS would)."""


@dataclass
class ToolRegistration:
    """How the platform knows the tool: the client id it issued and tool URLs."""

    client_id: str
    deployment_id: str
    login_url: str
    redirect_uris: list[str]
    target_link_uri: str
    jwks_url: str = ""


@dataclass
class LaunchSpec:
    """One launch the platform will sign once the tool's auth request comes."""

    claims: dict[str, Any]
    header: dict[str, Any] = field(default_factory=dict)
    signer: Signer | None = None
    # Claims removed after the nonce is set (e.g. drop "exp").
    drop: set[str] = field(default_factory=set)
    # Nonce to put instead of the one the tool sent (nonce mismatch / reuse).
    nonce: str | None = None
    # Claims set after the auth request is known (e.g. iat far in the future).
    late: dict[str, Any] = field(default_factory=dict)
    # The LMS session (browser) that started this launch, once a browser
    # opened it from a course page: only that browser may complete it, as in
    # Moodle, which keeps a launch in its user's session and checks login_hint.
    session: str | None = None


def rs256_signer(platform: TestPlatform, claims: dict[str, Any], header: dict[str, Any]) -> str:
    headers = {"kid": platform.kid, **header}
    return jwt.encode(claims, platform.private_key, algorithm="RS256", headers=headers)


class TestPlatform:
    """An in-memory LMS with one signing key (plus optional rotated ones)."""

    __test__ = False  # not a pytest test class

    def __init__(self, issuer: str, *, preset: str = "moodle") -> None:
        self.issuer = issuer
        self.preset = preset
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-" + secrets.token_hex(4)
        self.extra_public: dict[str, rsa.RSAPublicKey] = {}
        self.tools: dict[str, ToolRegistration] = {}
        self.pending: dict[str, LaunchSpec] = {}
        self.jwks_cache_control = "max-age=300"
        self.jwks_hits = 0
        self._lock = threading.Lock()

    # keys -----------------------------------------------------------------
    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        keys = []
        for kid, public in [(self.kid, self.private_key.public_key()), *self.extra_public.items()]:
            jwk = json.loads(RSAAlgorithm.to_jwk(public))
            jwk.update(kid=kid, alg="RS256", use="sig")
            keys.append(jwk)
        with self._lock:
            self.jwks_hits += 1
        return {"keys": keys}

    def rotate(self) -> None:
        """Switch to a fresh signing key (the JWKS then publishes only it)."""
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-" + secrets.token_hex(4)

    # launches -------------------------------------------------------------
    def register_tool(self, tool: ToolRegistration) -> None:
        self.tools[tool.client_id] = tool

    def claims_for(
        self,
        tool: ToolRegistration,
        *,
        user: User,
        role: str = "leader",
        course: Course | None = None,
        preset: str | None = None,
        deep_linking_return_url: str | None = None,
        deep_linking: bool = False,
    ) -> dict[str, Any]:
        builder = (
            presets.canvas_claims
            if (preset or self.preset) == "canvas"
            else (presets.moodle_claims)
        )
        claims = builder(
            issuer=self.issuer,
            client_id=tool.client_id,
            deployment_id=tool.deployment_id,
            target_link_uri=tool.target_link_uri,
            user=user,
            role=role,
            course=course or Course(),
            now=int(time.time()),
        )
        if deep_linking:
            claims = presets.as_deep_linking(claims, return_url=deep_linking_return_url)
        return claims

    def prepare(self, spec: LaunchSpec) -> str:
        """Remember ``spec``; the returned ``lti_message_hint`` names it."""
        hint = secrets.token_urlsafe(12)
        with self._lock:
            self.pending[hint] = spec
        return hint

    def login_params(
        self, tool: ToolRegistration, spec: LaunchSpec, **overrides: str
    ) -> dict[str, str]:
        """The third-party login initiation request a platform sends the tool."""
        params = {
            "iss": self.issuer,
            "login_hint": str(spec.claims.get("sub", "anonymous")),
            "target_link_uri": tool.target_link_uri,
            "lti_message_hint": self.prepare(spec),
            "client_id": tool.client_id,
            "lti_deployment_id": tool.deployment_id,
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def bind(self, hint: str, session: str) -> None:
        """The launch ``hint`` was started by the browser with LMS session ``session``."""
        with self._lock:
            spec = self.pending.get(hint)
            if spec is not None and spec.session is None:
                spec.session = session

    def authorize(
        self, query: dict[str, str], *, session: str | None = None
    ) -> tuple[str, dict[str, str]]:
        """The OIDC authorization endpoint: checks the request, signs the
        id_token, and returns (redirect_uri, form fields to POST there).
        ``session`` is the asking browser's LMS session: a launch started from
        a course page is completed only for the browser that started it."""
        for name, expected in (
            ("scope", "openid"),
            ("response_type", "id_token"),
            ("response_mode", "form_post"),
            ("prompt", "none"),
        ):
            if query.get(name) != expected:
                raise PlatformError(f"{name} must be {expected!r}")
        tool = self.tools.get(query.get("client_id", ""))
        if tool is None:
            raise PlatformError("unknown client_id")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in tool.redirect_uris:
            raise PlatformError("redirect_uri is not registered for this client")
        for required in ("state", "nonce", "login_hint", "lti_message_hint"):
            if not query.get(required):
                raise PlatformError(f"{required} is required")
        with self._lock:
            spec = self.pending.get(query["lti_message_hint"])
            if spec is not None and spec.session is not None and spec.session != session:
                raise PlatformError(
                    "this browser is not signed in to the LMS as the user who started the launch"
                )
            spec = self.pending.pop(query["lti_message_hint"], None)
        if spec is None:
            raise PlatformError("unknown or used lti_message_hint")
        if str(spec.claims.get("sub", "anonymous")) != query["login_hint"]:
            raise PlatformError("login_hint does not match the launching user")
        claims = dict(spec.claims)
        claims["nonce"] = spec.nonce if spec.nonce is not None else query["nonce"]
        claims.update(spec.late)
        for name in spec.drop:
            claims.pop(name, None)
        signer = spec.signer or rs256_signer
        return redirect_uri, {
            "id_token": signer(self, claims, spec.header),
            "state": query["state"],
        }
