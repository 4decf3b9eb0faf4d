"""Query paging, inputs, comparison, attachments and delivery logic, without a real LRS."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
import responses
from tincan import Activity, Agent, Statement, Verb

from lrs_client import (
    Attachment,
    AuthError,
    BatchLimits,
    Conflict,
    Cursor,
    Filters,
    InvalidStatement,
    LRSClient,
    Outcome,
    ProtocolError,
)
from lrs_client.attachments import decode_multipart, encode_multipart
from lrs_client.compare import same_statement
from lrs_client.inputs import prepare
from tests.lrs_client.helpers import statement

BASE = "https://lrs.example.org/xapi/"
URL = BASE + "statements"


def client(**options: Any) -> LRSClient:
    return LRSClient(BASE, ("k", "s"), version="1.0.3", **options)


def page(ids: list[str], more: str | None, **headers: str) -> dict[str, Any]:
    body: dict[str, Any] = {"statements": [{"id": i} for i in ids]}
    if more is not None:
        body["more"] = more
    return {"json": body, "headers": headers}


@responses.activate
def test_more_links_relative_absolute_and_empty_are_followed() -> None:
    responses.get(
        URL,
        **page(
            ["a"],
            "/xapi/statements?cursor=2",
            **{"X-Experience-API-Consistent-Through": "2026-01-01T10:00:05Z"},
        ),
    )
    responses.get(
        BASE + "statements?cursor=2",
        **page(
            ["b"],
            BASE + "statements?cursor=3",
            **{"X-Experience-API-Consistent-Through": "2026-01-01T10:00:01Z"},
        ),
    )
    responses.get(BASE + "statements?cursor=3", **page(["c"], ""))
    query = client().query(limit=1)
    assert [s["id"] for s in query] == ["a", "b", "c"]
    assert query.pages_fetched == 3
    assert query.consistent_through == datetime(2026, 1, 1, 10, 0, 1, tzinfo=UTC)


@responses.activate
def test_missing_more_ends_the_query() -> None:
    responses.get(URL, **page(["a"], None))
    assert [s["id"] for s in client().query()] == ["a"]


@responses.activate
def test_a_repeating_more_link_is_reported_not_followed_forever() -> None:
    responses.get(URL, **page(["a"], "/xapi/statements?page=2"))
    responses.get(BASE + "statements?page=2", **page(["b"], "/xapi/statements?page=2"))
    with pytest.raises(ProtocolError, match="same 'more' link"):
        list(client().query())


@responses.activate
def test_a_more_link_to_another_server_is_refused() -> None:
    responses.get(URL, **page(["a"], "https://evil.example.com/statements?x=1"))
    with pytest.raises(ProtocolError, match="another server"):
        list(client().query())


@responses.activate
def test_non_json_statements_answer_is_a_protocol_error() -> None:
    responses.get(URL, body="<html>login</html>")
    with pytest.raises(ProtocolError):
        list(client().query())


def test_filters_render_as_the_spec_names_them() -> None:
    since = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    params = Filters(
        agent={"mbox": "mailto:a@example.org"},
        verb="http://v",
        activity="http://a",
        registration="r",
        related_activities=True,
        related_agents=False,
        since=since,
        until="2026-03-02T00:00:00Z",
        limit=10,
        format="ids",
        attachments=False,
        ascending=True,
    ).params()
    assert params == {
        "agent": '{"mbox":"mailto:a@example.org"}',
        "verb": "http://v",
        "activity": "http://a",
        "registration": "r",
        "related_activities": "true",
        "related_agents": "false",
        "since": "2026-03-01T10:00:00.000Z",
        "until": "2026-03-02T00:00:00Z",
        "limit": "10",
        "format": "ids",
        "attachments": "false",
        "ascending": "true",
    }
    with pytest.raises(ValueError, match="timezone"):
        Filters(since=datetime(2026, 1, 1)).params()
    with pytest.raises(ValueError, match="format"):
        Filters(format="full").params()


def test_inputs_dict_json_and_tincan() -> None:
    as_dict = statement()
    assert prepare(as_dict).id == as_dict["id"]
    text = json.dumps(as_dict, indent=2)
    prepared = prepare(text)
    assert prepared.body == text.encode()
    no_id = {k: v for k, v in as_dict.items() if k != "id"}
    generated = prepare(no_id)
    assert len(generated.id) == 36
    assert "id" not in no_id
    tin = Statement(
        actor=Agent(mbox="mailto:leader@example.org"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/experienced"),
        object=Activity(id="https://leaderled.example.org/activities/1"),
    )
    converted = prepare(tin).statement
    assert converted["actor"]["mbox"] == "mailto:leader@example.org"
    assert converted["object"]["id"] == "https://leaderled.example.org/activities/1"
    for bad in ("{not json", "[1, 2]", b"\xff", 42):
        with pytest.raises(InvalidStatement):
            prepare(bad)  # type: ignore[arg-type]


def test_same_statement_follows_the_spec_comparison_rules() -> None:
    sent = statement(registration="ABCDEF01-2345-4789-8123-456789ABCDEF")
    sent["timestamp"] = "2026-01-01T12:00:00+02:00"
    sent["actor"] = {
        "objectType": "Group",
        "mbox": "mailto:team@example.org",
        "member": [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}],
    }
    stored = json.loads(json.dumps(sent))
    stored.update(
        stored="2026-01-01T10:00:01Z",
        authority={"mbox": "mailto:lrs@example.org"},
        version="1.0.0",
        timestamp="2026-01-01T10:00:00.000Z",
    )
    stored["id"] = stored["id"].upper()
    stored["context"]["registration"] = stored["context"]["registration"].lower()
    stored["actor"]["member"].reverse()
    stored["verb"]["display"] = {"EN-us": "experienced"}
    del stored["object"]["objectType"]
    assert same_statement(sent, stored)
    assert not same_statement(sent, {**stored, "verb": {"id": "http://other"}})
    assert not same_statement(sent, {**stored, "timestamp": "2026-01-01T10:00:01Z"})
    untimed = {k: v for k, v in sent.items() if k != "timestamp"}
    assert same_statement(untimed, stored)


def test_same_statement_single_context_activity_equals_a_one_element_array() -> None:
    parent = {"id": "https://leaderled.example.org/courses/1"}
    sent = statement(context={"contextActivities": {"parent": parent, "grouping": [parent]}})
    sent["object"] = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:x@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/planned"},
        "object": {"id": "https://leaderled.example.org/activities/9"},
        "context": {"contextActivities": {"category": parent, "other": parent}},
    }
    stored = json.loads(json.dumps(sent))
    # as Learning Locker keeps it: arrays, activities with their objectType
    as_ll = {**parent, "objectType": "Activity"}
    stored["context"]["contextActivities"] = {"parent": [as_ll], "grouping": [as_ll]}
    stored["object"]["context"]["contextActivities"] = {"category": [as_ll], "other": [as_ll]}
    assert same_statement(sent, stored)
    other = {"id": "https://leaderled.example.org/courses/2"}
    stored["object"]["context"]["contextActivities"]["other"] = [as_ll, other]
    assert not same_statement(sent, stored)


def test_same_statement_compares_durations_at_hundredths_of_a_second() -> None:
    sent = statement(result={"duration": "PT1M30.123456S"})
    assert same_statement(sent, {**sent, "result": {"duration": "PT1M30.12S"}})
    assert same_statement(sent, {**sent, "result": {"duration": "PT90.129S"}})
    assert not same_statement(sent, {**sent, "result": {"duration": "PT1M30.13S"}})
    assert not same_statement(sent, {**sent, "result": {"duration": "PT1H30.12S"}})


def test_same_statement_truncates_timestamps_to_milliseconds() -> None:
    sent = statement(timestamp="2026-01-01T10:00:00.9996Z")
    # an LRS that keeps milliseconds truncates; float rounding would make it .000 of the next second
    assert same_statement(sent, {**sent, "timestamp": "2026-01-01T10:00:00.999Z"})
    assert not same_statement(sent, {**sent, "timestamp": "2026-01-01T10:00:01.000Z"})
    far = statement(timestamp="2286-11-20T17:46:39.9999999+00:00")
    assert same_statement(far, {**far, "timestamp": "2286-11-20T17:46:39.999Z"})


def test_attachments_multipart_round_trip_binary() -> None:
    blob = Attachment(bytes(range(256)), "application/octet-stream", "http://u", {"en": "b"})
    body, content_type = encode_multipart(b'[{"id":"x"}]', [blob, blob])
    assert body.count(b"X-Experience-API-Hash") == 1
    document, parts = decode_multipart(body, content_type)
    assert document == [{"id": "x"}]
    assert parts == {blob.sha2: blob.content}
    with pytest.raises(ProtocolError):
        decode_multipart(body, "multipart/mixed")


class FakeLRS:
    """A ``responses`` callback: rejects batches holding a poison statement with 400."""

    def __init__(self) -> None:
        self.posts = 0
        self.reads = 0
        self.calls: list[SimpleNamespace] = []
        self.stored: dict[str, dict[str, Any]] = {}

    def post(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.posts += 1
        self.calls.append(SimpleNamespace(request=request))
        batch = json.loads(request.body)
        for item in batch:
            if item.get("poison"):
                return 400, {}, json.dumps({"message": f"{item['id']} is poison"})
            if item["id"] in self.stored and self.stored[item["id"]] != item:
                return 409, {}, json.dumps({"message": f"{item['id']} is conflicting"})
        for item in batch:
            self.stored[item["id"]] = item
        return 200, {}, json.dumps([i["id"] for i in batch])

    def get(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.reads += 1
        sid = request.params.get("statementId")
        if sid is None and "voidedStatementId" not in request.params:
            return 200, {}, json.dumps({"statements": [], "more": ""})  # a plain read
        if sid in self.stored:
            return 200, {}, json.dumps({**self.stored[sid], "stored": "2026-01-01T00:00:00Z"})
        return 404, {}, "{}"


@pytest.fixture
def fake() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lrs = FakeLRS()
        mock.add_callback(responses.POST, URL, callback=lrs.post)
        mock.add_callback(responses.GET, URL, callback=lrs.get)
        yield lrs


@pytest.mark.parametrize("position", [0, 17, 63])
def test_bisection_costs_at_most_2_log2_n_extra_requests(fake: FakeLRS, position: int) -> None:
    batch = [statement(n=i) for i in range(64)]
    batch[position]["poison"] = True
    report = client().deliver(batch)
    assert report.tally(Outcome.STORED) == 63
    assert report[position].outcome is Outcome.REJECTED
    assert report[position].reason == f"{batch[position]['id']} is poison"
    assert fake.posts - 1 <= 2 * math.log2(64)
    assert set(fake.stored) == {s["id"] for i, s in enumerate(batch) if i != position}


def test_conflict_resolution_by_content(fake: FakeLRS) -> None:
    first, second = statement(n=1), statement(n=2)
    client().deliver([first, second])
    changed = {**second, "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    # the fake compares JSON literally: the same instant in another zone gets a 409
    fake.stored[first["id"]] = {**first, "timestamp": "2026-01-01T00:00:00Z"}
    report = client().deliver([{**first, "timestamp": "2026-01-01T01:00:00+01:00"}, changed])
    assert report[0].outcome is Outcome.ALREADY_STORED
    assert report[1].outcome is Outcome.REJECTED
    assert "is conflicting" in report[1].reason
    assert report.stats.lookups == 2


def test_duplicates_within_one_batch(fake: FakeLRS) -> None:
    one = statement()
    other = {**one, "verb": {"id": "http://other"}}
    report = client().deliver([one, dict(one), other, "not json"])
    assert [r.outcome for r in report] == [
        Outcome.STORED,
        Outcome.STORED,
        Outcome.REJECTED,
        Outcome.REJECTED,
    ]
    assert "has this id and other content" in report[2].reason
    assert "not valid JSON" in report[3].reason
    assert fake.posts == 1


def test_chunks_respect_count_and_bytes(fake: FakeLRS) -> None:
    batch = [statement(n=i) for i in range(10)]
    size = len(prepare(batch[0]).body)
    limit = size * 3 + 10
    report = client(batch=BatchLimits(max_count=4, max_bytes=limit)).deliver(batch)
    assert all(r.outcome is Outcome.STORED for r in report)
    bodies = [json.loads(c.request.body) for c in fake.calls]
    assert [len(b) for b in bodies] == [2, 2, 2, 2, 2]  # 4 by count, then halved to fit bytes
    assert all(len(c.request.body) <= limit for c in fake.calls)
    assert report.stats.requests == 5


@responses.activate
def test_auth_failure_during_delivery_is_raised() -> None:
    responses.post(URL, status=401, json={"message": "unauthorised"})
    with pytest.raises(AuthError):
        client().deliver([statement()])


def test_2_0_only_properties_are_refused_towards_a_1_0_3_lrs(fake: FakeLRS) -> None:
    modern = statement()
    modern["context"] = {
        "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.c"}}]
    }
    declared = statement(version="2.0.0")
    plain = statement()
    report = client().deliver([modern, declared, plain])
    assert report[0].outcome is Outcome.REJECTED
    assert "context.contextAgents exists only in xAPI 2.0" in report[0].reason
    assert report[1].outcome is Outcome.REJECTED
    assert "declares xAPI 2.0.0" in report[1].reason
    assert report[2].outcome is Outcome.STORED
    assert set(fake.stored) == {plain["id"]}
    report_2 = LRSClient(BASE, version="2.0.0").deliver([modern])
    assert report_2[0].outcome is Outcome.STORED


def test_2_0_context_inside_a_substatement_is_found_too() -> None:
    from lrs_client.compat import version_problem

    inner = statement()
    inner["context"] = {"contextGroups": []}
    outer = statement(
        object={
            "objectType": "SubStatement",
            **{k: inner[k] for k in ("actor", "verb", "object", "context")},
        }
    )
    assert version_problem(outer, "1.0.3") == (
        "object.context.contextGroups exists only in xAPI 2.0; this LRS speaks 1.0.3"
    )
    assert version_problem(outer, "2.0.0") is None
    assert version_problem(statement(), "1.0.3") is None


@responses.activate
def test_feed_starts_at_the_callers_since_then_at_its_mark_minus_overlap() -> None:
    stored = "2026-05-01T10:00:00.000Z"
    responses.get(
        URL,
        json={"statements": [{"id": "a", "stored": stored}]},
        headers={"X-Experience-API-Consistent-Through": "2026-05-01T09:59:00Z"},
    )
    feed = client().feed(
        filters=Filters(since="2026-04-01T00:00:00Z"), overlap=timedelta(minutes=2)
    )
    assert [s["id"] for s in feed] == ["a"]
    assert responses.calls[0].request.params["since"] == "2026-04-01T00:00:00Z"
    assert responses.calls[0].request.params["ascending"] == "true"
    # capped at consistent-through, which is earlier than the statement's stored time
    assert feed.cursor.mark == datetime(2026, 5, 1, 9, 59, tzinfo=UTC)
    again = client().feed(feed.cursor, overlap=timedelta(minutes=2))
    assert list(again) == []  # "a" is seen again in the overlap and skipped
    assert responses.calls[1].request.params["since"] == "2026-05-01T09:57:00.000Z"


@responses.activate
def test_feed_interrupted_on_an_lrs_that_ignores_ascending_skips_nothing() -> None:
    def item(sid: str, minute: int) -> dict[str, str]:
        return {"id": sid, "stored": f"2026-05-01T10:{minute:02d}:00Z"}

    # newest first although the feed asks for ascending order (Ralph does this)
    responses.get(URL, json={"statements": [item("d", 4), item("c", 3)], "more": "/xapi/p2"})
    responses.get(BASE + "p2", json={"statements": [item("b", 2), item("a", 1)], "more": ""})
    feed = client().feed(overlap=timedelta(seconds=30))
    first_page = next(feed.pages())
    assert [s["id"] for s in first_page.statements] == ["d", "c"]
    saved = first_page.cursor.to_json()  # then the worker dies

    responses.get(
        URL, json={"statements": [item("d", 4), item("c", 3), item("b", 2), item("a", 1)]}
    )
    resumed = client().feed(Cursor.from_json(saved), overlap=timedelta(seconds=30))
    assert [s["id"] for s in resumed] == ["b", "a"]
    assert resumed.cursor.mark == datetime(2026, 5, 1, 10, 4, tzinfo=UTC)


@responses.activate
def test_put_answered_409_is_settled_by_comparing_the_stored_statement() -> None:
    """ADL's LRS answers 409 to a re-PUT of the same statement."""
    sent = statement(context={"contextActivities": {"parent": {"id": "https://c.example.org"}}})
    kept = json.loads(json.dumps(sent))
    kept["context"]["contextActivities"]["parent"] = [
        {"id": "https://c.example.org", "objectType": "Activity"}
    ]
    kept["stored"] = "2026-01-01T00:00:00Z"
    responses.put(URL, status=409, json={"message": "Statement already exists"})
    responses.get(URL, json=kept)
    assert client().put(sent) == sent["id"]
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    with pytest.raises(Conflict, match="already exists") as caught:
        client().put(changed)
    assert caught.value.status == 409
    puts = [c for c in responses.calls if c.request.method == "PUT"]
    assert len(puts) == 2


