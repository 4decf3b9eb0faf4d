"""Dynamic registration on the development LMS: openid-configuration and a
registration endpoint that checks the single-use registration token and the
tool's registration, then issues a client id and a deployment (and tells the
core test platform, so it can launch the new tool). Not for production.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from plugin.lti_platform.service_state import (
    ALL_SCOPES,
    PLATFORM_CONFIG,
    SCOPE_LINEITEM,
    TOOL_CONFIG,
    OAuthError,
    core_platform,
    current_state,
    platform_issuer,
)

bp = Blueprint("registration", __name__)


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
            "registration_endpoint": url_for(
                "lti_platform_services.registration.register", _external=True
            ),
            "scopes_supported": ["openid", *sorted(ALL_SCOPES)],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["iss", "sub", "aud", "name", "given_name", "email"],
            PLATFORM_CONFIG: {
                "product_family_code": current_state().product_family_code,
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
    state = current_state()
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
    platform = core_platform()
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
