"""Idempotency-Key: the same request sent twice, also at the same moment,
creates one record and one set of statements, and both get the first answer."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import IdempotentRequest, LeaderLedRecord, OutboxRow
from tests.plugin.views.conftest import World, counts

from .conftest import auth, make_token, moment_body, session_body


def _twice_at_once(app: Flask, path: str, body: dict[str, Any], headers: dict[str, str]) -> list:
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def send(slot: int) -> None:
        client = app.test_client()
        start.wait()
        answers[slot] = client.post(path, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_the_same_request_twice_at_once_records_once(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    body = session_body(world)
    before = counts(pages_app)
    for _round in range(3):  # a race that passes once may be luck; three times less so
        key = f"sess-{_round}"
        answers = _twice_at_once(
            pages_app, "/api/v1/sessions", body, auth(secret, **{"Idempotency-Key": key})
        )
        assert [a.status_code for a in answers] == [201, 201]
        assert answers[0].get_json() == answers[1].get_json()
        assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    after = counts(pages_app)
    assert after["leader_led_record"] - before["leader_led_record"] == 3
    assert after["outbox"] - before["outbox"] == 3 * 3  # taught + two attended, per record
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(IdempotentRequest)) == 3


def test_a_retry_gets_the_first_answer_and_records_nothing(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    body = moment_body(world)
    headers = auth(secret, **{"Idempotency-Key": "retry-1"})
    first = client.post("/api/v1/moments", json=body, headers=headers)
    second = client.post("/api/v1/moments", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(LeaderLedRecord)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_the_same_key_with_another_body_is_refused(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "k"})
    assert (
        client.post("/api/v1/moments", json=moment_body(world), headers=headers).status_code == 201
    )
    before = counts(pages_app)
    other = client.post("/api/v1/moments", json=moment_body(world, minutes=20), headers=headers)
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert counts(pages_app) == before


def test_a_refused_request_keeps_no_key(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    headers = auth(secret, **{"Idempotency-Key": "fix-and-retry"})
    refused = client.post("/api/v1/moments", json=moment_body(world, minutes=0), headers=headers)
    assert refused.status_code == 422
    fixed = client.post("/api/v1/moments", json=moment_body(world, minutes=0), headers=headers)
    assert fixed.status_code == 422  # refused again, not replayed as a stored answer
    assert "Idempotent-Replayed" not in fixed.headers
    good = client.post("/api/v1/moments", json=moment_body(world), headers=headers)
    assert good.status_code == 201


def test_keys_are_per_token(pages_app: Flask, world: World) -> None:
    ada = make_token(pages_app, person=world.people["ada"])
    gus = make_token(pages_app, person=world.people["gus"])
    client = pages_app.test_client()
    mine = client.post(
        "/api/v1/moments", json=moment_body(world), headers=auth(ada, **{"Idempotency-Key": "same"})
    )
    theirs = client.post(
        "/api/v1/moments",
        json=moment_body(world, people=[world.people["hal"]]),
        headers=auth(gus, **{"Idempotency-Key": "same"}),
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_a_bad_key_is_refused_in_words(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    response = pages_app.test_client().post(
        "/api/v1/moments",
        json=moment_body(world),
        headers=auth(secret, **{"Idempotency-Key": "x" * 256}),
    )
    assert response.status_code == 422
    assert "1 to 255" in response.get_json()["detail"]
