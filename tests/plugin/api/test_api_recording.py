"""Recording and reading through the API: the same services, rules and
outbox as the pages; refused input is problem+json naming each field and
stores nothing; statements match their templates in our xAPI Profile."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, OutboxRow, TokenKind
from plugin.models.outbox import OutboxState
from plugin.models.records import RecordKind, RecordState
from statements.template_specs import template_iri
from statements.templates import match_profile
from statements.validation import validate
from tests.plugin.views.conftest import ISSUER, SITE, World, counts

from .conftest import ALL_SCOPES, auth, make_token, moment_body, session_body, when

BASE = SITE + "/xapi"


def statements_of(app: Flask, record_id: int) -> list[dict[str, Any]]:
    with session_scope(app) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == record_id).order_by(OutboxRow.id)
        )
        return [json.loads(r.statement_json) for r in rows]


def test_a_leader_records_a_moment_with_a_personal_token(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    body = moment_body(world, people=[world.people["bo"], world.people["dee"]], notes="Secret")
    response = client.post("/api/v1/moments", json=body, headers=auth(secret))
    assert response.status_code == 201
    made = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/records/{made['id']}")
    assert made["kind"] == "coaching_moment"
    assert made["minutes"] == 15
    assert made["notes"] == "Secret"  # the owner sees their own notes
    assert made["delivery"] == {"state": "waiting", "reason": None}
    assert sorted(p["person_id"] for p in made["participants"]) == sorted(body["people"])
    sent = statements_of(pages_app, made["id"])
    assert [s["id"] for s in sent] == made["statement_ids"]
    for statement in sent:
        assert validate(statement).ok
        assert match_profile(statement).matched == [template_iri("coaching-moment-given", BASE)]
        assert statement["actor"]["account"] == {"homePage": ISSUER, "name": "2"}
        assert "Secret" not in json.dumps(statement)


def test_a_knowledge_session_queues_taught_and_attended(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    response = pages_app.test_client().post(
        "/api/v1/sessions", json=session_body(world), headers=auth(secret)
    )
    assert response.status_code == 201
    sent = statements_of(pages_app, response.get_json()["id"])
    matched = sorted(match_profile(s).matched[0].rsplit("/", 1)[-1] for s in sent)
    assert matched == [
        "knowledge-session-attended",
        "knowledge-session-attended",
        "knowledge-session-taught",
    ]


BAD = [
    ("nobody", {"people": []}, "people", "Choose at least one person."),
    ("another team", {"people": ["hal"]}, "people", "from this course's team only"),
    ("zero minutes", {"minutes": 0}, "minutes", "at least 1 minute"),
    ("future", {"occurred_at": when(48)}, "occurred_at", "not in the future"),
    ("unknown topic", {"topic": "astrology"}, "topic", "topics offered"),
    ("bad kind", {"kind": "lecturing"}, "kind", "Must be one of"),
    ("naive time", {"occurred_at": "2026-01-01T10:00:00"}, "occurred_at", "aware"),
    ("text minutes", {"minutes": "ten"}, "minutes", "Not a valid integer"),
    ("huge id", {"people": [2**40]}, "people.0", "less than or equal to"),
    ("NUL topic", {"topic": "a\x00b"}, "topic", "NUL"),
    ("year 1", {"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at", "1900"),
    ("unknown field", {"colour": "red"}, "colour", "Unknown field"),
]


@pytest.mark.parametrize(
    ("change", "field", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_refused_input_names_its_field_and_stores_nothing(
    pages_app: Flask, world: World, change: dict[str, Any], field: str, message: str
) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    resolved = {
        k: [world.people.get(p, p) if isinstance(p, str) else p for p in val]
        if isinstance(val, list)
        else val
        for k, val in change.items()
    }
    before = counts(pages_app)
    response = pages_app.test_client().post(
        "/api/v1/moments", json=moment_body(world, **resolved), headers=auth(secret)
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422
    details = {e["field"]: e["detail"] for e in problem["errors"]}
    assert field in details, details
    assert message in details[field]
    assert counts(pages_app) == before


def test_messages_follow_accept_language(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    response = pages_app.test_client().post(
        "/api/v1/moments",
        json=moment_body(world, people=[]),
        headers=auth(secret, **{"Accept-Language": "nl"}),
    )
    assert response.get_json()["errors"] == [
        {"field": "people", "detail": "Kies minstens één persoon."}
    ]


def test_correct_and_delete_void_the_old_statements(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    made = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret)).get_json()
    first = made["statement_ids"]
    changed = client.put(
        f"/api/v1/moments/{made['id']}",
        json=moment_body(world, minutes=30, kind="mentoring"),
        headers=auth(secret),
    )
    assert changed.status_code == 200
    assert changed.get_json()["kind"] == "mentoring_session"
    assert changed.get_json()["statement_ids"] != first
    gone = client.delete(f"/api/v1/records/{made['id']}", headers=auth(secret))
    assert gone.status_code == 204
    with session_scope(pages_app) as session:
        row = session.get_one(LeaderLedRecord, made["id"])
        assert row.state is RecordState.DELETED
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements_of(pages_app, made["id"])]
    assert verbs.count("voided") == 2  # the first statement, then its correction
    shown = client.get(f"/api/v1/records/{made['id']}", headers=auth(secret)).get_json()
    assert (shown["state"], shown["notes"], shown["statement_ids"]) == ("deleted", None, [])
    listed = client.get("/api/v1/records", headers=auth(secret)).get_json()
    assert listed["items"] == []


def test_a_learner_confirms_and_rates_with_their_token(pages_app: Flask, world: World) -> None:
    leader = make_token(pages_app, person=world.people["ada"])
    learner = make_token(pages_app, person=world.people["bo"])
    client = pages_app.test_client()
    made = client.post("/api/v1/sessions", json=session_body(world), headers=auth(leader))
    record_id = made.get_json()["id"]
    first = client.post(
        f"/api/v1/records/{record_id}/confirmation",
        json={"rating": 4, "comment": "Useful"},
        headers=auth(learner),
    )
    assert first.status_code == 201
    assert first.get_json()["kind"] == "confirmation"
    again = client.post(
        f"/api/v1/records/{record_id}/confirmation", json={"rating": 5}, headers=auth(learner)
    )
    assert again.status_code == 200
    assert again.get_json()["rating"] == 5
    record = client.get("/api/v1/learning-record", headers=auth(learner)).get_json()
    assert [(e["record_id"], e["confirmed"], e["rating"]) for e in record["leader_led"]] == [
        (record_id, True, 5)
    ]
    assert record["mix"]["shares_by_hours"] == {"experiential": 0, "social": 100, "formal": 0}


def test_lists_page_with_a_cursor_and_filter(pages_app: Flask, world: World) -> None:
    secret = make_token(pages_app, person=world.people["ada"])
    client = pages_app.test_client()
    ids = []
    for hours in (-5, -4, -3, -2, -1):
        kind = "mentoring" if hours == -3 else "coaching"
        made = client.post(
            "/api/v1/moments",
            json=moment_body(world, occurred_at=when(hours), kind=kind),
            headers=auth(secret),
        )
        ids.append(made.get_json()["id"])
    seen: list[int] = []
    cursor = None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/records", query_string=query, headers=auth(secret)).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    only = client.get(
        "/api/v1/records",
        query_string={"kind": RecordKind.MENTORING_SESSION.value},
        headers=auth(secret),
    ).get_json()
    assert [item["id"] for item in only["items"]] == [ids[2]]
    since = client.get(
        "/api/v1/records", query_string={"since": when(-2.5)}, headers=auth(secret)
    ).get_json()
    assert [item["id"] for item in since["items"]] == [ids[4], ids[3]]
    bad = client.get("/api/v1/records", query_string={"cursor": "nonsense"}, headers=auth(secret))
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "cursor"


def test_a_service_token_records_for_a_leader_of_its_team(pages_app: Flask, world: World) -> None:
    secret = make_token(
        pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES[:2], teams=[world.team]
    )
    client = pages_app.test_client()
    missing = client.post("/api/v1/moments", json=moment_body(world), headers=auth(secret))
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "leader_id"
    made = client.post(
        "/api/v1/moments",
        json=moment_body(world, leader_id=world.people["ada"]),
        headers=auth(secret),
    )
    assert made.status_code == 201
    assert made.get_json()["leader_id"] == world.people["ada"]
    assert made.get_json()["notes"] is None or made.get_json()["notes"] == ""
    south = client.post(
        "/api/v1/moments",
        json=moment_body(world, leader_id=world.people["gus"], people=[world.people["hal"]]),
        headers=auth(secret),
    )
    assert south.status_code == 403


def test_parked_statements_are_listed_and_resent_by_an_organisation_token(
    pages_app: Flask, world: World
) -> None:
    leader = make_token(pages_app, person=world.people["ada"])
    admin = make_token(pages_app, kind=TokenKind.SERVICE, scopes=["admin"])
    client = pages_app.test_client()
    made = client.post("/api/v1/moments", json=moment_body(world), headers=auth(leader))
    (statement_id,) = made.get_json()["statement_ids"]
    with session_scope(pages_app) as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.statement_id == statement_id))
        assert row is not None
        row.state = OutboxState.PARKED
        row.last_status = 400
        row.last_error = "bad IRI"
    listed = client.get("/api/v1/outbox/parked", headers=auth(admin)).get_json()
    assert [(i["statement_id"], i["reason"]) for i in listed["items"]] == [
        (statement_id, "bad IRI")
    ]
    resent = client.post(f"/api/v1/outbox/parked/{statement_id}/resend", headers=auth(admin))
    assert resent.status_code == 200
    assert resent.get_json()["state"] == "pending"
    again = client.post(f"/api/v1/outbox/parked/{statement_id}/resend", headers=auth(admin))
    assert again.status_code == 404
