"""Platform side of LTI Advantage for the in-repo test platform.

A token endpoint that verifies RFC 7523 client assertions against the tool's
published JWKS, NRPS memberships with paging, AGS line items and scores, and
LTI Dynamic Registration (openid-configuration and a registration endpoint).
It is written from the specs, independently of the tool's client code, so a
mistake on either side shows up as a failed exchange rather than agreeing
with itself. State is in memory: this is a test and demo platform.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from plugin.app import csrf

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

bp = Blueprint("lti_platform_services", __name__, url_prefix="/platform")


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
    token_lifetime: int = 3600
    # Moodle's "use this service for grade sync only": no line item management.
    grade_sync_only: bool = False
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


@bp.record_once
def _init_state(setup: BlueprintSetupState) -> None:
    setup.app.extensions.setdefault(EXTENSION, PlatformServices())
    csrf.exempt(bp)  # machine-to-machine endpoints; the test platform may reuse our csrf


def _state() -> PlatformServices:
    return services_of(current_app)


def _test_platform() -> Any:
    """The core test platform (keys, OIDC, launches) when this blueprint runs in it."""
    return current_app.extensions.get("lti_platform")


def platform_issuer() -> str:
    """The issuer the platform signs with (by default its own origin)."""
    platform = _test_platform()
    if platform is not None:
        return str(platform.issuer)
    issuer = current_app.config.get("LTI_PLATFORM_ISSUER")
    return str(issuer) if issuer else request.host_url.rstrip("/")


def _client(state: PlatformServices, client_id: str) -> ToolClient | None:
    """A client registered here, or one registered by hand with the core test platform."""
    tool = state.clients.get(client_id)
    if tool is not None:
        return tool
    platform = _test_platform()
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


# ---------------------------------------------------------------- token endpoint


def _tool_key(tool: ToolClient, kid: str) -> Any:
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


@bp.post("/token")
def token() -> Response:
    state = _state()
    form = request.form
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", "only client_credentials is supported")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise OAuthError("invalid_client", "a JWT client assertion is required", 401)
    assertion = form.get("client_assertion", "")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise OAuthError("invalid_client", "the client assertion is not a JWT", 401) from exc
    tool = _client(state, str(unverified.get("iss")))
    if tool is None:
        raise OAuthError("invalid_client", "unknown client", 401)
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise OAuthError("invalid_client", "assertions must be RS256 with a kid", 401)
    audience = url_for("lti_platform_services.token", _external=True)
    try:
        claims = jwt.decode(
            assertion,
            _tool_key(tool, str(header["kid"])),
            algorithms=["RS256"],
            audience=audience,
            issuer=tool.client_id,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise OAuthError("invalid_client", f"client assertion rejected: {exc}", 401) from exc
    if claims["sub"] != tool.client_id:
        raise OAuthError("invalid_client", "sub must equal the client id", 401)
    now = time.time()
    with state.lock:
        state.used_jti = {j: exp for j, exp in state.used_jti.items() if exp > now}
        if claims["jti"] in state.used_jti:
            raise OAuthError("invalid_client", "client assertion jti already used", 401)
        state.used_jti[claims["jti"]] = float(claims["exp"])
    asked = set(form.get("scope", "").split())
    granted = frozenset(asked & tool.scopes)
    if not granted:
        raise OAuthError("invalid_scope", "none of the requested scopes is granted to this tool")
    value = secrets.token_urlsafe(32)
    with state.lock:
        state.token_requests += 1
        state.tokens[value] = (tool.client_id, granted, now + state.token_lifetime)
    body = {"access_token": value, "token_type": "Bearer"}
    return jsonify(body | {"expires_in": state.token_lifetime, "scope": " ".join(sorted(granted))})


def _require_scope(*accepted: str) -> str:
    """The client id behind the bearer token, if it carries one of ``accepted``."""
    auth = request.headers.get("Authorization", "")
    if not auth.lower().startswith("bearer "):
        raise OAuthError("invalid_token", "a bearer token is required", 401)
    state = _state()
    with state.lock:
        entry = state.tokens.get(auth[7:].strip())
    if entry is None or entry[2] <= time.time():
        raise OAuthError("invalid_token", "unknown or expired access token", 401)
    client_id, scopes, _ = entry
    if not scopes & set(accepted):
        raise OAuthError("insufficient_scope", "the access token lacks the scope", 403)
    return client_id


# ---------------------------------------------------------------- NRPS


@bp.get("/nrps/<context_id>/memberships")
def memberships(context_id: str) -> Response:
    _require_scope(SCOPE_NRPS)
    state = _state()
    if context_id not in state.rosters:
        raise OAuthError("not_found", "no such context", 404)
    limit = min(max(request.args.get("limit", state.page_size, type=int) or 1, 1), 1000)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    members = state.rosters[context_id]
    role = request.args.get("role")
    if role:
        members = [m for m in members if role in m.get("roles", [])]
    chunk = members[(page - 1) * limit : page * limit]
    base = url_for("lti_platform_services.memberships", context_id=context_id, _external=True)
    body = {"id": base, "context": state.contexts[context_id], "members": chunk}
    response = jsonify(body)
    response.content_type = MEMBERSHIP_TYPE
    if page * limit < len(members):
        query = {"limit": limit, "page": page + 1} | ({"role": role} if role else {})
        response.headers["Link"] = f'<{base}?{urlencode(query)}>; rel="next"'
    return response


# ---------------------------------------------------------------- AGS


def _items(context_id: str) -> dict[str, dict[str, Any]]:
    return _state().line_items.setdefault(context_id, {})


@bp.get("/ags/<context_id>/lineitems")
def line_items(context_id: str) -> Response:
    _require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
    found = list(_items(context_id).values())
    for arg, key in (("resource_id", "resourceId"), ("tag", "tag")):
        wanted = request.args.get(arg)
        if wanted is not None:
            found = [item for item in found if item.get(key) == wanted]
    response = jsonify(found)
    response.content_type = LINEITEMS_TYPE
    return response


@bp.post("/ags/<context_id>/lineitems")
def create_line_item(context_id: str) -> tuple[Response, int]:
    state = _state()
    _require_scope(SCOPE_LINEITEM)
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise OAuthError("invalid_request", "a JSON line item is required")
    maximum = body.get("scoreMaximum")
    if not isinstance(body.get("label"), str) or not isinstance(maximum, int | float):
        raise OAuthError("invalid_request", "label and a numeric scoreMaximum are required")
    if maximum <= 0:
        raise OAuthError("invalid_request", "scoreMaximum must be positive")
    item_id = uuid.uuid4().hex[:12]
    item = dict(body)
    item["id"] = url_for(
        "lti_platform_services.line_item", context_id=context_id, item_id=item_id, _external=True
    )
    with state.lock:
        _items(context_id)[item_id] = item
    response = jsonify(item)
    response.content_type = LINEITEM_TYPE
    return response, 201


def add_line_item(app: Flask, context_id: str, base_url: str, **item: Any) -> dict[str, Any]:
    """Create a line item as the LMS itself would (e.g. Moodle's own grade item)."""
    item_id = uuid.uuid4().hex[:12]
    stored = dict(item) | {
        "id": f"{base_url.rstrip('/')}/platform/ags/{context_id}/lineitems/{item_id}"
    }
    state = services_of(app)
    with state.lock:
        state.line_items.setdefault(context_id, {})[item_id] = stored
    return stored


@bp.get("/ags/<context_id>/lineitems/<item_id>")
def line_item(context_id: str, item_id: str) -> Response:
    _require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
    item = _items(context_id).get(item_id)
    if item is None:
        raise OAuthError("not_found", "no such line item", 404)
    response = jsonify(item)
    response.content_type = LINEITEM_TYPE
    return response


ACTIVITY_PROGRESS = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING_PROGRESS = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}


