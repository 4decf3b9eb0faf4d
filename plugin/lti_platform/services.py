"""Platform side of LTI Advantage for the development LMS (tests and demo).

A token endpoint that verifies RFC 7523 client assertions against the tool's
published JWKS and grants only registered scopes, NRPS memberships with
paging (``Link: rel="next"``), and AGS line items and scores with scope
enforcement and Moodle's "grade sync only" mode. Dynamic registration and
the deep-linking return live in child blueprints. Written from the specs,
independently of the tool's client code, so a mistake on either side shows
up as a failed exchange rather than agreeing with itself. Not for production.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from flask import Blueprint, Flask, Response, jsonify, request, url_for
from flask.sansio.blueprints import BlueprintSetupState

from plugin.lti_platform import platform_deep_linking, platform_registration
from plugin.lti_platform.platform_deep_linking import (
    DL_CLAIM,
    DeepLinkRefused,
    verify_deep_link_response,
)
from plugin.lti_platform.service_state import (
    ALL_SCOPES,
    ASSERTION_TYPE,
    EXTENSION,
    LINEITEM_TYPE,
    LINEITEMS_TYPE,
    MEMBERSHIP_TYPE,
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_NRPS,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    SCORE_TYPE,
    OAuthError,
    PlatformServices,
    ToolClient,
    current_state,
    find_client,
    require_scope,
    services_of,
    tool_key,
)

__all__ = [
    "ALL_SCOPES",
    "DL_CLAIM",
    "SCOPE_LINEITEM",
    "SCOPE_LINEITEM_READ",
    "SCOPE_NRPS",
    "SCOPE_RESULT_READ",
    "SCOPE_SCORE",
    "DeepLinkRefused",
    "PlatformServices",
    "ToolClient",
    "add_line_item",
    "bp",
    "service_claims",
    "services_of",
    "verify_deep_link_response",
]

bp = Blueprint("lti_platform_services", __name__, url_prefix="/platform")
bp.register_blueprint(platform_registration.bp)
bp.register_blueprint(platform_deep_linking.bp)


@bp.record_once
def _init_state(setup: BlueprintSetupState) -> None:
    setup.app.extensions.setdefault(EXTENSION, PlatformServices())


# ---------------------------------------------------------------- token endpoint


@bp.post("/token")
def token() -> Response:
    state = current_state()
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
    tool = find_client(state, str(unverified.get("iss")))
    if tool is None:
        raise OAuthError("invalid_client", "unknown client", 401)
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise OAuthError("invalid_client", "assertions must be RS256 with a kid", 401)
    audience = url_for("lti_platform_services.token", _external=True)
    try:
        claims = jwt.decode(
            assertion,
            tool_key(tool, str(header["kid"])),
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


# ---------------------------------------------------------------- NRPS


@bp.get("/nrps/<context_id>/memberships")
def memberships(context_id: str) -> Response:
    require_scope(SCOPE_NRPS)
    state = current_state()
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
        link_base = base
        if state.next_page_origin:
            link_base = state.next_page_origin + urlsplit(base).path
        response.headers["Link"] = f'<{link_base}?{urlencode(query)}>; rel="next"'
    return response


# ---------------------------------------------------------------- AGS


def _items(context_id: str) -> dict[str, dict[str, Any]]:
    return current_state().line_items.setdefault(context_id, {})


@bp.get("/ags/<context_id>/lineitems")
def line_items(context_id: str) -> Response:
    require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
    state = current_state()
    found = list(_items(context_id).values())
    for arg, key in (("resource_id", "resourceId"), ("tag", "tag")):
        wanted = request.args.get(arg)
        if wanted is not None and state.line_item_filters:
            found = [item for item in found if item.get(key) == wanted]
    limit = min(max(request.args.get("limit", state.page_size, type=int) or 1, 1), 1000)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    response = jsonify(found[(page - 1) * limit : page * limit])
    if page * limit < len(found):
        query = request.args.to_dict() | {"limit": str(limit), "page": str(page + 1)}
        response.headers["Link"] = f'<{request.base_url}?{urlencode(query)}>; rel="next"'
    response.content_type = LINEITEMS_TYPE
    return response


@bp.post("/ags/<context_id>/lineitems")
def create_line_item(context_id: str) -> tuple[Response, int]:
    state = current_state()
    require_scope(SCOPE_LINEITEM)
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
    require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
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
    state = current_state()
    require_scope(SCOPE_SCORE)
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