def test_attachment_part_whose_content_does_not_match_its_hash_is_a_protocol_error() -> None:
    blob = Attachment(b"the real content", "text/plain", "http://u", {"en": "b"})
    body, content_type = encode_multipart(b'[{"id":"x"}]', [blob])
    corrupted = body.replace(b"the real content", b"the REAL content")
    with pytest.raises(ProtocolError, match=blob.sha2) as caught:
        decode_multipart(corrupted, content_type)
    assert "REAL" not in str(caught.value)
    upper = body.replace(blob.sha2.encode(), blob.sha2.upper().encode())
    assert decode_multipart(upper, content_type)[1] == {blob.sha2: blob.content}


@responses.activate
def test_a_more_link_with_the_default_port_written_out_is_the_same_origin() -> None:
    responses.get(URL, **page(["a"], "https://lrs.example.org:443/xapi/statements?cursor=2"))
    responses.get("https://lrs.example.org:443/xapi/statements?cursor=2", **page(["b"], ""))
    assert [s["id"] for s in client().query()] == ["a", "b"]
    responses.get(URL, **page(["a"], "https://lrs.example.org:8443/xapi/statements?c=3"))
    with pytest.raises(ProtocolError, match="another server"):
        list(client().query())


@responses.activate
def test_feed_skips_and_counts_items_that_are_not_statement_objects() -> None:
    body = {
        "statements": [
            {"id": "a", "stored": "2026-01-01T10:00:00Z"},
            "b",
            None,
            ["c"],
            {"id": "d", "stored": "2026-01-01T10:00:01Z"},
        ]
    }
    responses.get(URL, json=body)
    feed = client().feed()
    pages = list(feed.pages())
    assert [s["id"] for s in pages[0].statements] == ["a", "d"]
    assert pages[0].skipped == 3
    assert feed.skipped == 3


