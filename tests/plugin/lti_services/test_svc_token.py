"""Client-credentials tokens, verified by the test platform's real token endpoint."""

from __future__ import annotations

import dataclasses

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from lti_svc_helpers import LOOPBACK, Served

from plugin.lti.keys import SigningKey
from plugin.lti.service_token import (
    ServiceAccess,
    ServiceTokenClient,
    TokenEndpointUnreachable,
    TokenRequestRejected,
    client_assertion,
)
from plugin.lti_platform.services import SCOPE_NRPS, SCOPE_SCORE, PlatformServices


def test_assertion_verified_by_platform_grants_registered_scope(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url, scopes=frozenset({SCOPE_NRPS}))
    token = ServiceTokenClient(LOOPBACK).token(access, [SCOPE_NRPS])
    assert token.allows(SCOPE_NRPS)
    assert token.value in state.tokens
    assert token.value not in repr(token)


def test_only_registered_scopes_are_granted(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url, scopes=frozenset({SCOPE_NRPS}))
    token = ServiceTokenClient(LOOPBACK).token(access, [SCOPE_NRPS, SCOPE_SCORE])
    assert token.scopes == {SCOPE_NRPS}
    with pytest.raises(TokenRequestRejected) as info:
        ServiceTokenClient(LOOPBACK).token(access, [SCOPE_SCORE])
    assert info.value.error == "invalid_scope"


def test_token_cached_until_expiry_minus_margin(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    state.token_lifetime = 100
    now = [1_000_000.0]
    client = ServiceTokenClient(LOOPBACK, margin=10, clock=lambda: now[0])
    first = client.token(access, [SCOPE_NRPS])
    now[0] += 89
    assert client.token(access, [SCOPE_NRPS]) is first
    assert client.requests_made == 1
    # Other scopes are a different cache entry.
    client.token(access, [SCOPE_SCORE])
    assert client.requests_made == 2
    now[0] += 2  # within the margin of expiry: fetch anew
    assert client.token(access, [SCOPE_NRPS]) != first
    assert client.requests_made == 3
    assert state.token_requests == 3


def test_cache_is_bounded(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    state.add_client("other-client", tool_jwks_url)
    client = ServiceTokenClient(LOOPBACK, max_entries=1)
    client.token(access, [SCOPE_NRPS])
    client.token(dataclasses.replace(access, client_id="other-client"), [SCOPE_NRPS])
    client.token(access, [SCOPE_NRPS])
    assert client.requests_made == 3


def test_wrong_key_rejected(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = dataclasses.replace(access, key=SigningKey("tool-key-1", other))
    with pytest.raises(TokenRequestRejected) as info:
        ServiceTokenClient(LOOPBACK).token(forged, [SCOPE_NRPS])
    assert info.value.status == 401
    assert info.value.error == "invalid_client"


def test_unknown_kid_and_unknown_client_rejected(
    state: PlatformServices, access: ServiceAccess, tool_jwks_url: str, tool_key: SigningKey
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    renamed = dataclasses.replace(access, key=SigningKey("nope", tool_key.private_key))
    with pytest.raises(TokenRequestRejected, match="no key 'nope'"):
        ServiceTokenClient(LOOPBACK).token(renamed, [SCOPE_NRPS])
    with pytest.raises(TokenRequestRejected, match="unknown client"):
        ServiceTokenClient(LOOPBACK).token(dataclasses.replace(access, client_id="x"), [SCOPE_NRPS])


def _post(platform: Served, assertion: str) -> requests.Response:
    return requests.post(
        platform.url + "/platform/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": SCOPE_NRPS,
        },
        timeout=10,
    )


def test_platform_rejects_replayed_assertion(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    assertion = client_assertion(access)
    assert _post(platform, assertion).status_code == 200
    replay = _post(platform, assertion)
    assert replay.status_code == 401
    assert "already used" in replay.json()["error_description"]


def test_platform_rejects_wrong_audience_and_expired_assertion(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    wrong_aud = client_assertion(dataclasses.replace(access, audience="https://elsewhere"))
    assert _post(platform, wrong_aud).status_code == 401
    expired = client_assertion(access, now=1_000_000)
    response = _post(platform, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["error_description"]


def test_platform_rejects_sub_other_than_client(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    claims = jwt.decode(client_assertion(access), options={"verify_signature": False})
    claims["sub"] = "someone-else"
    forged = jwt.encode(
        claims, access.key.private_key, algorithm="RS256", headers={"kid": access.key.kid}
    )
    assert _post(platform, forged).status_code == 401


def test_unreachable_endpoint_is_a_typed_error(access: ServiceAccess) -> None:
    dead = dataclasses.replace(access, token_url="http://127.0.0.1:9/token")
    with pytest.raises(TokenEndpointUnreachable, match="could not reach"):
        ServiceTokenClient(timeout=(0.5, 0.5)).token(dead, [SCOPE_NRPS])