@bp.post("/ags/<context_id>/lineitems/<item_id>/scores")
def post_score(context_id: str, item_id: str) -> tuple[str, int]:
    state = _state()
    _require_scope(SCOPE_SCORE)
    if request.mimetype != SCORE_TYPE:
        raise OAuthError("invalid_request", f"Content-Type must be {SCORE_TYPE}", 415)
    if item_id not in _items(context_id):
        raise OAuthError("not_found", "no such line item", 404)
    score = request.get_json(silent=True, force=True)
    if not isinstance(score, dict):
        raise OAuthError("invalid_request", "a JSON score is required")
    missing = [
        k for k in ("userId", "timestamp", "activityProgress", "gradingProgress") if k not in score
    ]
    if missing:
        raise OAuthError("invalid_request", f"score lacks {', '.join(missing)}")
    if score["activityProgress"] not in ACTIVITY_PROGRESS:
        raise OAuthError("invalid_request", "unknown activityProgress")
    if score["gradingProgress"] not in GRADING_PROGRESS:
        raise OAuthError("invalid_request", "unknown gradingProgress")
    if ("scoreGiven" in score) != ("scoreMaximum" in score):
        raise OAuthError("invalid_request", "scoreGiven needs scoreMaximum")
    with state.lock:
        state.scores.setdefault(item_id, []).append(score)
    return "", 204


# ---------------------------------------------------------------- dynamic registration


@bp.get("/openid-configuration")
def openid_configuration() -> Response:
    issuer = platform_issuer()
    config = current_app.config
    return jsonify(
        {
            "issuer": issuer,
            "authorization_endpoint": config.get(
                "LTI_PLATFORM_AUTH_URL", request.host_url + "auth"
            ),
            "token_endpoint": url_for("lti_platform_services.token", _external=True),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": config.get("LTI_PLATFORM_JWKS_URL", request.host_url + "jwks"),
            "registration_endpoint": url_for("lti_platform_services.register", _external=True),
            "scopes_supported": ["openid", *sorted(ALL_SCOPES)],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["iss", "sub", "aud", "name", "given_name", "email"],
            PLATFORM_CONFIG: {
                "product_family_code": _state().product_family_code,
                "version": "1.0",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
                "variables": ["User.username", "Person.email.primary"],
            },
        }
    )