@responses.activate
def test_document_ids_answered_with_non_json_is_a_protocol_error() -> None:
    responses.get(BASE + "activities/state", body="<html>login</html>")
    with pytest.raises(ProtocolError, match="non-JSON"):
        client().state.ids(
            activity_id="https://leaderled.example.org/a", agent={"mbox": "mailto:a@example.org"}
        )


class AdlLikeLRS(FakeLRS):
    """Answers 409 to a POST holding any id it already has, identical content or not (ADL)."""

    def post(self, request: Any) -> tuple[int, dict[str, str], str]:
        batch = json.loads(request.body)
        taken = [item["id"] for item in batch if item["id"] in self.stored]
        if taken:
            self.posts += 1
            self.calls.append(SimpleNamespace(request=request))
            return 409, {}, json.dumps({"message": f"Statement {taken[0]} already exists"})
        return super().post(request)


@pytest.fixture
def adl() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lrs = AdlLikeLRS()
        mock.add_callback(responses.POST, URL, callback=lrs.post)
        mock.add_callback(responses.GET, URL, callback=lrs.get)
        yield mock, lrs


def test_resending_a_stored_batch_costs_one_lookup_per_statement(adl: Any) -> None:
    mock, _ = adl
    batch = [statement(n=i) for i in range(64)]
    assert client().deliver(batch).tally(Outcome.STORED) == 64
    before = len(mock.calls)
    report = client().deliver(batch)  # the crash-recovery path: all of it again
    assert [r.statement_id for r in report] == [s["id"] for s in batch]
    assert [r.outcome for r in report] == [Outcome.ALREADY_STORED] * 64
    assert len(mock.calls) - before <= 64 + 2
    assert report.stats.lookups == 64
    assert report.stats.bisections == 0


