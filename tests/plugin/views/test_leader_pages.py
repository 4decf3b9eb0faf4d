"""The leader's pages: record a coaching moment or a knowledge session, see,
change and delete records; every refused value stores nothing and queues
nothing; another leader's record is never found."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import CompanyValue, LeaderLedRecord, OutboxRow, TopicCategory
from plugin.models.catalogue import ValueKind
from plugin.models.outbox import OutboxState
from plugin.models.records import RecordKind, RecordState
from statements import vocabulary as v
from statements.validation import validate

from .conftest import ISSUER, SITE, World, counts, csrf_token, sign_in

BASE = SITE + "/xapi"


def _when(delta: timedelta = timedelta(hours=-1)) -> str:
    """A form's wall-clock time (UTC is the test settings' time zone)."""
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M")


def moment_form(client: FlaskClient, world: World, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/leader/coaching/new"),
        "kind": "coaching",
        "people": [world.people["bo"]],
        "topic": "products",
        "minutes": "15",
        "occurred_at": _when(),
        "title": "",
        "notes": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def statements_of(app: Flask, record_id: int) -> list[dict[str, Any]]:
    with session_scope(app) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == record_id).order_by(OutboxRow.id)
        )
        return [json.loads(r.statement_json) for r in rows]


def test_a_leader_records_a_coaching_moment_for_two_people(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    people = [world.people["bo"], world.people["dee"]]
    response = client.post(
        "/leader/coaching/new", data=moment_form(client, world, people=people, notes="Secret")
    )
    assert response.status_code == 303
    record_id = int(response.location.rsplit("/", 1)[-1])
    with session_scope(pages_app) as session:
        row = session.get_one(LeaderLedRecord, record_id)
        assert row.kind is RecordKind.COACHING_MOMENT
        assert row.duration_seconds == 900
        assert row.notes == "Secret"
        assert sorted(p.person_id for p in row.participants) == sorted(people)
    sent = statements_of(pages_app, record_id)
    assert len(sent) == 2
    for statement, sub in zip(sent, ("11", "12"), strict=True):
        assert validate(statement).ok
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": ISSUER, "name": "2"},
        }
        assert statement["verb"]["id"] == v.COACHED.iri(BASE)
        assert statement["object"]["definition"]["type"] == v.COACHING_MOMENT.iri(BASE)
        assert statement["object"]["id"].startswith(SITE + "/moments/")
        learner = statement["context"]["extensions"][v.LEARNER.iri(BASE)]
        assert learner["account"] == {"homePage": ISSUER, "name": sub}
        assert statement["result"]["duration"] == "PT15M"
        categories = statement["context"]["contextActivities"]["category"]
        assert categories[0]["id"] == v.version_iri(BASE)
        assert categories[1]["id"] == v.TOPIC_PRODUCTS.iri(BASE)
        assert "Secret" not in json.dumps(statement)  # notes stay in the tool
        assert "name" not in statement["actor"]  # no names unless the platform opted in
    # One moment, one activity; each person their own relationship (registration).
    assert sent[0]["object"]["id"] == sent[1]["object"]["id"]
    assert sent[0]["context"]["registration"] != sent[1]["context"]["registration"]
    page = client.get(response.location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bo Learner" in html
    assert "Dee Colleague" in html
    assert "Waiting for the LRS" in html


def test_the_form_defaults_to_now_and_fifteen_minutes(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    html = client.get("/leader/coaching/new").get_data(as_text=True)
    assert 'name="minutes" type="number" value="15"' in html
    assert datetime.now(UTC).strftime("%Y-%m-%dT") in html
    # The roster of the launch's team, without the leader; never another team.
    assert "Bo Learner" in html
    assert "Hal Learner" not in html
    assert 'value="{}"'.format(world.people["ada"]) not in html


BAD_MOMENTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("nobody", {"people": []}, "people", "Choose at least one person."),
    ("unknown person", {"people": ["999999"]}, "people", "from this course's team only"),
    ("not a number", {"people": ["abc"]}, "people", ""),
    ("another team", {"people": ["hal"]}, "people", "from this course's team only"),
    ("myself", {"people": ["ada"]}, "people", "coaching of yourself"),
    ("zero minutes", {"minutes": "0"}, "minutes", "at least 1 minute"),
    ("over a day", {"minutes": "1441"}, "minutes", "24 hours"),
    ("words", {"minutes": "ten"}, "minutes", "whole number of minutes"),
    ("empty minutes", {"minutes": ""}, "minutes", "whole number of minutes"),
    ("future", {"occurred_at": _when(timedelta(days=2))}, "occurred_at", "not in the future"),
    ("bad date", {"occurred_at": "yesterday"}, "occurred_at", "such as 2026-12-01 14:30"),
    ("ancient", {"occurred_at": "1999-12-31T10:00"}, "occurred_at", "2000 or later"),
    ("long title", {"title": "x" * 201}, "title", "200 characters or fewer"),
    ("control chars", {"title": "a\x07b"}, "title", "cannot be shown"),
    ("unknown topic", {"topic": "astrology"}, "topic", "topics offered"),
    ("tampered value", {"value": "424242"}, "value", "company values offered"),
    ("bad kind", {"kind": "lecturing"}, "kind", "coaching or mentoring"),
    ("long notes", {"notes": "n" * 5001}, "notes", "5000 characters"),
]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [case[1:] for case in BAD_MOMENTS],
    ids=[case[0] for case in BAD_MOMENTS],
)
def test_bad_input_is_refused_next_to_its_field_and_stores_nothing(
    pages_app: Flask, world: World, change: dict[str, Any], field: str, message: str
) -> None:
    client = sign_in(pages_app, world, "ada")
    resolved = {
        k: [world.people.get(p, p) if isinstance(p, str) else p for p in val]
        if isinstance(val, list)
        else val
        for k, val in change.items()
    }
    before = counts(pages_app)
    response = client.post("/leader/coaching/new", data=moment_form(client, world, **resolved))
    if message == "":  # a value the browser cannot send: a clear 4xx all the same
        assert 400 <= response.status_code < 500
    else:
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        assert f'id="{field}-error"' in html
        assert message in html.replace("&#39;", "'")
        assert "<title>Error:" in html
    assert counts(pages_app) == before


def test_a_retired_topic_is_not_offered_and_refused(pages_app: Flask, world: World) -> None:
    with session_scope(pages_app) as session:
        session.add(
            TopicCategory(slug="old", name_en="Old", name_nl="Oud", retired_at=datetime.now(UTC))
        )
    client = sign_in(pages_app, world, "ada")
    assert 'value="old"' not in client.get("/leader/coaching/new").get_data(as_text=True)
    before = counts(pages_app)
    response = client.post("/leader/coaching/new", data=moment_form(client, world, topic="old"))
    assert response.status_code == 422
    assert counts(pages_app) == before


def test_a_post_without_csrf_token_is_refused(pages_app: Flask, world: World) -> None:
    pages_app.config["WTF_CSRF_ENABLED"] = True
    client = sign_in(pages_app, world, "ada")
    form = moment_form(client, world)
    del form["csrf_token"]
    before = counts(pages_app)
    assert client.post("/leader/coaching/new", data=form).status_code == 400
    assert counts(pages_app) == before


def test_an_organisation_topic_and_value_reach_the_statement(
    pages_app: Flask, world: World
) -> None:
    with session_scope(pages_app) as session:
        session.add(TopicCategory(slug="onboarding", name_en="Onboarding", name_nl="Inwerken"))
        value = CompanyValue(
            slug="customer-first",
            kind=ValueKind.VALUE,
            name_en="Customer first",
            name_nl="Klant eerst",
        )
        session.add(value)
        session.flush()
        value_id = value.id
    client = sign_in(pages_app, world, "ada")
    response = client.post(
        "/leader/coaching/new",
        data=moment_form(client, world, topic="onboarding", value=str(value_id)),
    )
    assert response.status_code == 303
    (statement,) = statements_of(pages_app, int(response.location.rsplit("/", 1)[-1]))
    topic = statement["context"]["contextActivities"]["category"][1]
    assert topic["id"] == BASE + "/topics/onboarding"
    assert topic["definition"]["type"] == v.TOPIC_CATEGORY.iri(BASE)
    assert topic["definition"]["name"] == {"en": "Onboarding", "nl": "Inwerken"}
    (grouping,) = statement["context"]["contextActivities"]["grouping"]
    assert grouping["id"] == BASE + "/values/customer-first"
    assert statement["object"]["definition"]["name"]["en"] == "Coaching moment: Onboarding"


def session_form(client: FlaskClient, world: World, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/leader/sessions/new"),
        "title": "How the web shop hands over to stores",
        "topic": "distribution-channels",
        "people": [world.people[p] for p in ("bo", "dee", "eli")],
        "minutes": "45",
        "occurred_at": _when(),
        "material_title": "Hand-over checklist",
        "material_url": "https://intranet.example.org/handover",
    }
    form.update(changes)
    return form


def test_a_knowledge_session_with_three_attendees(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    response = client.post("/leader/sessions/new", data=session_form(client, world))
    assert response.status_code == 303
    sent = statements_of(pages_app, int(response.location.rsplit("/", 1)[-1]))
    taught, *attended = sent
    assert taught["verb"]["id"] == v.TAUGHT.iri(BASE)
    assert taught["result"]["extensions"][v.ATTENDEE_COUNT.iri(BASE)] == 3
    assert taught["result"]["duration"] == "PT45M"
    (material,) = taught["context"]["contextActivities"]["other"]
    assert material["id"] == "https://intranet.example.org/handover"
    assert [a["actor"]["account"]["name"] for a in attended] == ["11", "12", "13"]
    assert all(a["verb"]["id"] == v.ATTENDED.iri(BASE) for a in attended)
    assert all(a["context"]["instructor"]["account"]["name"] == "2" for a in attended)
    assert all(validate(s).ok for s in sent)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"topic": ""}, "topic"),
        ({"material_url": "intranet/guide"}, "material_url"),
        ({"material_url": "https://example.org/a b"}, "material_url"),
        ({"material_url": "javascript:alert(1)"}, "material_url"),
    ],
)
def test_a_bad_session_is_refused(
    pages_app: Flask, world: World, change: dict[str, Any], field: str
) -> None:
    client = sign_in(pages_app, world, "ada")
    before = counts(pages_app)
    response = client.post("/leader/sessions/new", data=session_form(client, world, **change))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert counts(pages_app) == before


def _record_moment(app: Flask, world: World, who: str = "ada") -> tuple[FlaskClient, int]:
    client = sign_in(app, world, who)
    person = "bo" if who == "ada" else "hal"
    response = client.post(
        "/leader/coaching/new", data=moment_form(client, world, people=[world.people[person]])
    )
    assert response.status_code == 303
    return client, int(response.location.rsplit("/", 1)[-1])


def test_an_edit_voids_the_old_statement_and_queues_the_new_one(
    pages_app: Flask, world: World
) -> None:
    client, record_id = _record_moment(pages_app, world)
    (first,) = statements_of(pages_app, record_id)
    edit = f"/leader/records/{record_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="15"' in page  # the form shows the record as it is
    form = moment_form(client, world, minutes="30", kind="mentoring")
    form["csrf_token"] = csrf_token(client, edit)
    response = client.post(edit, data=form)
    assert response.status_code == 303
    void, new = statements_of(pages_app, record_id)[1:]
    assert void["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert void["object"] == {"objectType": "StatementRef", "id": first["id"]}
    assert new["verb"]["id"] == v.MENTORED.iri(BASE)
    assert new["result"]["duration"] == "PT30M"
    assert new["object"]["id"] == first["object"]["id"]  # the same moment, corrected


def test_delete_asks_first_then_voids(pages_app: Flask, world: World) -> None:
    client, record_id = _record_moment(pages_app, world)
    path = f"/leader/records/{record_id}/delete"
    assert "This cannot be undone" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code == 303
    with session_scope(pages_app) as session:
        assert session.get_one(LeaderLedRecord, record_id).state is RecordState.DELETED
    first, void = statements_of(pages_app, record_id)
    assert void["object"]["id"] == first["id"]
    # A deleted record cannot be changed or deleted again: a clear 409.
    assert client.get(f"/leader/records/{record_id}/edit").status_code == 409
    assert client.get(path).status_code == 409
    assert "was deleted" in client.get(f"/leader/records/{record_id}").get_data(as_text=True)


def test_another_leaders_record_is_not_found(pages_app: Flask, world: World) -> None:
    _client, record_id = _record_moment(pages_app, world, who="gus")
    ada = sign_in(pages_app, world, "ada")
    for path in ("", "/edit", "/delete"):
        assert ada.get(f"/leader/records/{record_id}{path}").status_code == 404
    before = counts(pages_app)
    token = csrf_token(ada, "/leader/coaching/new")
    assert (
        ada.post(f"/leader/records/{record_id}/delete", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        ada.post(f"/leader/records/{record_id}/edit", data=moment_form(ada, world)).status_code
        == 404
    )
    assert counts(pages_app) == before


def test_a_leader_launched_in_another_course_cannot_name_this_team(
    pages_app: Flask, world: World
) -> None:
    """Gus leads South; a launch of Gus claiming North's context finds no leadership there."""
    gus = sign_in(pages_app, world, "gus", team=world.team)
    before = counts(pages_app)
    response = gus.post(
        "/leader/coaching/new", data=moment_form(gus, world, people=[world.people["bo"]])
    )
    assert response.status_code == 403
    assert counts(pages_app) == before


