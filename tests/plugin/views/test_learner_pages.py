"""The learner's pages: my learning record (formal and leader-led side by
side, the timeline, my 70-20-10 mix) and confirming and rating."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti.ags import CLAIM_AGS, SCOPE_SCORE
from plugin.lti.claims import CUSTOM
from plugin.models import FormalRecord, GradebookPost, LeaderLedRecord, OutboxRow
from plugin.models.records import RecordKind
from statements import vocabulary as v
from statements.validation import validate

from .conftest import World, counts, csrf_token, sign_in
from .test_leader_pages import moment_form, session_form


def _formal(app: Flask, world: World, who: str, **fields: object) -> None:
    with session_scope(app) as session:
        session.add(
            FormalRecord(
                statement_id=fields.pop("statement_id", "6f1e0d52-8c5b-4b8a-9a4e-0c7f2d9b1a11"),
                lrs="default",
                person_id=world.people[who],
                origin="formal",
                source="moodle",
                kind="achievement",
                learning_mode="formal",
                verb="http://adlnet.gov/expapi/verbs/completed",
                activity_id="https://moodle.example.org/course/view.php?id=5",
                activity_name="Safety basics",
                completion=True,
                timestamp=datetime.now(UTC) - timedelta(days=3),
                **fields,
            )
        )


def _coached(app: Flask, world: World, minutes: str = "30") -> int:
    ada = sign_in(app, world, "ada")
    response = ada.post(
        "/leader/coaching/new",
        data=moment_form(ada, world, minutes=minutes, title="Client call debrief"),
    )
    assert response.status_code == 303
    return int(response.location.rsplit("/", 1)[-1])


def test_formal_and_leader_led_side_by_side_with_my_mix(pages_app: Flask, world: World) -> None:
    _formal(pages_app, world, "bo", duration_seconds=5400.0, score_scaled=0.9, success=True)
    _coached(pages_app, world, minutes="30")
    html = sign_in(pages_app, world, "bo").get("/me/").get_data(as_text=True)
    formal = html[html.index('id="formal"') : html.index('id="leader-led-title"')]
    assert "Safety basics" in formal
    assert "score 90%" in formal
    assert "Passed" in formal
    leader_led = html[html.index('id="leader-led"') :]
    assert "Client call debrief" in leader_led
    assert "with Ada Leader" in leader_led
    # 1 h 30 formal, 30 min social (coaching is the 20): 75% formal, 25% social.
    table = html[html.index('id="mix-table"') :]
    assert 'From others (20)</th><td class="num">25%' in table.replace("\n", "")
    assert 'Formal (10)</th><td class="num">75%' in table.replace("\n", "")
    timeline = sign_in(pages_app, world, "bo").get("/me/?view=timeline").get_data(as_text=True)
    items = timeline[timeline.index('id="timeline"') :]
    assert items.index("Client call debrief") < items.index("Safety basics")  # newest first


def test_the_coached_person_sees_the_private_notes(pages_app: Flask, world: World) -> None:
    ada = sign_in(pages_app, world, "ada")
    response = ada.post(
        "/leader/coaching/new", data=moment_form(ada, world, notes="Practise the opening")
    )
    assert response.status_code == 303
    assert "Practise the opening" in sign_in(pages_app, world, "bo").get("/me/").get_data(
        as_text=True
    )
    assert "Practise the opening" not in sign_in(pages_app, world, "dee").get("/me/").get_data(
        as_text=True
    )


def test_a_learner_sees_only_their_own_record(pages_app: Flask, world: World) -> None:
    _formal(pages_app, world, "bo")
    _coached(pages_app, world)
    html = sign_in(pages_app, world, "dee").get("/me/").get_data(as_text=True)
    assert "Safety basics" not in html
    assert "Client call debrief" not in html


def test_confirm_and_rate_reaches_the_outbox_and_the_leader(pages_app: Flask, world: World) -> None:
    record_id = _coached(pages_app, world)
    bo = sign_in(pages_app, world, "bo")
    path = f"/me/confirm/{record_id}"
    response = bo.post(
        path, data={"csrf_token": csrf_token(bo, path), "rating": "4", "comment": "Helpful"}
    )
    assert response.status_code == 303
    with session_scope(pages_app) as session:
        confirmation = session.scalar(
            select(LeaderLedRecord).where(LeaderLedRecord.kind == RecordKind.CONFIRMATION)
        )
        assert confirmation is not None
        assert confirmation.parent_id == record_id
        assert confirmation.rating == 4
        sent = [
            json.loads(r.statement_json)
            for r in session.scalars(
                select(OutboxRow)
                .where(OutboxRow.record_id == confirmation.id)
                .order_by(OutboxRow.id)
            )
        ]
    _confirmed, rated = sent
    assert rated["verb"]["id"] == v.RATED.iri("http://localhost/xapi")
    assert rated["result"]["score"] == {"scaled": 0.75, "raw": 4, "min": 1, "max": 5}
    assert rated["actor"]["account"]["name"] == "11"
    assert rated["context"]["instructor"]["account"]["name"] == "2"
    assert "Helpful" not in json.dumps(sent)  # the comment stays in the tool
    assert all(validate(s).ok for s in sent)
    assert "Confirmed · 4/5" in bo.get("/me/").get_data(as_text=True)
    leader_view = sign_in(pages_app, world, "ada").get(f"/leader/records/{record_id}")
    html = leader_view.get_data(as_text=True)
    assert "1 person confirmed, average rating 4.0 of 5" in html
    assert "Helpful" in html
    # Rating again corrects the first: one active confirmation, the old statements voided.
    again = bo.post(path, data={"csrf_token": csrf_token(bo, path), "rating": "5"})
    assert again.status_code == 303
    assert "average rating 5.0 of 5" in sign_in(pages_app, world, "ada").get(
        f"/leader/records/{record_id}"
    ).get_data(as_text=True)


def test_only_a_participant_may_confirm(pages_app: Flask, world: World) -> None:
    record_id = _coached(pages_app, world)
    ada = sign_in(pages_app, world, "ada")
    mine = ada.post(
        "/leader/coaching/new", data=moment_form(ada, world, people=[world.people["dee"]])
    ).location.rsplit("/", 1)[-1]
    dee = sign_in(pages_app, world, "dee")
    path = f"/me/confirm/{record_id}"
    assert dee.get(path).status_code == 404
    before = counts(pages_app)
    token = csrf_token(dee, f"/me/confirm/{mine}")
    assert dee.post(path, data={"csrf_token": token, "rating": "5"}).status_code == 404
    assert dee.get("/me/confirm/999999").status_code == 404
    assert counts(pages_app) == before


def test_a_bad_rating_is_refused(pages_app: Flask, world: World) -> None:
    record_id = _coached(pages_app, world)
    bo = sign_in(pages_app, world, "bo")
    path = f"/me/confirm/{record_id}"
    before = counts(pages_app)
    for rating in ("6", "0", "five"):
        response = bo.post(path, data={"csrf_token": csrf_token(bo, path), "rating": rating})
        assert response.status_code == 422
        assert 'id="rating-error"' in response.get_data(as_text=True)
    assert counts(pages_app) == before


def test_a_knowledge_session_attendee_confirms(pages_app: Flask, world: World) -> None:
    ada = sign_in(pages_app, world, "ada")
    response = ada.post("/leader/sessions/new", data=session_form(ada, world))
    record_id = int(response.location.rsplit("/", 1)[-1])
    eli = sign_in(pages_app, world, "eli")
    html = eli.get("/me/").get_data(as_text=True)
    assert f"/me/confirm/{record_id}" in html
    path = f"/me/confirm/{record_id}"
    assert (
        eli.post(path, data={"csrf_token": csrf_token(eli, path), "rating": ""}).status_code == 303
    )


LINE_ITEM = "https://moodle.example.org/mod/lti/services.php/5/lineitems/7/lineitem"


def _graded(custom: dict[str, str]) -> dict[str, object]:
    """The claims of a launch from a course link the teacher gave a grade item."""
    return {
        CUSTOM: custom,
        CLAIM_AGS: {"scope": [SCOPE_SCORE], "lineitem": LINE_ITEM},
    }


def _scored(app: Flask) -> list[tuple[int, int]]:
    with session_scope(app) as session:
        return [
            (int(person_id), int(record_id))
            for person_id, record_id in session.execute(
                select(GradebookPost.person_id, GradebookPost.record_id).where(
                    GradebookPost.line_item == LINE_ITEM
                )
            )
        ]


def test_a_graded_session_link_scores_taking_part_in_that_session_only(
    pages_app: Flask, world: World
) -> None:
    ada = sign_in(pages_app, world, "ada")
    others = ada.post(
        "/leader/sessions/new", data=session_form(ada, world, people=[world.people["dee"]])
    )
    linked = int(others.location.rsplit("/", 1)[-1])  # the link's session: Bo was not there
    coached = _coached(pages_app, world)  # Bo took part in this one
    link = _graded({"leaderled_open": "knowledge-session", "leaderled_ref": str(linked)})
    bo = sign_in(pages_app, world, "bo", claims=link)
    path = f"/me/confirm/{coached}"
    confirmed = bo.post(path, data={"csrf_token": csrf_token(bo, path), "rating": "5"})
    assert confirmed.status_code == 303  # the confirmation itself stands
    assert _scored(pages_app) == []  # but it earns no grade on the session's link

    dee = sign_in(pages_app, world, "dee", claims=link)
    path = f"/me/confirm/{linked}"
    assert dee.post(path, data={"csrf_token": csrf_token(dee, path)}).status_code == 303
    assert _scored(pages_app) == [(world.people["dee"], linked)]


def test_a_graded_learning_record_link_scores_any_confirmation(
    pages_app: Flask, world: World
) -> None:
    coached = _coached(pages_app, world)
    bo = sign_in(pages_app, world, "bo", claims=_graded({"leaderled_open": "my-record"}))
    path = f"/me/confirm/{coached}"
    assert bo.post(path, data={"csrf_token": csrf_token(bo, path)}).status_code == 303
    assert _scored(pages_app) == [(world.people["bo"], coached)]


def test_a_graded_material_link_still_scores_a_confirmation(pages_app: Flask, world: World) -> None:
    coached = _coached(pages_app, world)
    material = {"leaderled_open": "training-material", "leaderled_ref": str(coached + 1000)}
    bo = sign_in(pages_app, world, "bo", claims=_graded(material))
    path = f"/me/confirm/{coached}"
    assert bo.post(path, data={"csrf_token": csrf_token(bo, path)}).status_code == 303
    assert _scored(pages_app) == [(world.people["bo"], coached)]
