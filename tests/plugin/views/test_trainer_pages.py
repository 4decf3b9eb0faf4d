"""Train-the-trainer: L&D names experienced trainers with a capacity and
pairs leaders (refused over capacity, also when two admins pair at the same
moment); leaders record train-the-trainer sessions, ask for feedback and
give it with a rating; nobody else sees a request."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import FeedbackRequest, Role, TrainerPairing
from plugin.models.records import RecordKind
from plugin.services import pairings
from plugin.services.errors import Invalid
from plugin.services.people import Actor
from plugin.services.publishing import publishing_for
from statements import vocabulary as v

from .conftest import World, csrf_token, sign_in
from .tips_helpers import (
    BASE,
    add_leader,
    assert_matches,
    latest_record,
    make_trainer,
    statements_of,
    tip_counts,
)

TODAY = datetime.now(UTC).date()


def pairing_form(client: FlaskClient, world: World, new: str, experienced: str) -> dict[str, Any]:
    return {
        "csrf_token": csrf_token(client, "/admin/pairings/new"),
        "new_trainer": str(world.people[new]),
        "experienced_trainer": str(world.people[experienced]),
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
    }


def test_an_admin_names_an_experienced_trainer_and_pairs(pages_app: Flask, world: World) -> None:
    admin = sign_in(pages_app, world, "cy")
    path = f"/admin/trainers/{world.people['gus']}"
    response = admin.post(path, data={"csrf_token": csrf_token(admin, path), "capacity": "1"})
    assert response.status_code == 303
    response = admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ada", "gus"))
    assert response.status_code == 303
    row = latest_record(pages_app)
    assert row.kind is RecordKind.TRAINER_PAIRING
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "trainer-pairing-assigned")
    assert statement["actor"]["account"]["name"] == "1"  # Cy assigned it
    assert statement["context"]["instructor"]["account"]["name"] == "20"  # Gus
    learner = statement["context"]["extensions"][v.LEARNER.iri(BASE)]
    assert learner["account"]["name"] == "2"  # Ada
    with session_scope(pages_app) as session:
        pairing = session.scalar(select(TrainerPairing))
        assert pairing is not None
        assert statement["context"]["registration"] == pairing.registration
        assert statement["object"]["id"] == pairing.activity_iri
    html = admin.get("/admin/trainers").get_data(as_text=True)
    assert "Ada Leader with Gus Leader" in html
    assert "1 of 1 taken" in html
    for who in ("ada", "gus"):
        page = sign_in(pages_app, world, who).get("/trainers/").get_data(as_text=True)
        assert "Since " + TODAY.isoformat() in page


def test_over_capacity_is_refused_and_stores_nothing(pages_app: Flask, world: World) -> None:
    add_leader(pages_app, world, "ivy", "22", "Ivy Newleader")
    make_trainer(pages_app, world.people["gus"], 1)
    admin = sign_in(pages_app, world, "cy")
    assert (
        admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ada", "gus")).status_code
        == 303
    )
    before = tip_counts(pages_app)
    response = admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ivy", "gus"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="experienced_trainer-error"' in html
    assert "already has 1 of 1 new trainers at once" in html
    assert tip_counts(pages_app) == before
    # Ending the first pairing makes room.
    with session_scope(pages_app) as session:
        first = session.scalar(select(TrainerPairing.id))
    end = f"/admin/pairings/{first}/end"
    assert "End the pairing" in admin.get(end).get_data(as_text=True)
    assert admin.post(end, data={"csrf_token": csrf_token(admin, end)}).status_code == 303
    assert (
        admin.post(end, data={"csrf_token": csrf_token(admin, "/admin/pairings/new")}).status_code
        == 409
    )
    response = admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ivy", "gus"))
    assert response.status_code == 303


def test_pairings_after_one_another_fit_a_capacity_of_one(pages_app: Flask, world: World) -> None:
    add_leader(pages_app, world, "ivy", "22", "Ivy Newleader")
    make_trainer(pages_app, world.people["gus"], 1)
    admin = sign_in(pages_app, world, "cy")
    first = pairing_form(admin, world, "ada", "gus")
    assert admin.post("/admin/pairings/new", data=first).status_code == 303
    later = pairing_form(admin, world, "ivy", "gus")
    later["starts_on"] = (TODAY + timedelta(days=91)).isoformat()
    later["ends_on"] = (TODAY + timedelta(days=180)).isoformat()
    assert admin.post("/admin/pairings/new", data=later).status_code == 303


def test_peak_load_counts_pairings_at_once() -> None:
    d = date(2027, 1, 1)
    periods = [(d, d + timedelta(days=9)), (d + timedelta(days=10), d + timedelta(days=19))]
    assert pairings.peak_load(periods, d, d + timedelta(days=19)) == 1
    periods.append((d + timedelta(days=5), d + timedelta(days=12)))
    assert pairings.peak_load(periods, d, d + timedelta(days=19)) == 2
    assert pairings.peak_load(periods, d + timedelta(days=13), d + timedelta(days=30)) == 1
    assert pairings.peak_load([], d, d) == 0


BAD_PAIRINGS: list[tuple[str, dict[str, Any], str]] = [
    ("no new trainer", {"new_trainer": ""}, "new_trainer"),
    ("a learner", {"new_trainer": "bo"}, "new_trainer"),
    ("unknown", {"new_trainer": "999999"}, "new_trainer"),
    ("not experienced", {"experienced_trainer": "ada"}, "experienced_trainer"),
    ("with themselves", {"new_trainer": "gus"}, "experienced_trainer"),
    ("no start", {"starts_on": ""}, "starts_on"),
    ("bad start", {"starts_on": "soon"}, "starts_on"),
    ("long ago", {"starts_on": "2020-01-01"}, "starts_on"),
    ("end before start", {"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
    ("too long", {"ends_on": (TODAY + timedelta(days=800)).isoformat()}, "ends_on"),
]


@pytest.mark.parametrize(
    ("change", "field"), [c[1:] for c in BAD_PAIRINGS], ids=[c[0] for c in BAD_PAIRINGS]
)
def test_bad_pairings_are_refused(
    pages_app: Flask, world: World, change: dict[str, Any], field: str
) -> None:
    make_trainer(pages_app, world.people["gus"], 2)
    admin = sign_in(pages_app, world, "cy")
    form = pairing_form(admin, world, "ada", "gus")
    form.update({k: str(world.people.get(val, val)) for k, val in change.items()})
    before = tip_counts(pages_app)
    response = admin.post("/admin/pairings/new", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


def test_a_new_trainer_has_one_pairing_at_a_time(pages_app: Flask, world: World) -> None:
    add_leader(pages_app, world, "ivy", "22", "Ivy Expert")
    make_trainer(pages_app, world.people["gus"], 3)
    make_trainer(pages_app, world.people["ivy"], 3)
    admin = sign_in(pages_app, world, "cy")
    assert (
        admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ada", "gus")).status_code
        == 303
    )
    response = admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ada", "ivy"))
    assert response.status_code == 422
    assert "is already paired with Gus Leader" in response.get_data(as_text=True)


@pytest.mark.parametrize(("capacity", "value"), [("-1", "-1"), ("11", "11"), ("", ""), ("x", "x")])
def test_a_bad_capacity_is_refused(
    pages_app: Flask, world: World, capacity: str, value: str
) -> None:
    admin = sign_in(pages_app, world, "cy")
    path = f"/admin/trainers/{world.people['gus']}"
    before = tip_counts(pages_app)
    response = admin.post(path, data={"csrf_token": csrf_token(admin, path), "capacity": capacity})
    assert response.status_code == 422
    assert 'id="capacity-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before
    assert admin.get(f"/admin/trainers/{world.people['bo']}").status_code == 404


def test_two_admins_pairing_at_once_cannot_exceed_the_capacity(
    pages_app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each pairing waits between reading the load and storing the pairing;
    without the row locks both would see room for one more."""
    add_leader(pages_app, world, "ivy", "22", "Ivy Newleader")
    make_trainer(pages_app, world.people["gus"], 1)
    real = pairings.load_of

    def slow_load(*args: Any, **kwargs: Any) -> int:
        found = real(*args, **kwargs)
        time.sleep(0.5)
        return found

    monkeypatch.setattr(pairings, "load_of", slow_load)
    settings = pages_app.config["LEADERLED"]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def pair(new: str) -> None:
        with pages_app.app_context():
            start.wait()
            try:
                with session_scope(pages_app) as session:
                    pairings.pair(
                        session,
                        Actor(world.people["cy"], Role.LND_ADMIN, world.team),
                        pairings.PairingInput(
                            world.people[new],
                            world.people["gus"],
                            TODAY,
                            TODAY + timedelta(days=30),
                        ),
                        pub=publishing_for(session, settings, None),
                        now=datetime.now(UTC),
                        today=TODAY,
                    )
                outcomes.append("paired")
            except Invalid as refused:
                outcomes.append("refused: " + ",".join(refused.errors))

    threads = [threading.Thread(target=pair, args=(who,)) for who in ("ada", "ivy")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["paired", "refused: experienced_trainer"]
    with session_scope(pages_app) as session:
        assert len(session.scalars(select(TrainerPairing)).all()) == 1


def _session(client: FlaskClient, world: World, title: str = "Closing the month") -> int:
    form = {
        "csrf_token": csrf_token(client, "/leader/sessions/new"),
        "title": title,
        "topic": "operations",
        "people": [str(world.people["bo"])],
        "minutes": "45",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post("/leader/sessions/new", data=form)
    assert response.status_code == 303
    return int(response.location.rsplit("/", 1)[-1])


def _paired(app: Flask, world: World) -> None:
    make_trainer(app, world.people["gus"], 2)
    admin = sign_in(app, world, "cy")
    assert (
        admin.post("/admin/pairings/new", data=pairing_form(admin, world, "ada", "gus")).status_code
        == 303
    )


def test_a_paired_leader_asks_and_the_experienced_trainer_gives_feedback(
    pages_app: Flask, world: World
) -> None:
    _paired(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    session_id = _session(ada, world)
    page = ada.get(f"/trainers/feedback/ask?session={session_id}").get_data(as_text=True)
    assert "Gus Leader" in page
    form = {
        "csrf_token": csrf_token(ada, "/trainers/feedback/ask"),
        "session": str(session_id),
        "reviewer": str(world.people["gus"]),
        "message": "Was the pace right?",
    }
    assert ada.post("/trainers/feedback/ask", data=form).status_code == 303
    again = ada.post("/trainers/feedback/ask", data=form)
    assert again.status_code == 422
    assert "You already asked Gus Leader" in again.get_data(as_text=True)
    with session_scope(pages_app) as session:
        request_id = session.scalars(select(FeedbackRequest.id)).one()
    gus = sign_in(pages_app, world, "gus")
    assert "Waiting for you" in gus.get("/trainers/").get_data(as_text=True)
    path = f"/trainers/feedback/{request_id}"
    assert "Was the pace right?" in gus.get(path).get_data(as_text=True)
    response = gus.post(
        path,
        data={"csrf_token": csrf_token(gus, path), "rating": "4", "comment": "Slow down a bit."},
    )
    assert response.status_code == 303
    row = latest_record(pages_app)
    assert row.kind is RecordKind.FEEDBACK
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "feedback-given")
    assert statement["result"]["score"] == {"scaled": 0.75, "raw": 4, "min": 1, "max": 5}
    assert "Slow down" not in str(statement)  # the comment stays in Leaderled
    with session_scope(pages_app) as session:
        pairing = session.scalars(select(TrainerPairing)).one()
        assert statement["context"]["registration"] == pairing.registration
    # Given once: a second answer is a clear 409.
    token = csrf_token(gus, "/trainers/feedback/ask")
    assert gus.post(path, data={"csrf_token": token, "rating": "5"}).status_code == 409
    received = ada.get("/trainers/feedback").get_data(as_text=True)
    assert "Slow down a bit." in received
    assert "average 4.0 of 5" in received
    assert "1 session together" not in ada.get("/trainers/").get_data(as_text=True)


def test_nobody_else_sees_or_answers_a_request(pages_app: Flask, world: World) -> None:
    _paired(pages_app, world)
    add_leader(pages_app, world, "ivy", "22", "Ivy Other")
    ada = sign_in(pages_app, world, "ada")
    session_id = _session(ada, world)
    form = {
        "csrf_token": csrf_token(ada, "/trainers/feedback/ask"),
        "session": str(session_id),
        "reviewer": str(world.people["gus"]),
    }
    assert ada.post("/trainers/feedback/ask", data=form).status_code == 303
    with session_scope(pages_app) as session:
        request_id = session.scalars(select(FeedbackRequest.id)).one()
    path = f"/trainers/feedback/{request_id}"
    ivy = sign_in(pages_app, world, "ivy", role=Role.LEADER, team=world.other_team)
    assert ivy.get(path).status_code == 404
    token = csrf_token(ivy, "/trainers/feedback/ask")
    before = tip_counts(pages_app)
    assert ivy.post(path, data={"csrf_token": token, "rating": "1"}).status_code == 404
    # The one who asked cannot answer their own request.
    token = csrf_token(ada, "/trainers/feedback/ask")
    assert ada.post(path, data={"csrf_token": token, "rating": "5"}).status_code == 403
    assert tip_counts(pages_app) == before
    assert sign_in(pages_app, world, "bo").get(path).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"session": ""}, "session"),
        ({"session": "999999"}, "session"),
        ({"reviewer": ""}, "reviewer"),
        ({"reviewer": "bo"}, "reviewer"),
        ({"reviewer": "ada"}, "reviewer"),
        ({"message": "m" * 1001}, "message"),
    ],
)
def test_bad_requests_for_feedback_are_refused(
    pages_app: Flask, world: World, change: dict[str, str], field: str
) -> None:
    _paired(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    session_id = _session(ada, world)
    form = {
        "csrf_token": csrf_token(ada, "/trainers/feedback/ask"),
        "session": str(session_id),
        "reviewer": str(world.people["gus"]),
    }
    form.update({k: str(world.people.get(val, val)) for k, val in change.items()})
    before = tip_counts(pages_app)
    response = ada.post("/trainers/feedback/ask", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


def test_feedback_needs_a_rating(pages_app: Flask, world: World) -> None:
    _paired(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    session_id = _session(ada, world)
    form = {
        "csrf_token": csrf_token(ada, "/trainers/feedback/ask"),
        "session": str(session_id),
        "reviewer": str(world.people["gus"]),
    }
    ada.post("/trainers/feedback/ask", data=form)
    with session_scope(pages_app) as session:
        request_id = session.scalars(select(FeedbackRequest.id)).one()
    gus = sign_in(pages_app, world, "gus")
    path = f"/trainers/feedback/{request_id}"
    before = tip_counts(pages_app)
    for rating in ("", "0", "6", "x"):
        response = gus.post(path, data={"csrf_token": csrf_token(gus, path), "rating": rating})
        assert response.status_code == 422
        assert "Choose a rating from 1 to 5." in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


def test_a_leader_records_a_train_the_trainer_session(pages_app: Flask, world: World) -> None:
    _paired(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    form = {
        "csrf_token": csrf_token(ada, "/trainers/sessions/new"),
        "title": "Running a workshop",
        "trainer": str(world.people["gus"]),
        "minutes": "120",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = ada.post("/trainers/sessions/new", data=form)
    assert response.status_code == 303
    row = latest_record(pages_app)
    assert row.kind is RecordKind.TTT_SESSION
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "train-the-trainer-attended")
    assert statement["context"]["instructor"]["account"]["name"] == "20"
    assert statement["result"]["duration"] == "PT2H"
    with session_scope(pages_app) as session:
        assert (
            statement["context"]["registration"]
            == session.scalars(select(TrainerPairing.registration)).one()
        )
    # It counts as a session together, is on Ada's own learning record, and is not hers to confirm.
    assert "1 session together" in ada.get("/trainers/").get_data(as_text=True)
    record = ada.get("/me/").get_data(as_text=True)
    assert "Running a workshop" in record
    assert f"/me/confirm/{row.id}" not in record
    assert ada.get(f"/me/confirm/{row.id}").status_code == 404
    before = tip_counts(pages_app)
    for change in ({"trainer": str(world.people["bo"])}, {"title": ""}, {"minutes": "0"}):
        bad = dict(form, **change)
        assert ada.post("/trainers/sessions/new", data=bad).status_code == 422
    assert tip_counts(pages_app) == before


def test_suggestions_pair_the_least_experienced_with_room(pages_app: Flask, world: World) -> None:
    make_trainer(pages_app, world.people["gus"], 1)
    html = sign_in(pages_app, world, "cy").get("/admin/trainers").get_data(as_text=True)
    suggestions = html[html.index('id="suggestions"') :]
    assert "Ada Leader with Gus Leader" in suggestions
    assert (
        f"/admin/pairings/new?new_trainer={world.people['ada']}&amp;experienced_trainer="
        f"{world.people['gus']}" in suggestions
    )


def test_trainer_pages_in_dutch(pages_app: Flask, world: World) -> None:
    html = sign_in(pages_app, world, "ada", locale="nl").get("/trainers/").get_data(as_text=True)
    assert "Feedback vragen" in html