def test_my_records_filters_by_kind_and_pages(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    for _ in range(3):
        assert (
            client.post("/leader/coaching/new", data=moment_form(client, world)).status_code == 303
        )
    assert client.post("/leader/sessions/new", data=session_form(client, world)).status_code == 303
    html = client.get("/leader/records").get_data(as_text=True)
    assert "4 records" in html
    html = client.get("/leader/records?kind=knowledge_session").get_data(as_text=True)
    assert "1 record" in html
    assert "How the web shop" in html
    html = client.get("/leader/records?kind=nonsense&period=nonsense&page=x").get_data(as_text=True)
    assert "4 records" in html  # unknown filters fall back, never a 500


def test_delivery_state_in_words(pages_app: Flask, world: World) -> None:
    client, record_id = _record_moment(pages_app, world)
    with session_scope(pages_app) as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.record_id == record_id))
        assert row is not None
        row.state = OutboxState.PARKED
        row.last_error = "statement is invalid: object.id"
    html = client.get(f"/leader/records/{record_id}").get_data(as_text=True)
    assert "Refused by the LRS" in html
    assert "statement is invalid: object.id" in html
    with session_scope(pages_app) as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.record_id == record_id))
        assert row is not None
        row.state = OutboxState.STORED
    assert "In the LRS" in client.get(f"/leader/records/{record_id}").get_data(as_text=True)