def test_409_on_a_chunk_settles_stored_ones_and_posts_the_rest_once(adl: Any) -> None:
    mock, lrs = adl
    old = [statement(n=i) for i in range(6)]
    client().deliver(old)
    changed = {**old[4], "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    new = [statement(n=10 + i) for i in range(5)]
    batch = [old[1], new[0], new[1], changed, new[2], old[3], new[3], new[4]]
    before = len(mock.calls)
    report = client().deliver(batch)
    assert [r.statement_id for r in report] == [s["id"] for s in batch]
    assert [r.outcome for r in report] == [
        Outcome.ALREADY_STORED,
        Outcome.STORED,
        Outcome.STORED,
        Outcome.REJECTED,
        Outcome.STORED,
        Outcome.ALREADY_STORED,
        Outcome.STORED,
        Outcome.STORED,
    ]
    assert "conflict" in report[3].reason
    # the POST, a GET per stored id, two per new one (statementId, then
    # voidedStatementId), the POST of the new ones
    assert len(mock.calls) - before == 1 + 3 + 2 * 5 + 1
    assert all(s["id"] in lrs.stored for s in new)


def test_409_among_new_statements_is_found_by_bisection_not_lookups(adl: Any) -> None:
    """One conflicting id in a chunk of new statements: the first id is not
    stored, so the client bisects (about 2*log2(n)) instead of n lookups."""
    mock, lrs = adl
    old = statement(n=1)
    client().deliver([old])
    changed = {**old, "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"}}
    batch = [statement(n=100 + i) for i in range(63)]
    batch.insert(40, changed)
    before = len(mock.calls)
    report = client().deliver(batch)
    assert [r.outcome for r in report] == [
        Outcome.REJECTED if s is changed else Outcome.STORED for s in batch
    ]
    assert "conflict" in report[40].reason
    assert report.stats.bisections >= 1
    assert len(mock.calls) - before <= 2 * 2 * 6 + 4
    assert all(s["id"] in lrs.stored for s in batch if s is not changed)
