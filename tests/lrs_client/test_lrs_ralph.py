"""Against Ralph (filesystem backend): no /about, real Basic auth, no Consistent-Through."""

from __future__ import annotations

import pytest

from lrs_client import AuthError, Filters, LRSClient, Outcome
from tests.lrs_client.helpers import statement
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs


@pytest.fixture
def client(ralph_empty: RunningLRS) -> LRSClient:
    return LRSClient(
        ralph_empty.endpoint, username=ralph_empty.username, password=ralph_empty.password
    )


def test_falls_back_to_1_0_3_without_about(client: LRSClient) -> None:
    info = client.negotiate()
    assert info.chosen == "1.0.3"
    assert not info.about_found
    assert "404" in info.note


def test_wrong_password_is_an_auth_error_without_the_password(ralph: RunningLRS) -> None:
    client = LRSClient(ralph.endpoint, username=ralph.username, password="not-the-Secret-42")
    with pytest.raises(AuthError) as caught:
        client.query(limit=1).pages().__next__()
    assert caught.value.status == 401
    assert "not-the-Secret-42" not in str(caught.value)
    assert "not-the-Secret-42" not in repr(client)


def test_send_get_and_page_through_more(client: LRSClient, fresh_registration: str) -> None:
    sent = [statement(fresh_registration, n=i) for i in range(5)]
    report = client.deliver(sent)
    assert [r.outcome for r in report] == [Outcome.STORED] * 5
    assert client.get(sent[2]["id"])["object"]["id"] == sent[2]["object"]["id"]
    query = client.query(Filters(limit=2))
    got = [s["id"] for s in query]
    assert sorted(got) == sorted(s["id"] for s in sent)
    assert query.pages_fetched >= 3
    assert query.consistent_through is None


def test_statement_ralph_fails_on_is_isolated(client: LRSClient) -> None:
    """Ralph answers 500 (not 400) to a malformed mbox: the rest still goes through."""
    good = [statement(n=i) for i in range(4)]
    bad = statement(n=9)
    bad["actor"] = {"mbox": "not-an-email"}
    report = client.deliver([good[0], good[1], bad, good[2], good[3]])
    assert [r.outcome for r in report] == [Outcome.STORED] * 2 + [Outcome.FAILED] + [
        Outcome.STORED
    ] * 2
    assert report[2].http_status == 500
    assert "HTTP 500" in report[2].reason
    stored = {s["id"] for s in client.query()}
    assert stored == {s["id"] for s in good}


def test_feed_works_without_consistent_through(client: LRSClient) -> None:
    sent = [statement(n=i) for i in range(3)]
    client.send(sent)
    feed = client.feed(page_size=2)
    assert sorted(s["id"] for s in feed) == sorted(s["id"] for s in sent)
    assert feed.cursor.mark is not None
    assert list(client.feed(feed.cursor, page_size=2)) == []


def test_filters_ralph_supports(client: LRSClient, fresh_registration: str) -> None:
    """Registration, agent, since and until work; verb returns nothing and `ascending` is
    ignored on Ralph's filesystem backend (its quirks: the requests are the same as for LL)."""
    import time
    from datetime import UTC, datetime

    alice = f"mailto:alice-{fresh_registration}@example.org"
    first = statement(fresh_registration, n=0, actor=alice)
    client.send([first])
    time.sleep(0.05)
    middle = datetime.now(UTC)
    time.sleep(0.05)
    second = statement(fresh_registration, n=1)
    client.send([second, statement(n=2)])

    def ids(**filters: object) -> list[str]:
        return [s["id"] for s in client.query(**filters)]

    assert sorted(ids(registration=fresh_registration)) == sorted([first["id"], second["id"]])
    assert ids(agent={"mbox": alice}) == [first["id"]]
    assert ids(registration=fresh_registration, since=middle) == [second["id"]]
    assert ids(registration=fresh_registration, until=middle) == [first["id"]]
    # Ralph's filesystem backend does not honour `ascending` (the feed copes: see feed.py)
    both = sorted([first["id"], second["id"]])
    assert sorted(ids(registration=fresh_registration, ascending=True)) == both
    assert ids(verb=first["verb"]["id"]) == []
