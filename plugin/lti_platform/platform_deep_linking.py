"""The deep-linking return URL of the development LMS: the tool's signed
``LtiDeepLinkingResponse`` is verified with the tool's JWKS (signature,
iss = client id, aud = this issuer, exp/iat/nonce, message type, version,
deployment) and kept. Not for production.
"""

from __future__ import annotations

from typing import Any

import jwt
from flask import Blueprint, request
from markupsafe import escape

from plugin.lti_platform.service_state import (
    OAuthError,
    current_state,
    find_client,
    platform_issuer,
    tool_key,
)

bp = Blueprint("deep_linking", __name__)

DL_RESPONSE = "LtiDeepLinkingResponse"
LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkRefused(Exception):
    """A deep-linking response the platform does not accept."""


def verify_deep_link_response(token: str) -> dict[str, Any]:
    """Check the tool's signed response (Deep Linking 2.0 section 4.2) and keep it."""
    state = current_state()
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise DeepLinkRefused("not a JWT") from exc
    tool = find_client(state, str(unverified.get("iss")))
    if tool is None:
        raise DeepLinkRefused("unknown client")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            tool_key(tool, str(header.get("kid"))),
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
