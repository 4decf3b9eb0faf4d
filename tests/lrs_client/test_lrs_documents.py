"""Document resources with ETags, against the in-memory document LRS (see fake_documents)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from lrs_client import Conflict, LRSClient, PreconditionFailed
from tests.lrs_client.fake_documents import FakeDocumentLRS

ACTIVITY = "https://leaderled.example.org/activities/coaching"
AGENT = {"objectType": "Agent", "mbox": "mailto:leader@example.org"}


@pytest.fixture
def lrs() -> Iterator[FakeDocumentLRS]:
    with FakeDocumentLRS() as server:
        yield server


@pytest.fixture
def client(lrs: FakeDocumentLRS) -> LRSClient:
    return LRSClient(lrs.endpoint, ("key", "secret"))


def test_state_create_read_merge_delete(client: LRSClient) -> None:
    keys = {"activity_id": ACTIVITY, "agent": AGENT}
    assert client.state.get("progress", **keys) is None
    etag = client.state.put("progress", {"step": 1}, none_match=True, **keys)
    document = client.state.get("progress", **keys)
    assert document is not None
    assert document.json() == {"step": 1}
    assert document.etag == etag
    client.state.post("progress", {"done": False}, **keys)
    merged = client.state.get("progress", **keys)
    assert merged is not None
    assert merged.json() == {"step": 1, "done": False}
    client.state.delete("progress", **keys)
    assert client.state.get("progress", **keys) is None


def test_if_match_protects_against_lost_updates(client: LRSClient) -> None:
    keys = {"activity_id": ACTIVITY}
    first = client.activity_profiles.put(
        "guide", b"v1", content_type="text/plain", none_match=True, **keys
    )
    second = client.activity_profiles.put(
        "guide", b"v2", content_type="text/plain", match=first, **keys
    )
    with pytest.raises(PreconditionFailed) as caught:
        client.activity_profiles.put("guide", b"v3", content_type="text/plain", match=first, **keys)
    assert caught.value.status == 412
    assert "ETag does not match" in caught.value.lrs_message
    document = client.activity_profiles.get("guide", **keys)
    assert document is not None
    assert (document.content, document.content_type, document.etag) == (b"v2", "text/plain", second)


def test_if_none_match_refuses_to_overwrite(client: LRSClient) -> None:
    client.agent_profiles.put("prefs", {"a": 1}, none_match=True, agent=AGENT)
    with pytest.raises(PreconditionFailed):
        client.agent_profiles.put("prefs", {"a": 2}, none_match=True, agent=AGENT)


def test_put_without_precondition_over_existing_is_a_conflict(client: LRSClient) -> None:
    client.agent_profiles.put("prefs", {"a": 1}, agent=AGENT)
    with pytest.raises(Conflict) as caught:
        client.agent_profiles.put("prefs", {"a": 2}, agent=AGENT)
    assert "If-Match" in str(caught.value)


def test_list_ids_since(client: LRSClient, lrs: FakeDocumentLRS) -> None:
    keys = {"activity_id": ACTIVITY, "agent": AGENT, "registration": None}
    client.state.put("a", {"x": 1}, **keys)
    time.sleep(0.01)
    middle = datetime.now(UTC)
    time.sleep(0.01)
    client.state.put("b", {"x": 2}, **keys)
    assert client.state.ids(**keys) == ["a", "b"]
    assert client.state.ids(since=middle, **keys) == ["b"]
    assert all(
        headers.get("Authorization", "").startswith("Basic ") for _, headers in lrs.requests[1:]
    )


def test_unknown_key_is_a_type_error(client: LRSClient) -> None:
    with pytest.raises(TypeError):
        client.state.get("x", activity=ACTIVITY)