@bp.post("/register")
def register() -> tuple[Response, int]:
    state = _state()
    auth = request.headers.get("Authorization", "")
    presented = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    with state.lock:
        expiry = state.registration_tokens.pop(presented, None)
    if expiry is None or expiry <= time.time():
        raise OAuthError("invalid_token", "missing, used or expired registration token", 401)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise OAuthError("invalid_client_metadata", "a JSON registration is required")
    tool_config = body.get(TOOL_CONFIG)
    problems = [
        name
        for name, ok in (
            ("initiate_login_uri", isinstance(body.get("initiate_login_uri"), str)),
            ("redirect_uris", isinstance(body.get("redirect_uris"), list)),
            ("jwks_uri", isinstance(body.get("jwks_uri"), str)),
            (
                "token_endpoint_auth_method",
                body.get("token_endpoint_auth_method") == "private_key_jwt",
            ),
            (TOOL_CONFIG, isinstance(tool_config, dict)),
        )
        if not ok
    ]
    if isinstance(tool_config, dict):
        domain = str(tool_config.get("domain", ""))
        target = str(tool_config.get("target_link_uri", ""))
        if not domain or urlsplit(target).hostname not in {
            domain,
            domain.split(":", maxsplit=1)[0],
        }:
            problems.append("domain/target_link_uri")
    if problems:
        raise OAuthError("invalid_client_metadata", f"bad or missing: {', '.join(problems)}")
    assert isinstance(tool_config, dict)
    scopes = frozenset(str(body.get("scope", "")).split()) & ALL_SCOPES
    if state.grade_sync_only:
        scopes -= {SCOPE_LINEITEM}
    client_id = uuid.uuid4().hex[:16]
    deployment_id = str(len(state.clients) + 100)
    tool = state.add_client(client_id, body["jwks_uri"], scopes=scopes, deployment_id=deployment_id)
    tool.registration = body
    platform = _test_platform()
    if platform is not None:  # so the core platform can launch the new tool
        from plugin.lti_platform.platform import ToolRegistration

        platform.register_tool(
            ToolRegistration(
                client_id=client_id,
                deployment_id=deployment_id,
                login_url=body["initiate_login_uri"],
                redirect_uris=[str(u) for u in body["redirect_uris"]],
                target_link_uri=str(tool_config["target_link_uri"]),
                jwks_url=body["jwks_uri"],
            )
        )
    answer = dict(body) | {
        "client_id": client_id,
        "scope": " ".join(sorted(scopes)),
        TOOL_CONFIG: dict(tool_config) | {"deployment_id": deployment_id},
    }
    return jsonify(answer), 200


# ---------------------------------------------------------------- deep linking return

DL_RESPONSE = "LtiDeepLinkingResponse"
LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkRefused(Exception):
    """A deep-linking response the platform does not accept."""


def verify_deep_link_response(token: str) -> dict[str, Any]:
    """Check the tool's signed response (Deep Linking 2.0 section 4.2) and keep it."""
    state = _state()
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise DeepLinkRefused("not a JWT") from exc
    tool = _client(state, str(unverified.get("iss")))
    if tool is None:
        raise DeepLinkRefused("unknown client")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _tool_key(tool, str(header.get("kid"))),
            algorithms=["RS256"],
            audience=platform_issuer(),
            issuer=tool.client_id,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except (jwt.PyJWTError, OAuthError) as exc:
        raise DeepLinkRefused(str(exc)) from exc
    checks = {
        "message_type": claims.get(LTI_CLAIM + "message_type") == DL_RESPONSE,
        "version": claims.get(LTI_CLAIM + "version") == "1.3.0",
        "deployment_id": claims.get(LTI_CLAIM + "deployment_id") == tool.deployment_id,
        "content_items": isinstance(claims.get(DL_CLAIM + "content_items"), list),
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise DeepLinkRefused(f"bad {', '.join(failed)}")
    with state.lock:
        state.deep_link_responses.append(claims)
    return claims


@bp.post("/deep-linking/return")
def deep_linking_return() -> tuple[str, int]:
    """Where the tool posts its signed choice; verified with the tool's JWKS."""
    try:
        claims = verify_deep_link_response(request.form.get("JWT", ""))
    except DeepLinkRefused as refused:
        return "Deep linking response refused: " + escape(str(refused)), 400
    titles = [str(i.get("title", "")) for i in claims[DL_CLAIM + "content_items"]]
    return "Deep linking response accepted: " + escape("; ".join(titles)), 200


def service_claims(
    base_url: str, context_id: str, *, lineitem: str | None = None, grade_sync_only: bool = False
) -> dict[str, Any]:
    """The NRPS and AGS claims this platform adds to launches in ``context_id``."""
    base = base_url.rstrip("/") + "/platform"
    scopes = [SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE]
    if not grade_sync_only:
        scopes.insert(0, SCOPE_LINEITEM)
    ags: dict[str, Any] = {"scope": scopes, "lineitems": f"{base}/ags/{context_id}/lineitems"}
    if lineitem:
        ags["lineitem"] = lineitem
    return {
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
            "context_memberships_url": f"{base}/nrps/{context_id}/memberships",
            "service_versions": ["2.0"],
        },
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
    }
