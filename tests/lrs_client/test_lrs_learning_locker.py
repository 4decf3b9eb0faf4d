"""Against Learning Locker's real statement service: statements, queries, paging, feed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from lrs_client import (
    Attachment,
    Cursor,
    Filters,
    LRSClient,
    NotFound,
    Outcome,
    attach,
)
from lrs_client.compare import same_statement
from tests.lrs_client.helpers import ACTIVITY, statement
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs


@pytest.fixture
def client(learning_locker: RunningLRS) -> LRSClient:
    return LRSClient(
        learning_locker.endpoint,
        username=learning_locker.username,
        password=learning_locker.password,
    )


def test_negotiates_the_version_learning_locker_offers(client: LRSClient) -> None:
    info = client.negotiate()
    assert info.offered == ("1.0.3",)
    assert info.chosen == "1.0.3"
    assert client.transport.version == "1.0.3"


def test_send_get_void_and_get_voided(client: LRSClient, fresh_registration: str) -> None:
    sent = statement(fresh_registration)
    (sid,) = client.send([sent])
    stored = client.get(sid)
    assert stored["id"] == sent["id"]
    assert stored["verb"]["id"] == sent["verb"]["id"]
    voiding_id = client.void(sid, {"mbox": "mailto:admin@example.org"}, reason="entered twice")
    with pytest.raises(NotFound):
        client.get(sid)
    assert client.get_voided(sid)["id"] == sid
    voiding = client.get(voiding_id)
    assert voiding["object"] == {"objectType": "StatementRef", "id": sid}
    assert voiding["result"]["response"] == "entered twice"


def test_put_one_statement_and_again_identically(
    client: LRSClient, fresh_registration: str
) -> None:
    sent = statement(fresh_registration)
    assert client.put(sent) == sent["id"]
    assert client.put(sent) == sent["id"]
    assert client.get(sent["id"])["object"]["id"] == sent["object"]["id"]


def test_identical_resend_is_delivered_and_changed_content_is_a_conflict(
    client: LRSClient, fresh_registration: str
) -> None:
    first = statement(fresh_registration)
    assert client.deliver([first])[0].outcome is Outcome.STORED
    again = client.deliver([first])
    assert again[0].delivered
    changed = {**first, "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    other = statement(fresh_registration, n=2)
    report = client.deliver([changed, other])
    assert report[0].outcome is Outcome.REJECTED
    assert report[0].http_status == 409
    assert "conflicting" in report[0].reason
    assert report[1].outcome is Outcome.STORED
    assert client.get(first["id"])["verb"]["id"] == first["verb"]["id"]


def test_what_learning_locker_keeps_is_the_same_statement(
    client: LRSClient, fresh_registration: str
) -> None:
    course = {"id": f"{ACTIVITY}course"}
    sent = statement(
        fresh_registration,
        timestamp="2026-01-01T10:00:00.9996Z",
        result={"duration": "PT1M30.123456S"},
    )
    sent["context"]["contextActivities"] = {"parent": course, "category": course}
    sent["object"] = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:x@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/planned"},
        "object": {"id": f"{ACTIVITY}9"},
        "context": {"contextActivities": {"grouping": course, "other": course}},
    }
    client.send([sent])
    stored = client.get(sent["id"], format="exact")
    assert isinstance(stored["context"]["contextActivities"]["parent"], list)
    assert same_statement(sent, stored)
    assert client.deliver([sent])[0].delivered


def test_resending_a_stored_batch_delivers_each_once(
    client: LRSClient, fresh_registration: str
) -> None:
    batch = [statement(fresh_registration, n=i) for i in range(30)]
    assert client.deliver(batch).tally(Outcome.STORED) == 30
    again = client.deliver(batch)
    assert [r.statement_id for r in again] == [s["id"] for s in batch]
    assert all(r.delivered for r in again)
    stored = [s["id"] for s in client.query(registration=fresh_registration)]
    assert sorted(stored) == sorted(s["id"] for s in batch)


def test_a_409_chunk_is_settled_by_lookups_and_the_new_ones_posted_once(
    client: LRSClient, fresh_registration: str
) -> None:
    """Learning Locker 409s a whole batch holding one changed statement."""
    old = [statement(fresh_registration, n=i) for i in range(10)]
    client.send(old)
    changed = {**old[0], "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    new = [statement(fresh_registration, n=20 + i) for i in range(3)]
    batch = [changed, *old[1:], *new]
    report = client.deliver(batch)
    assert [r.statement_id for r in report] == [s["id"] for s in batch]
    assert report[0].outcome is Outcome.REJECTED
    assert [r.outcome for r in report[1:10]] == [Outcome.ALREADY_STORED] * 9
    assert [r.outcome for r in report[10:]] == [Outcome.STORED] * 3
    # the POST, one GET per held id, two per new one (statementId, voidedStatementId), the POST
    assert report.stats.requests == 1 + 10 + 2 * 3 + 1
    assert report.stats.bisections == 0
    stored = [s["id"] for s in client.query(registration=fresh_registration)]
    assert sorted(stored) == sorted(s["id"] for s in [*old, *new])


def test_query_pages_through_more_with_consistent_through(
    client: LRSClient, fresh_registration: str
) -> None:
    sent = [statement(fresh_registration, n=i) for i in range(23)]
    client.send(sent)
    before = datetime.now(UTC) + timedelta(seconds=1)
    query = client.query(registration=fresh_registration, limit=5, ascending=True)
    got = [s["id"] for s in query]
    assert got == [s["id"] for s in sent]
    assert query.pages_fetched == 5
    assert query.consistent_through is not None
    assert query.consistent_through <= before


def test_every_filter_learning_locker_supports(client: LRSClient, fresh_registration: str) -> None:
    reg = fresh_registration
    alice = "mailto:alice-" + reg + "@example.org"
    parent = ACTIVITY + "parent-" + reg
    t0 = statement(reg, n=0, actor=alice)
    t1 = statement(reg, n=1, verb="http://adlnet.gov/expapi/verbs/attended")
    t1["context"]["contextActivities"] = {"parent": [{"id": parent}]}
    t1["context"]["instructor"] = {"mbox": alice}
    client.send([t0])
    time.sleep(0.05)
    middle = datetime.now(UTC)
    time.sleep(0.05)
    client.send([t1])

    def ids(**filters: object) -> list[str]:
        return [s["id"] for s in client.query(registration=reg, **filters)]

    assert ids(agent={"mbox": alice}) == [t0["id"]]
    assert set(ids(agent={"mbox": alice}, related_agents=True)) == {t0["id"], t1["id"]}
    assert ids(verb="http://adlnet.gov/expapi/verbs/attended") == [t1["id"]]
    assert ids(activity=ACTIVITY + "0") == [t0["id"]]
    assert ids(activity=parent) == []
    assert ids(activity=parent, related_activities=True) == [t1["id"]]
    assert ids(since=middle) == [t1["id"]]
    assert ids(until=middle) == [t0["id"]]
    assert ids(ascending=True) == [t0["id"], t1["id"]]
    assert ids(ascending=False) == [t1["id"], t0["id"]]
    assert ids(limit=1, ascending=True)[:1] == [t0["id"]]
    only_ids = list(client.query(registration=reg, format="ids", ascending=True))
    assert only_ids[0]["actor"] == {"mbox": alice}
    assert "display" not in only_ids[1]["verb"]


def _wait_for_attachment_file(server: RunningLRS, sha2: str) -> None:
    """Learning Locker answers the POST before its local storage has written the file,
    and a GET in that window crashes the service; wait for the file first."""
    deadline = time.monotonic() + 10
    while not list((server.workdir / "storage").glob(f"*/attachments/{sha2}.*")):
        assert time.monotonic() < deadline, "Learning Locker never wrote the attachment"
        time.sleep(0.05)


def test_attachments_round_trip(
    client: LRSClient, learning_locker: RunningLRS, fresh_registration: str
) -> None:
    # Learning Locker decodes attachment parts as UTF-8 when storing them, so
    # binary content would come back mangled; binary is covered by unit tests.
    notes = Attachment(
        content="coaching notes: ünïcode ✓\n".encode(),
        content_type="text/plain",
        usage_type="https://leaderled.example.org/attachments/notes",
        display={"en-US": "notes"},
    )
    sent = attach(statement(fresh_registration), notes)
    (sid,) = client.send_with_attachments([sent], [notes])
    _wait_for_attachment_file(learning_locker, notes.sha2)
    query = client.query(Filters(registration=fresh_registration, attachments=True))
    pages = list(query.pages())
    assert [s["id"] for s in pages[0].statements] == [sid]
    assert pages[0].attachments == {notes.sha2: notes.content}


def test_feed_restarts_from_its_persisted_cursor_without_duplicates(
    client: LRSClient, fresh_registration: str
) -> None:
    filters = Filters(registration=fresh_registration)
    first = [statement(fresh_registration, n=i) for i in range(7)]
    client.send(first)
    feed = client.feed(filters=filters, page_size=3, overlap=timedelta(seconds=30))
    pages = list(feed.pages())
    assert [s["id"] for p in pages for s in p.statements] == [s["id"] for s in first]
    assert max(len(p.statements) for p in pages) <= 3
    saved = feed.cursor.to_json()
    assert feed.cursor.mark is not None
    assert feed.cursor.mark <= datetime.now(UTC)

    second = [statement(fresh_registration, n=10 + i) for i in range(4)]
    client.send(second)
    resumed = client.feed(
        Cursor.from_json(saved), filters=filters, page_size=3, overlap=timedelta(seconds=30)
    )
    assert [s["id"] for s in resumed] == [s["id"] for s in second]
    again = client.feed(resumed.cursor, filters=filters, page_size=3, overlap=timedelta(seconds=30))
    assert list(again) == []


def test_feed_mark_never_passes_consistent_through(
    client: LRSClient, fresh_registration: str
) -> None:
    client.send([statement(fresh_registration)])
    feed = client.feed(filters=Filters(registration=fresh_registration))
    pages = list(feed.pages())
    query = client.query(registration=fresh_registration)
    list(query)
    assert pages[-1].cursor.mark is not None
    assert query.consistent_through is not None
    assert pages[-1].cursor.mark <= query.consistent_through
