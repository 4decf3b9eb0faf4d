"""State and shared checks of the development LMS's LTI Advantage services.

What the endpoints remember (clients, rosters, line items, scores, tokens,
spent assertion ids, registration tokens) lives in one :class:`PlatformServices`
per platform app, in memory, behind one lock. The helpers here authenticate
callers (bearer tokens and their scopes; client keys from the tool's JWKS)
the same way for every endpoint. Development and tests only.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
ALL_SCOPES = frozenset(
    {SCOPE_NRPS, SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_SCORE, SCOPE_RESULT_READ}
)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
EXTENSION = "leaderled.lti_platform.services"


@dataclass
class ToolClient:
    """A tool registered with this platform (by hand or dynamically)."""

    client_id: str
    jwks_url: str
    scopes: frozenset[str]
    deployment_id: str
    registration: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlatformServices:
    """Everything the service endpoints remember, guarded by one lock."""

    page_size: int = 50
    # Serve NRPS "Link: next" on this origin instead of our own (a hostile platform).
    next_page_origin: str | None = None
    token_lifetime: int = 3600
    # Moodle's "use this service for grade sync only": no line item management.
    grade_sync_only: bool = False
    # Some platforms ignore the resource_id/tag filters of line item queries.
    line_item_filters: bool = True
    product_family_code: str = "leaderled-test-platform"
    clients: dict[str, ToolClient] = field(default_factory=dict)
    contexts: dict[str, dict[str, str]] = field(default_factory=dict)
    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    line_items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    scores: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tokens: dict[str, tuple[str, frozenset[str], float]] = field(default_factory=dict)
    used_jti: dict[str, float] = field(default_factory=dict)
    registration_tokens: dict[str, float] = field(default_factory=dict)
    deep_link_responses: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_client(
        self,
        client_id: str,
        jwks_url: str,
        *,
        scopes: frozenset[str] = ALL_SCOPES,
        deployment_id: str = "1",
    ) -> ToolClient:
        tool = ToolClient(client_id, jwks_url, frozenset(scopes), deployment_id)
        with self.lock:
            self.clients[client_id] = tool
        return tool

    def set_roster(
        self, context_id: str, members: list[dict[str, Any]], *, title: str = ""
    ) -> None:
        with self.lock:
            self.contexts[context_id] = {"id": context_id, "title": title or context_id}
            self.rosters[context_id] = list(members)

    def issue_registration_token(self, lifetime: int = 600) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.registration_tokens[token] = time.time() + lifetime
        return token


def services_of(app: Flask) -> PlatformServices:
    state: PlatformServices = app.extensions[EXTENSION]
    return state


def current_state() -> PlatformServices:
    return services_of(current_app)


def core_platform() -> Any:
    """The core test platform (keys, OIDC, launches) when this blueprint runs in it."""
    return current_app.extensions.get("lti_platform")


def platform_issuer() -> str:
    """The issuer the platform signs with (by default its own origin)."""
    platform = core_platform()
    if platform is not None:
        return str(platform.issuer)
    issuer = current_app.config.get("LTI_PLATFORM_ISSUER")
    return str(issuer) if issuer else request.host_url.rstrip("/")


def find_client(state: PlatformServices, client_id: str) -> ToolClient | None:
    """A client registered here, or one registered by hand with the core test platform."""
    tool = state.clients.get(client_id)
    if tool is not None:
        return tool
    platform = core_platform()
    known = platform.tools.get(client_id) if platform is not None else None
    if known is None or not known.jwks_url:
        return None
    scopes = ALL_SCOPES - {SCOPE_LINEITEM} if state.grade_sync_only else ALL_SCOPES
    return ToolClient(client_id, known.jwks_url, scopes, known.deployment_id)


class OAuthError(HTTPException):
    """An RFC 6749 section 5.2 error response."""

    def __init__(self, error: str, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.error = error

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        response = jsonify(error=self.error, error_description=self.description)
        response.status_code = self.code or 400
        if self.code == 401:
            response.headers["WWW-Authenticate"] = f'Bearer error="{self.error}"'
        return response


def tool_key(tool: ToolClient, kid: str) -> Any:
    try:
        response = requests.get(tool.jwks_url, timeout=(3.05, 10))
        response.raise_for_status()
        keys = jwt.PyJWKSet.from_dict(response.json())
    except (requests.RequestException, ValueError, jwt.PyJWTError) as exc:
        raise OAuthError(
            "invalid_client", f"could not read the tool's JWKS: {type(exc).__name__}", 401
        ) from exc
    for key in keys.keys:
        if key.key_id == kid:
            return key.key
    raise OAuthError("invalid_client", f"no key {kid!r} in the tool's JWKS", 401)


def require_scope(*accepted: str) -> str:
    """The client id behind the bearer token, if it carries one of ``accepted``."""
    auth = request.headers.get("Authorization", "")
    if not auth.lower().startswith("bearer "):
        raise OAuthError("invalid_token", "a bearer token is required", 401)
    state = current_state()
    with state.lock:
        entry = state.tokens.get(auth[7:].strip())
    if entry is None or entry[2] <= time.time():
        raise OAuthError("invalid_token", "unknown or expired access token", 401)
    client_id, scopes, _ = entry
    if not scopes & set(accepted):
        raise OAuthError("insufficient_scope", "the access token lacks the scope", 403)
    return client_id