def test_teaching_at_a_glance(pages_app: Flask, world: World) -> None:
    client, _record = _record_moment(pages_app, world)
    html = client.get("/leader/").get_data(as_text=True)
    assert 'id="reached">1<' in html
    # Dee and Eli were never coached: listed first, flagged.
    last = html[html.index('id="last-coaching"') :]
    assert last.index("Dee Colleague") < last.index("Bo Learner")
    assert "never coached" in last
    whole = client.get("/leader/team").get_data(as_text=True)
    assert whole.index("Dee Colleague") < whole.index("Bo Learner")


def test_times_are_read_and_shown_in_the_organisations_zone(pages_app: Flask, world: World) -> None:
    pages_app.config["LEADERLED"] = pages_app.config["LEADERLED"].merged(
        {"timezone": "Europe/Amsterdam"}
    )
    client = sign_in(pages_app, world, "ada")
    wall = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(second=0, microsecond=0)
    moment = wall - timedelta(hours=2)
    response = client.post(
        "/leader/coaching/new",
        data=moment_form(client, world, occurred_at=moment.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 303
    (statement,) = statements_of(pages_app, int(response.location.rsplit("/", 1)[-1]))
    expected = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    assert statement["timestamp"].startswith(expected)


def test_dutch_pages(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada", locale="nl-NL")
    html = client.get("/leader/coaching/new").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Coaching registreren" in html
    assert "Wie?" in html
    response = client.post("/leader/coaching/new", data=moment_form(client, world, minutes="0"))
    assert "De duur moet minstens 1 minuut zijn." in response.get_data(as_text=True)
