"""The course roster from the test platform's NRPS endpoint: paging, caching, scopes."""

from __future__ import annotations

import pytest
from lti_svc_helpers import LOOPBACK, Served

from plugin.lti.nrps import NrpsClient, RosterUnavailable, mbox_identity, memberships_url
from plugin.lti.service_token import ServiceAccess, ServiceTokenClient
from plugin.lti_platform.services import SCOPE_NRPS, SCOPE_SCORE, PlatformServices
from plugin.models.people import Role
from statements.identity import Identity

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def _members(count: int) -> list[dict[str, object]]:
    people: list[dict[str, object]] = [
        {"user_id": "u0", "roles": [INSTRUCTOR], "name": "Lea Leader", "status": "Active"},
        {"user_id": "u1", "roles": [ADMIN, LEARNER], "email": "Ann@Example.org"},
    ]
    people += [
        {"user_id": f"u{i}", "roles": [LEARNER], "name": f"Learner {i}"} for i in range(2, count)
    ]
    people.append({"roles": [LEARNER], "name": "no user id: skipped"})
    return people


@pytest.fixture
def roster_url(platform: Served, state: PlatformServices, tool_jwks_url: str) -> str:
    state.add_client("tool-client", tool_jwks_url)
    state.page_size = 3
    state.set_roster("course-1", _members(8), title="Team Alpha")
    return platform.url + "/platform/nrps/course-1/memberships"


def test_roster_follows_next_links_and_maps_roles_and_identities(
    roster_url: str, access: ServiceAccess
) -> None:
    client = NrpsClient(ServiceTokenClient(LOOPBACK))
    roster = client.roster(access, roster_url)
    assert client.pages_fetched == 3  # 9 entries, 3 per page
    assert [m.user_id for m in roster.members] == [f"u{i}" for i in range(8)]
    assert roster.context_title == "Team Alpha"
    by_id = {m.user_id: m for m in roster.members}
    assert by_id["u0"].role is Role.LEADER
    assert by_id["u1"].role is Role.LND_ADMIN
    assert by_id["u5"].role is Role.LEARNER
    assert by_id["u0"].identity == Identity.account(access.issuer, "u0", display="Lea Leader")
    assert by_id["u0"].identity.to_actor()["account"] == {"homePage": access.issuer, "name": "u0"}


def test_mbox_identity_mode(roster_url: str, access: ServiceAccess) -> None:
    roster = NrpsClient(ServiceTokenClient(LOOPBACK)).roster(
        access, roster_url, identify=mbox_identity(access.issuer)
    )
    by_id = {m.user_id: m for m in roster.members}
    assert by_id["u1"].identity.key() == "mbox mailto:ann@example.org"
    assert by_id["u2"].identity.kind == "account"  # no email: fall back to the account


def test_roster_cached_for_ttl(roster_url: str, access: ServiceAccess) -> None:
    now = [1000.0]
    client = NrpsClient(ServiceTokenClient(LOOPBACK), ttl=60, clock=lambda: now[0])
    first = client.roster(access, roster_url)
    now[0] += 59
    assert client.roster(access, roster_url) is first
    assert client.pages_fetched == 3
    now[0] += 2
    assert client.roster(access, roster_url) is not first
    assert client.pages_fetched == 6


def test_roster_cache_is_bounded(
    roster_url: str, access: ServiceAccess, state: PlatformServices, platform: Served
) -> None:
    state.set_roster("course-2", _members(2))
    other = platform.url + "/platform/nrps/course-2/memberships"
    client = NrpsClient(ServiceTokenClient(LOOPBACK), max_entries=1)
    client.roster(access, roster_url)
    client.roster(access, other)
    client.roster(access, roster_url)
    assert client.pages_fetched == 3 + 1 + 3


def test_platform_enforces_nrps_scope(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url, scopes=frozenset({SCOPE_SCORE}))
    state.set_roster("course-1", _members(3))
    with pytest.raises(RosterUnavailable, match="does not grant this tool the roster"):
        NrpsClient(ServiceTokenClient(LOOPBACK)).roster(
            access, platform.url + "/platform/nrps/course-1/memberships"
        )


def test_token_without_nrps_scope_gets_403(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    import requests

    state.add_client("tool-client", tool_jwks_url, scopes=frozenset({SCOPE_SCORE, SCOPE_NRPS}))
    state.set_roster("course-1", _members(3))
    score_only = ServiceTokenClient(LOOPBACK).token(access, [SCOPE_SCORE])
    response = requests.get(
        platform.url + "/platform/nrps/course-1/memberships",
        headers={"Authorization": "Bearer " + score_only.value},
        timeout=10,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_memberships_url_from_launch_claims() -> None:
    claim = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    assert memberships_url({claim: {"context_memberships_url": "https://lms/x"}}) == "https://lms/x"
    assert memberships_url({}) is None
    assert memberships_url({claim: {"service_versions": ["2.0"]}}) is None
    assert SCOPE_NRPS.endswith("contextmembership.readonly")


def test_revoked_token_is_replaced_once(
    roster_url: str, access: ServiceAccess, state: PlatformServices
) -> None:
    tokens = ServiceTokenClient(LOOPBACK)
    client = NrpsClient(tokens, ttl=0)
    client.roster(access, roster_url)
    with state.lock:
        state.tokens.clear()  # the platform forgets every token (restart, revocation)
    roster = client.roster(access, roster_url)
    assert len(roster.members) == 8
    assert tokens.requests_made == 2


@pytest.mark.parametrize(
    "origin",
    ["http://169.254.169.254", "https://127.0.0.1", "http://evil.example"],
    ids=["metadata", "other scheme", "other host"],
)
def test_next_link_to_another_site_not_followed(
    roster_url: str, access: ServiceAccess, state: PlatformServices, origin: str
) -> None:
    """A Link: next off the platform's site would carry the access token there."""
    state.next_page_origin = origin
    client = NrpsClient(ServiceTokenClient(LOOPBACK))
    with pytest.raises(RosterUnavailable, match="not on the platform's site"):
        client.roster(access, roster_url)
    assert client.pages_fetched == 1
