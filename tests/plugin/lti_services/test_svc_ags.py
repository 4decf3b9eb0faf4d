"""Gradebook publishing against the test platform's AGS endpoints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from lti_svc_helpers import LOOPBACK, Served

from plugin.lti.ags import (
    AgsClient,
    AgsEndpoint,
    GradebookError,
    LineItemSpec,
    Score,
    scores_url,
)
from plugin.lti.service_token import ServiceAccess, ServiceTokenClient
from plugin.lti_platform import services
from plugin.lti_platform.services import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_NRPS,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    PlatformServices,
)

SPEC = LineItemSpec(label="Knowledge session: Safety", resource_id="ks-42")


def _endpoint(platform: Served, scopes: set[str], lineitem: str | None = None) -> AgsEndpoint:
    claim = {
        "scope": sorted(scopes),
        "lineitems": platform.url + "/platform/ags/course-1/lineitems",
    }
    if lineitem:
        claim["lineitem"] = lineitem
    endpoint = AgsEndpoint.from_claims(
        {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": claim}
    )
    assert endpoint is not None
    return endpoint


def test_find_or_create_line_item_then_post_score(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    tokens = ServiceTokenClient(LOOPBACK)
    ags = AgsClient(tokens)
    endpoint = _endpoint(platform, {SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_RESULT_READ})
    when = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    first = ags.publish(access, endpoint, SPEC, Score(user_id="u7", timestamp=when))
    assert first.published
    second = ags.publish(access, endpoint, SPEC, Score(user_id="u8", score_given=1))
    assert second.line_item == first.line_item  # found, not created again
    items = state.line_items["course-1"]
    assert len(items) == 1
    ((item_id, item),) = items.items()
    assert item["resourceId"] == "ks-42"
    assert item["tag"] == "leaderled-participation"
    scores = state.scores[item_id]
    assert [s["userId"] for s in scores] == ["u7", "u8"]
    assert scores[0]["timestamp"] == "2026-11-26T10:00:00.000+00:00"
    assert scores[0]["activityProgress"] == "Completed"
    assert scores[0]["gradingProgress"] == "FullyGraded"
    assert (scores[1]["scoreGiven"], scores[1]["scoreMaximum"]) == (1, 1.0)
    # One token per scope set, reused across the calls.
    assert tokens.requests_made == 2


def test_grade_sync_only_uses_the_launch_line_item(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client(
        "tool-client",
        tool_jwks_url,
        scopes=frozenset({SCOPE_LINEITEM_READ, SCOPE_SCORE, SCOPE_RESULT_READ}),
    )
    own = services.add_line_item(
        platform.app, "course-1", platform.url, label="Activity", scoreMaximum=100
    )
    endpoint = _endpoint(platform, {SCOPE_LINEITEM_READ, SCOPE_SCORE}, lineitem=own["id"])
    assert not endpoint.can_manage_line_items
    outcome = AgsClient(ServiceTokenClient(LOOPBACK)).publish(access, endpoint, SPEC, Score("u7"))
    assert (outcome.published, outcome.line_item) == (True, own["id"])
    assert len(state.line_items["course-1"]) == 1  # nothing created


def test_grade_sync_only_without_line_item_is_skipped_not_failed(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url, scopes=frozenset({SCOPE_SCORE}))
    endpoint = _endpoint(platform, {SCOPE_LINEITEM_READ, SCOPE_SCORE})
    client = AgsClient(ServiceTokenClient(LOOPBACK))
    outcome = client.publish(access, endpoint, SPEC, Score("u7"))
    assert not outcome.published
    assert "grade sync only" in (outcome.reason or "")
    with pytest.raises(GradebookError, match="does not let the tool create"):
        client.create_line_item(access, endpoint, SPEC)


def test_platform_refuses_creation_without_lineitem_scope(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    """A claim that over-promises: the platform still enforces its own grant."""
    state.add_client(
        "tool-client", tool_jwks_url, scopes=frozenset({SCOPE_LINEITEM_READ, SCOPE_LINEITEM})
    )
    endpoint = _endpoint(platform, {SCOPE_LINEITEM, SCOPE_SCORE})
    tokens = ServiceTokenClient(LOOPBACK)
    # A token with only the read scope cannot create.
    read_only = tokens.token(access, [SCOPE_LINEITEM_READ])
    response = requests.post(
        endpoint.lineitems or "",
        json=SPEC.as_json(),
        headers={"Authorization": "Bearer " + read_only.value},
        timeout=10,
    )
    assert response.status_code == 403
    # Scores need the score scope, which this client was never granted.
    state.line_items.setdefault("course-1", {})
    item = AgsClient(tokens).create_line_item(access, endpoint, SPEC)
    with pytest.raises(GradebookError, match="does not grant this tool the score scope"):
        AgsClient(tokens).post_score(access, item["id"], Score("u7"))


def test_missing_score_scope_in_claim_is_reported(platform: Served, access: ServiceAccess) -> None:
    endpoint = _endpoint(platform, {SCOPE_LINEITEM_READ, SCOPE_NRPS})
    outcome = AgsClient(ServiceTokenClient(LOOPBACK)).publish(access, endpoint, SPEC, Score("u7"))
    assert not outcome.published
    assert outcome.reason == "the platform did not grant the score scope"


def test_platform_validates_score_body(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    own = services.add_line_item(platform.app, "course-1", platform.url, label="A", scoreMaximum=1)
    token = ServiceTokenClient(LOOPBACK).token(access, [SCOPE_SCORE]).value
    response = requests.post(
        scores_url(own["id"]),
        json={"userId": "u7"},
        headers={
            "Authorization": "Bearer " + token,
            "Content-Type": "application/vnd.ims.lis.v1.score+json",
        },
        timeout=10,
    )
    assert response.status_code == 400
    assert "timestamp" in response.json()["error_description"]


def test_scores_url_keeps_query() -> None:
    assert scores_url("https://lms/li/7?type_id=1") == "https://lms/li/7/scores?type_id=1"
    assert scores_url("https://lms/li/7/") == "https://lms/li/7/scores"


def test_find_follows_line_item_pages_when_platform_ignores_filters(
    platform: Served, state: PlatformServices, access: ServiceAccess, tool_jwks_url: str
) -> None:
    state.add_client("tool-client", tool_jwks_url)
    state.line_item_filters = False
    state.page_size = 2
    for n in range(5):
        services.add_line_item(
            platform.app,
            "course-1",
            platform.url,
            label=f"Other {n}",
            scoreMaximum=1,
            resourceId=f"other-{n}",
            tag="leaderled-participation",
        )
    wanted = services.add_line_item(
        platform.app,
        "course-1",
        platform.url,
        label="Safety",
        scoreMaximum=1,
        resourceId="ks-42",
        tag="leaderled-participation",
    )
    endpoint = _endpoint(platform, {SCOPE_LINEITEM, SCOPE_SCORE})
    found = AgsClient(ServiceTokenClient(LOOPBACK)).find_line_item(access, endpoint, SPEC)
    assert found is not None
    assert found["id"] == wanted["id"]  # on the third page of six items
