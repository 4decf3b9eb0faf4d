"""Expectations and goals: L&D sets what is expected of leaders (per
organisation or team, measured or not), leaders acknowledge it (again after
a change of words) and see their progress from their records; goals are set
and marked met or not; and the catalogue L&D keeps (values, priorities,
topics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import CompanyValue, Expectation, Goal, TopicCategory
from plugin.models.expectations import GoalStatus
from plugin.models.records import RecordKind

from .conftest import World, csrf_token, sign_in
from .tips_helpers import BASE, assert_matches, latest_record, statements_of, tip_counts

TODAY = datetime.now(UTC).date()


def expectation_form(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/admin/expectations/new"),
        "text_en": "Run three knowledge sessions a quarter",
        "text_nl": "Geef drie kennissessies per kwartaal",
        "role": "trainer",
        "team": "",
        "measure": "knowledge_sessions",
        "target": "3",
        "period": "quarter",
    }
    form.update(changes)
    return form


def add_expectation(app: Flask, world: World, **changes: Any) -> int:
    admin = sign_in(app, world, "cy")
    response = admin.post("/admin/expectations/new", data=expectation_form(admin, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with session_scope(app) as session:
        return int(session.scalars(select(Expectation.id).order_by(Expectation.id.desc())).first())


def record_session(client: FlaskClient, world: World) -> None:
    form = {
        "csrf_token": csrf_token(client, "/leader/sessions/new"),
        "title": "Spring range",
        "topic": "products",
        "people": [str(world.people["bo"])],
        "minutes": "30",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post("/leader/sessions/new", data=form).status_code == 303


def test_a_leader_sees_progress_and_acknowledges(pages_app: Flask, world: World) -> None:
    expectation_id = add_expectation(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    record_session(ada, world)
    html = ada.get("/expectations/").get_data(as_text=True)
    assert "Run three knowledge sessions a quarter" in html
    assert "1 of 3 knowledge sessions this quarter" in html
    path = f"/expectations/{expectation_id}/acknowledge"
    response = ada.post(path, data={"csrf_token": csrf_token(ada, "/expectations/goals/new")})
    assert response.status_code == 303
    row = latest_record(pages_app)
    assert row.kind is RecordKind.EXPECTATION_ACKNOWLEDGED
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "expectations-acknowledged")
    with session_scope(pages_app) as session:
        iri = session.get_one(Expectation, expectation_id).iri
    assert statement["object"]["id"] == iri
    assert statement["object"]["definition"]["name"] == {
        "en": "Run three knowledge sessions a quarter",
        "nl": "Geef drie kennissessies per kwartaal",
    }
    assert statement["object"]["definition"]["extensions"] == {
        BASE + "/extensions/expected-role": "trainer"
    }
    assert "Acknowledged on" in ada.get("/expectations/").get_data(as_text=True)
    before = tip_counts(pages_app)
    token = csrf_token(ada, "/expectations/goals/new")
    assert ada.post(path, data={"csrf_token": token}).status_code == 409
    assert tip_counts(pages_app) == before
    admin_page = sign_in(pages_app, world, "cy").get("/admin/expectations").get_data(as_text=True)
    assert "1 of 2 leaders acknowledged" in admin_page


def test_new_words_ask_for_a_new_acknowledgement(pages_app: Flask, world: World) -> None:
    expectation_id = add_expectation(pages_app, world, measure="none", target="")
    ada = sign_in(pages_app, world, "ada")
    path = f"/expectations/{expectation_id}/acknowledge"
    assert (
        ada.post(path, data={"csrf_token": csrf_token(ada, "/expectations/goals/new")}).status_code
        == 303
    )
    admin = sign_in(pages_app, world, "cy")
    edit = f"/admin/expectations/{expectation_id}/edit"
    form = expectation_form(admin, text_en="Run four knowledge sessions a quarter", measure="none")
    form["csrf_token"] = csrf_token(admin, edit)
    assert admin.post(edit, data=form).status_code == 303
    html = ada.get("/expectations/").get_data(as_text=True)
    assert "Changed since you acknowledged it." in html
    assert (
        ada.post(path, data={"csrf_token": csrf_token(ada, "/expectations/goals/new")}).status_code
        == 303
    )
    with session_scope(pages_app) as session:
        assert session.get_one(Expectation, expectation_id).version == 2


def test_team_expectations_reach_only_that_teams_leaders(pages_app: Flask, world: World) -> None:
    expectation_id = add_expectation(
        pages_app,
        world,
        team=str(world.other_team),
        text_en="Coach each team member monthly",
        measure="team_members_coached",
        target="1",
        period="month",
    )
    gus = sign_in(pages_app, world, "gus")
    html = gus.get("/expectations/").get_data(as_text=True)
    assert "Coach each team member monthly" in html
    assert "0 of 1 team member coached this month" in html
    ada = sign_in(pages_app, world, "ada")
    assert "Coach each team member monthly" not in ada.get("/expectations/").get_data(as_text=True)
    path = f"/expectations/{expectation_id}/acknowledge"
    token = csrf_token(ada, "/expectations/goals/new")
    assert ada.post(path, data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text_en": ""}, "text_en"),
        ({"text_nl": ""}, "text_nl"),
        ({"text_en": "x" * 201}, "text_en"),
        ({"role": "boss"}, "role"),
        ({"team": "999999"}, "team"),
        ({"measure": "hours"}, "measure"),
        ({"target": ""}, "target"),
        ({"target": "0"}, "target"),
        ({"target": "many"}, "target"),
        ({"period": "decade"}, "period"),
    ],
)
def test_bad_expectations_are_refused(
    pages_app: Flask, world: World, change: dict[str, str], field: str
) -> None:
    admin = sign_in(pages_app, world, "cy")
    before = tip_counts(pages_app)
    response = admin.post("/admin/expectations/new", data=expectation_form(admin, **change))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


def test_a_leader_cannot_set_expectations(pages_app: Flask, world: World) -> None:
    ada = sign_in(pages_app, world, "ada")
    before = tip_counts(pages_app)
    token = csrf_token(ada, "/expectations/goals/new")
    form = {"csrf_token": token, "text_en": "x", "text_nl": "x", "role": "leader"}
    assert ada.post("/admin/expectations/new", data=form).status_code == 403
    assert tip_counts(pages_app) == before


def goal_form(client: FlaskClient, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf_token(client, "/expectations/goals/new"),
        "title": "Run my first workshop for the whole team",
        "due_on": (TODAY + timedelta(days=60)).isoformat(),
    }
    form.update(changes)
    return form


def test_a_leader_sets_a_goal_and_marks_it_met(pages_app: Flask, world: World) -> None:
    ada = sign_in(pages_app, world, "ada")
    assert ada.post("/expectations/goals/new", data=goal_form(ada)).status_code == 303
    set_row = latest_record(pages_app)
    assert set_row.kind is RecordKind.GOAL_SET
    (set_statement,) = statements_of(pages_app, set_row.id)
    assert_matches(set_statement, "goal-set")
    with session_scope(pages_app) as session:
        goal = session.scalars(select(Goal)).one()
        goal_id, iri = goal.id, goal.iri
    assert set_statement["object"]["id"] == iri
    due = (TODAY + timedelta(days=60)).isoformat()
    assert set_statement["object"]["definition"]["extensions"] == {
        BASE + "/extensions/due-date": due
    }
    token = csrf_token(ada, "/expectations/goals/new")
    assert (
        ada.post(f"/expectations/goals/{goal_id}/met", data={"csrf_token": token}).status_code
        == 303
    )
    met_row = latest_record(pages_app)
    assert met_row.kind is RecordKind.GOAL_MET
    (met_statement,) = statements_of(pages_app, met_row.id)
    assert_matches(met_statement, "goal-met")
    assert met_statement["object"]["id"] == iri
    with session_scope(pages_app) as session:
        assert session.get_one(Goal, goal_id).status is GoalStatus.MET
    before = tip_counts(pages_app)
    for outcome in ("met", "not-met"):
        path = f"/expectations/goals/{goal_id}/{outcome}"
        assert ada.post(path, data={"csrf_token": token}).status_code == 409
    assert tip_counts(pages_app) == before


def test_a_goal_not_met_stays_in_leaderled(pages_app: Flask, world: World) -> None:
    ada = sign_in(pages_app, world, "ada")
    ada.post("/expectations/goals/new", data=goal_form(ada))
    with session_scope(pages_app) as session:
        goal_id = session.scalars(select(Goal.id)).one()
    before = tip_counts(pages_app)
    token = csrf_token(ada, "/expectations/goals/new")
    path = f"/expectations/goals/{goal_id}/not-met"
    assert ada.post(path, data={"csrf_token": token}).status_code == 303
    after = tip_counts(pages_app)
    assert after["outbox"] == before["outbox"]  # nothing sent
    assert "Not met" in ada.get("/expectations/").get_data(as_text=True)
    gus = sign_in(pages_app, world, "gus")
    token = csrf_token(gus, "/expectations/goals/new")
    assert (
        gus.post(f"/expectations/goals/{goal_id}/met", data={"csrf_token": token}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"due_on": ""}, "due_on"),
        ({"due_on": "next year"}, "due_on"),
        ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on"),
        ({"due_on": (TODAY + timedelta(days=6 * 366)).isoformat()}, "due_on"),
    ],
)
def test_bad_goals_are_refused(
    pages_app: Flask, world: World, change: dict[str, str], field: str
) -> None:
    ada = sign_in(pages_app, world, "ada")
    before = tip_counts(pages_app)
    response = ada.post("/expectations/goals/new", data=goal_form(ada, **change))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


# -- the catalogue --------------------------------------------------------


def test_an_admin_adds_renames_and_retires_a_value(pages_app: Flask, world: World) -> None:
    admin = sign_in(pages_app, world, "cy")
    form = {
        "csrf_token": csrf_token(admin, "/admin/values/new"),
        "name_en": "Customer first!",
        "name_nl": "Klant eerst",
        "kind": "value",
    }
    assert admin.post("/admin/values/new", data=form).status_code == 303
    with session_scope(pages_app) as session:
        value = session.scalars(select(CompanyValue)).one()
        value_id = value.id
        assert value.slug == "customer-first"
    edit = f"/admin/values/{value_id}/edit"
    renamed = dict(form, name_en="Customers first", csrf_token=csrf_token(admin, edit))
    assert admin.post(edit, data=renamed).status_code == 303
    token = csrf_token(admin, "/admin/values/new")
    assert (
        admin.post(f"/admin/values/{value_id}/retire", data={"csrf_token": token}).status_code
        == 303
    )
    with session_scope(pages_app) as session:
        value = session.get_one(CompanyValue, value_id)
        assert (value.slug, value.name_en) == ("customer-first", "Customers first")
        assert value.retired_at is not None
    ada = sign_in(pages_app, world, "ada")
    assert "Customers first" not in ada.get("/leader/coaching/new").get_data(as_text=True)
    assert (
        admin.post(f"/admin/values/{value_id}/restore", data={"csrf_token": token}).status_code
        == 303
    )
    assert "Customers first" in ada.get("/leader/coaching/new").get_data(as_text=True)


def test_an_admin_adds_a_topic_and_the_built_in_ones_keep_their_names(
    pages_app: Flask, world: World
) -> None:
    admin = sign_in(pages_app, world, "cy")
    form = {"csrf_token": csrf_token(admin, "/admin/topics/new"), "name_en": "Onboarding"}
    assert admin.post("/admin/topics/new", data=form).status_code == 303
    with session_scope(pages_app) as session:
        topic = session.scalar(select(TopicCategory).where(TopicCategory.slug == "onboarding"))
        assert topic is not None
        builtin = session.scalar(select(TopicCategory.id).where(TopicCategory.slug == "products"))
    assert "Onboarding" in sign_in(pages_app, world, "ada").get("/leader/coaching/new").get_data(
        as_text=True
    )
    edit = f"/admin/topics/{builtin}/edit"
    assert admin.get(edit).status_code == 409
    before = tip_counts(pages_app)
    assert admin.post(edit, data=dict(form, name_en="Stuff")).status_code == 409
    assert tip_counts(pages_app) == before


@pytest.mark.parametrize(
    ("path", "change", "field"),
    [
        ("/admin/values/new", {"name_en": ""}, "name_en"),
        ("/admin/values/new", {"name_en": "n" * 129}, "name_en"),
        ("/admin/values/new", {"name_nl": "a\x07b"}, "name_nl"),
        ("/admin/values/new", {"kind": "mission"}, "kind"),
        ("/admin/values/new", {"description": "d" * 1001}, "description"),
        ("/admin/values/new", {"name_en": "Safety first"}, "name_en"),
        ("/admin/topics/new", {"name_en": ""}, "name_en"),
        ("/admin/topics/new", {"name_en": "products"}, "name_en"),
    ],
)
def test_bad_catalogue_input_is_refused(
    pages_app: Flask, world: World, path: str, change: dict[str, str], field: str
) -> None:
    admin = sign_in(pages_app, world, "cy")
    first = {"csrf_token": csrf_token(admin, path), "name_en": "Safety first", "kind": "value"}
    assert admin.post("/admin/values/new", data=first).status_code == 303
    before = tip_counts(pages_app)
    with session_scope(pages_app) as session:
        topics_before = len(session.scalars(select(TopicCategory)).all())
    form = {"csrf_token": csrf_token(admin, path), "name_en": "Quality", "kind": "value"}
    form.update(change)
    response = admin.post(path, data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before
    with session_scope(pages_app) as session:
        assert len(session.scalars(select(TopicCategory)).all()) == topics_before


def test_admin_pages_in_dutch(pages_app: Flask, world: World) -> None:
    admin = sign_in(pages_app, world, "cy", locale="nl")
    assert "Waarden, prioriteiten en onderwerpen" in admin.get("/admin/catalogue").get_data(
        as_text=True
    )
    ada = sign_in(pages_app, world, "ada", locale="nl")
    assert "Verwachtingen en doelen" in ada.get("/expectations/").get_data(as_text=True)
