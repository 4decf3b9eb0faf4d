"""Builders: the statement each event becomes, and the clear errors bad input gets."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from statements import vocabulary as v
from statements.builders import (
    REGISTRY,
    BuildOptions,
    FeedbackGiven,
    KnowledgeSession,
    Material,
    MaterialEvent,
    MentoringMoment,
    Rating,
    SessionRef,
    SessionTaught,
    StatementVoided,
    Text,
    TrainerPairingAssigned,
    by_template_id,
    canonical_json,
    examples,
    format_duration,
    format_timestamp,
    knowledge_session_taught,
    material_event,
    mentoring_moment,
    statement_voided,
    trainer_pairing_assigned,
    with_content_id,
)
from statements.builders.common import OWN_REGISTRATIONS, own_registration
from statements.builders.registry import EXPERIENCED, LEADER, LEARNER
from statements.identity import Identity
from statements.profile import build_profile
from statements.template_specs import TEMPLATES

AT = datetime(2026, 3, 1, 14, 5, 6, 789000, tzinfo=timezone(timedelta(hours=2)))
SESSION = KnowledgeSession("https://leaderled.example.org/s/1", Text("Pricing"), "services")
RELATIONSHIP = uuid.UUID("8d3c2f0e-5b1a-4c6d-9e8f-7a6b5c4d3e2f")


def _all(**opts: Any) -> dict[str, dict[str, Any]]:
    return {spec.slug: s for spec, s in zip(TEMPLATES, examples(BuildOptions(**opts)), strict=True)}


def _agents(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """Every agent object anywhere in the statement."""
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("objectType") == "Agent":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(statement)
    return found


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert format_timestamp(AT) == "2026-03-01T12:05:06.789Z"
    assert format_timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


def test_naive_timestamps_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="no time zone: pass a timezone-aware datetime"):
        format_timestamp(datetime(2026, 3, 1, 14, 5))
    event = SessionTaught(LEADER, SESSION, datetime(2026, 3, 1), timedelta(hours=1))
    with pytest.raises(ValueError, match="no time zone"):
        knowledge_session_taught(event)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(minutes=45), "PT45M"),
        (timedelta(hours=1, minutes=30, seconds=5, milliseconds=250), "PT1H30M5.25S"),
        (timedelta(hours=26), "PT26H"),
        (timedelta(seconds=59, milliseconds=996), "PT1M"),
        (timedelta(milliseconds=10), "PT0.01S"),
    ],
)
def test_durations_are_iso_8601(span: timedelta, text: str) -> None:
    assert format_duration(span) == text


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        format_duration(timedelta(minutes=-1))


def test_ids_fixed_by_the_caller_are_kept_and_otherwise_uuid4() -> None:
    event = SessionTaught(LEADER, SESSION, AT, timedelta(hours=1))
    fixed = "1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9"
    assert knowledge_session_taught(event, statement_id=fixed)["id"] == fixed.lower()
    first, second = knowledge_session_taught(event)["id"], knowledge_session_taught(event)["id"]
    assert first != second
    assert uuid.UUID(first).version == 4
    with pytest.raises(ValueError, match="statement id must be a UUID"):
        knowledge_session_taught(event, statement_id="42")


def test_same_inputs_give_the_same_bytes_and_json_is_plain() -> None:
    first = canonical_json(examples()[0])
    assert first == canonical_json(examples()[0])
    assert json.loads(first) == examples()[0]


def test_actor_is_an_account_by_default_or_an_mbox_on_opt_in() -> None:
    taught = _all()["knowledge-session-taught"]
    assert taught["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://moodle.example.org", "name": "17"},
    }
    mbox = Identity.mbox("Lead@Example.org")
    event = SessionTaught(mbox, SESSION, AT, timedelta(hours=1))
    assert knowledge_session_taught(event, BuildOptions(with_mbox=True))["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:lead@example.org",
    }
    assert knowledge_session_taught(event)["actor"] == {
        "objectType": "Agent",
        "mbox_sha1sum": hashlib.sha1(b"mailto:lead@example.org").hexdigest(),
    }


def test_names_only_on_opt_in() -> None:
    for statement in _all(xapi_version="2.0.0").values():
        assert all("name" not in a for a in _agents(statement)), statement["verb"]["id"]
    named = _all(with_names=True)["knowledge-session-attended"]
    assert named["actor"]["name"] == "Ahmed Yilmaz"


@pytest.mark.parametrize(
    "slug",
    [
        "knowledge-session-attended",
        "train-the-trainer-attended",
        "session-confirmed",
        "session-rated",
        "goal-set",
        "goal-met",
    ],
)
def test_the_leader_is_instructor_when_the_actor_learns(slug: str) -> None:
    statement = _all()[slug]
    assert statement["context"]["instructor"]["account"]["homePage"]
    assert statement["context"]["instructor"] != statement["actor"]


def test_mentoring_and_pairing_statements_carry_their_registration() -> None:
    statements = _all()
    relation = statements["mentoring-session-held"]["context"]["registration"]
    assert statements["coaching-moment-given"]["context"]["registration"] == relation
    assert statements["goal-set"]["context"]["registration"] == relation
    pairing = statements["trainer-pairing-assigned"]["context"]["registration"]
    assert statements["feedback-given"]["context"]["registration"] == pairing
    assert statements["train-the-trainer-attended"]["context"]["registration"] == pairing
    # A statement that belongs with no other has a registration of its own, from its id.
    taught = statements["knowledge-session-taught"]
    assert taught["context"]["registration"] == str(own_registration(taught["id"]))


def test_an_own_registration_follows_the_id_it_was_derived_from() -> None:
    event = SessionTaught(LEADER, SESSION, AT, timedelta(hours=1))
    fixed = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
    built = knowledge_session_taught(event, statement_id=fixed)
    assert built["context"]["registration"] == str(own_registration(fixed))
    assert built["context"]["registration"] == str(uuid.uuid5(OWN_REGISTRATIONS, fixed))
    renamed = with_content_id(built)
    assert renamed["id"] != fixed
    assert renamed["context"]["registration"] == str(own_registration(renamed["id"]))
    assert with_content_id(knowledge_session_taught(event)) == renamed  # any first id


def test_every_statement_names_the_profile_version_and_speaks_english_and_dutch() -> None:
    base = "https://lrs.example.nl/x"
    for statement in _all(base=base).values():
        category = statement["context"]["contextActivities"]["category"]
        assert category[0]["id"] == v.version_iri(base)
        assert statement["verb"]["display"].keys() == {"en", "nl"}


def test_knowledge_session_carries_topic_attendees_duration_and_material() -> None:
    statement = _all()["knowledge-session-taught"]
    category = statement["context"]["contextActivities"]["category"]
    assert category[1]["id"] == v.TOPIC_PRODUCTS.iri()
    assert statement["result"]["duration"] == "PT45M"
    assert statement["result"]["extensions"][v.ATTENDEE_COUNT.iri()] == 2
    (material,) = statement["context"]["contextActivities"]["other"]
    assert material["definition"]["type"] == v.TRAINING_MATERIAL.iri()


def test_the_same_attendee_twice_counts_once() -> None:
    event = SessionTaught(LEADER, SESSION, AT, timedelta(hours=1), (LEARNER, LEARNER))
    statement = knowledge_session_taught(event, BuildOptions(xapi_version="2.0.0"))
    assert statement["result"]["extensions"][v.ATTENDEE_COUNT.iri()] == 1
    assert len(statement["context"]["contextGroups"][0]["group"]["member"]) == 1
    assert len(event.attendances()) == 2


def test_version_1_0_3_never_gets_2_0_fields() -> None:
    for statement in _all(xapi_version="1.0.3").values():
        assert "contextAgents" not in statement["context"]
        assert "contextGroups" not in statement["context"]


def test_version_2_0_0_adds_context_agents_with_relevant_types() -> None:
    statements = _all(xapi_version="2.0.0")
    attended = statements["knowledge-session-attended"]["context"]["contextAgents"]
    assert attended == [
        {
            "objectType": "contextAgent",
            "agent": statements["knowledge-session-attended"]["context"]["instructor"],
            "relevantTypes": [v.LEADER_ROLE.iri()],
        }
    ]
    pairing = statements["trainer-pairing-assigned"]["context"]["contextAgents"]
    assert [a["relevantTypes"] for a in pairing] == [
        [v.NEW_TRAINER_ROLE.iri()],
        [v.EXPERIENCED_TRAINER_ROLE.iri()],
    ]
    groups = statements["knowledge-session-taught"]["context"]["contextGroups"]
    assert groups[0]["relevantTypes"] == [v.ATTENDEES_ROLE.iri()]


def test_free_text_notes_stay_out_unless_the_organisation_opts_in() -> None:
    event = MentoringMoment(
        "coaching",
        LEADER,
        LEARNER,
        "https://x.example/m/1",
        Text("Talk"),
        RELATIONSHIP,
        AT,
        timedelta(minutes=5),
        notes="Struggles with the new role",
    )
    default = json.dumps(mentoring_moment(event))
    assert "Struggles" not in default
    opted_in = mentoring_moment(event, BuildOptions(include_free_text=True))
    assert opted_in["result"]["extensions"] == {v.NOTES.iri(): "Struggles with the new role"}
    for statement in _all().values():
        assert v.NOTES.iri() not in json.dumps(statement)


def test_feedback_and_ratings_are_scores_on_their_scale() -> None:
    statement = _all()["feedback-given"]
    assert statement["result"]["score"] == {"scaled": 0.75, "raw": 4, "min": 1, "max": 5}
    assert statement["context"]["instructor"] == LEADER.to_actor(with_name=False)
    assert statement["actor"] == EXPERIENCED.to_actor(with_name=False)


@pytest.mark.parametrize(
    ("args", "why"),
    [((6,), "outside the scale 1..5"), ((3, 5, 5), "must be below maximum"), ((0,), "outside")],
)
def test_impossible_ratings_are_refused(args: tuple[int, ...], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        Rating(*args)


def test_goal_met_is_a_successful_completion() -> None:
    assert _all()["goal-met"]["result"] == {"success": True, "completion": True}


def test_material_links_to_a_company_value() -> None:
    statement = _all()["material-shared"]
    (value,) = statement["context"]["contextActivities"]["grouping"]
    assert value["definition"]["type"] == v.COMPANY_VALUE.iri()
    assert statement["object"]["definition"]["type"] == v.COACHING_GUIDELINE.iri()


@pytest.mark.parametrize(
    ("build", "why"),
    [
        (
            lambda: knowledge_session_taught(
                SessionTaught(
                    LEADER, KnowledgeSession("s/1", Text("x"), "products"), AT, timedelta(0)
                )
            ),
            "session id 's/1' is not an absolute IRI: it needs a scheme",
        ),
        (
            lambda: knowledge_session_taught(
                SessionTaught(
                    LEADER,
                    KnowledgeSession("https://x.example/1", Text(" "), "products"),
                    AT,
                    timedelta(0),
                )
            ),
            "session title needs an English or a Dutch text",
        ),
        (
            lambda: knowledge_session_taught(
                SessionTaught(
                    LEADER,
                    KnowledgeSession("https://x.example/1", Text("x"), "gossip"),
                    AT,
                    timedelta(0),
                )  # type: ignore[arg-type]
            ),
            "topic must be one of products, services",
        ),
        (
            lambda: material_event(
                MaterialEvent(
                    "used", LEADER, Material("https://x.example/m", Text("m"), "poster"), AT
                )  # type: ignore[arg-type]
            ),
            "material kind must be one of",
        ),
        (
            lambda: trainer_pairing_assigned(
                TrainerPairingAssigned(
                    LEADER, LEARNER, LEARNER, "https://x.example/p", Text("p"), RELATIONSHIP, AT
                )
            ),
            "cannot be paired with themselves",
        ),
        (
            lambda: statement_voided(
                StatementVoided(LEADER, RELATIONSHIP, AT), statement_id=RELATIONSHIP
            ),
            "cannot void itself",
        ),
        (lambda: BuildOptions(xapi_version="1.0.0"), "xAPI version must be one of"),  # type: ignore[arg-type]
        (lambda: BuildOptions(base="localhost/xapi"), "absolute http"),
        (
            lambda: knowledge_session_taught(
                SessionTaught(Identity("account", "17"), SESSION, AT, timedelta(0))
            ),
            "account homePage '' is not an absolute IRI",
        ),
        (
            lambda: knowledge_session_taught(
                SessionTaught(
                    Identity.account("https://lms.example", " "), SESSION, AT, timedelta(0)
                )
            ),
            "account identity has an empty value",
        ),
        (
            lambda: knowledge_session_taught(
                SessionTaught(Identity.mbox("nobody"), SESSION, AT, timedelta(0))
            ),
            "mbox identity needs an email address",
        ),
        (
            lambda: SessionRef("https://x.example/1", Text("x"), "party").activity(  # type: ignore[arg-type]
                BuildOptions()
            ),
            "session kind must be one of",
        ),
    ],
)
def test_bad_input_gets_a_clear_value_error(build: Any, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        build()


def test_feedback_on_a_session_keeps_its_topic() -> None:
    event = FeedbackGiven(EXPERIENCED, LEADER, SESSION, Rating(2, 1, 3), AT)
    statement = REGISTRY["feedback-given"].build(event)
    assert statement["result"]["score"]["scaled"] == 0.5
    assert statement["context"]["contextActivities"]["category"][1]["id"] == (
        v.TOPIC_SERVICES.iri()
    )


def test_voiding_references_the_statement_to_correct() -> None:
    target = uuid.uuid4()
    statement = statement_voided(StatementVoided(LEADER, target, AT))
    assert statement["object"] == {"objectType": "StatementRef", "id": str(target)}
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"


def test_registry_covers_every_template_of_the_profile() -> None:
    base = "https://lrs.example.nl/x"
    ids = {t["id"] for t in build_profile(base)["templates"]}
    assert set(by_template_id(base)) == ids
    assert len(examples()) == len(ids)


def test_examples_are_deterministic_and_ids_unique() -> None:
    first = [canonical_json(s) for s in examples(BuildOptions(xapi_version="2.0.0"))]
    again = [canonical_json(s) for s in examples(BuildOptions(xapi_version="2.0.0"))]
    assert first == again
    ids = [s["id"] for s in examples()]
    assert len(set(ids)) == len(ids)
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", s["timestamp"]) for s in examples()
    )
