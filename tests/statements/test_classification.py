"""Classification of pulled statements, on statements written from the specs.

The JSON files under ``data/classification`` follow cmi5 (section 9), the xAPI
SCORM profile's appendix statements, Moodle's xAPI log store transformers
(course completion with the cmi5 and the older Tin Can course type, quiz
attempt, badge, face-to-face attendance), DESIGN section 4 for ours, and a few
statements other tools send.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.builders import REGISTRY, BuildOptions, XapiVersion
from statements.classification import (
    Classification,
    Kind,
    LearningMode,
    Origin,
    Score,
    Source,
    canonical_verb,
    classify,
    duration_seconds,
    voided_ids,
    voided_statement_id,
)
from statements.identity import Identity
from statements.template_specs import TEMPLATES_BY_SLUG

DATA = Path(__file__).parent / "data" / "classification"
ADL = "http://adlnet.gov/expapi/verbs/"
W3ID = "https://w3id.org/xapi/adl/verbs/"
F, L, OTH = Origin.FORMAL, Origin.LEADER_LED, Origin.OTHER
ACH, ATT, PART = Kind.ACHIEVEMENT, Kind.ATTEMPT, Kind.PARTICIPATION
FORMAL, SOCIAL, EXPERIENTIAL = LearningMode.FORMAL, LearningMode.SOCIAL, LearningMode.EXPERIENTIAL


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


# file -> (origin, source, kind, learning mode, success, completion)
EXPECTED: dict[str, tuple[Origin, Source, Kind, LearningMode | None, bool | None, bool | None]] = {
    "cmi5_launched": (F, Source.CMI5, ATT, FORMAL, None, None),
    "cmi5_initialized": (F, Source.CMI5, ATT, FORMAL, None, None),
    "cmi5_completed": (F, Source.CMI5, ACH, FORMAL, None, True),
    "cmi5_passed": (F, Source.CMI5, ACH, FORMAL, True, None),
    "cmi5_failed": (F, Source.CMI5, ACH, FORMAL, False, None),
    "cmi5_abandoned": (F, Source.CMI5, ATT, FORMAL, None, None),
    "cmi5_waived": (F, Source.CMI5, ACH, FORMAL, None, True),
    "cmi5_terminated": (F, Source.CMI5, ATT, FORMAL, None, None),
    "cmi5_satisfied_course": (F, Source.CMI5, ACH, FORMAL, None, True),
    "cmi5_allowed_answered": (F, Source.CMI5, ATT, FORMAL, True, None),
    "cmi5_allowed_completed": (F, Source.CMI5, ATT, FORMAL, None, True),
    "scorm_initialized": (F, Source.SCORM, ATT, FORMAL, None, None),
    "scorm_suspended": (F, Source.SCORM, ATT, FORMAL, None, None),
    "scorm_resumed": (F, Source.SCORM, ATT, FORMAL, None, None),
    "scorm_scored": (F, Source.SCORM, ATT, FORMAL, None, None),
    "scorm_completed": (F, Source.SCORM, ACH, FORMAL, None, True),
    "scorm_passed": (F, Source.SCORM, ACH, FORMAL, True, None),
    "scorm_failed": (F, Source.SCORM, ACH, FORMAL, False, None),
    "scorm_terminated": (F, Source.SCORM, ACH, FORMAL, True, True),
    "moodle_course_completed": (F, Source.MOODLE, ACH, FORMAL, None, True),
    "moodle_course_completed_lms_course": (F, Source.MOODLE, ACH, FORMAL, None, True),
    "moodle_quiz_attempt_completed": (F, Source.MOODLE, ACH, FORMAL, True, True),
    "moodle_badge_achieved": (F, Source.MOODLE, ACH, FORMAL, None, None),
    "moodle_attendance_attended": (F, Source.MOODLE, PART, FORMAL, None, True),
    "moodle_course_viewed": (OTH, Source.MOODLE, PART, None, None, None),
    "moodle_user_loggedin": (OTH, Source.MOODLE, Kind.OTHER, None, None, None),
    "tla_achieved_competency": (F, Source.TLA, ACH, FORMAL, None, None),
    "other_lms_course_passed": (F, Source.UNKNOWN, ACH, FORMAL, True, True),
    "leaderled_mentoring": (L, Source.LEADERLED, PART, SOCIAL, None, None),
    "leaderled_knowledge_session_attended": (L, Source.LEADERLED, PART, SOCIAL, None, None),
    "leaderled_taught_minted": (L, Source.LEADERLED, PART, SOCIAL, None, None),
    "leaderled_goal_met": (L, Source.LEADERLED, ACH, EXPERIENTIAL, None, True),
    "leaderled_material_shared": (L, Source.LEADERLED, PART, SOCIAL, None, None),
    "leaderled_coaching_moment": (L, Source.LEADERLED, PART, SOCIAL, None, None),
    "leaderled_expectations_acknowledged": (L, Source.LEADERLED, PART, EXPERIENTIAL, None, None),
    "leaderled_void": (L, Source.LEADERLED, Kind.VOID, None, None, None),
    "video_watched": (OTH, Source.UNKNOWN, PART, None, None, None),
    "video_completed": (OTH, Source.UNKNOWN, ACH, None, None, True),
    "other_void": (OTH, Source.UNKNOWN, Kind.VOID, None, None, None),
}


def test_every_data_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in DATA.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_classification_of_spec_statements(name: str) -> None:
    c = classify(load(name))
    assert (c.origin, c.source, c.kind, c.learning_mode, c.success, c.completion) == EXPECTED[name]


# file -> (an outcome a person sees, opens an attempt, closes a session with its time)
ROLES: dict[str, tuple[bool, bool, bool]] = {
    "cmi5_abandoned": (False, False, True),
    "cmi5_allowed_answered": (False, False, False),
    "cmi5_allowed_completed": (False, False, False),
    "cmi5_completed": (True, False, False),
    "cmi5_failed": (True, False, False),
    "cmi5_initialized": (False, True, False),
    "cmi5_launched": (False, False, False),
    "cmi5_passed": (True, False, False),
    "cmi5_satisfied_course": (True, False, False),
    "cmi5_terminated": (False, False, True),
    "cmi5_waived": (True, False, False),
    "leaderled_coaching_moment": (False, False, False),
    "leaderled_expectations_acknowledged": (False, False, False),
    "leaderled_goal_met": (False, False, False),
    "leaderled_knowledge_session_attended": (False, False, False),
    "leaderled_material_shared": (False, False, False),
    "leaderled_mentoring": (False, False, False),
    "leaderled_taught_minted": (False, False, False),
    "leaderled_void": (False, False, False),
    "moodle_attendance_attended": (True, False, False),
    "moodle_badge_achieved": (True, False, False),
    "moodle_course_completed": (True, False, False),
    "moodle_course_completed_lms_course": (True, False, False),
    "moodle_course_viewed": (False, False, False),
    "moodle_quiz_attempt_completed": (True, False, False),
    "moodle_user_loggedin": (False, False, False),
    "other_lms_course_passed": (True, False, False),
    "other_void": (False, False, False),
    "scorm_completed": (True, False, False),
    "scorm_failed": (True, False, False),
    "scorm_initialized": (False, True, False),
    "scorm_passed": (True, False, False),
    "scorm_resumed": (False, False, False),
    "scorm_scored": (True, False, False),
    "scorm_suspended": (False, False, True),
    "scorm_terminated": (True, False, False),
    "tla_achieved_competency": (True, False, False),
    "video_completed": (False, False, False),
    "video_watched": (False, False, False),
}


def test_every_data_file_has_a_role() -> None:
    assert sorted(ROLES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(ROLES))
def test_only_outcomes_are_records_and_reports_keep_attempts_and_time(name: str) -> None:
    c = classify(load(name))
    assert (c.is_outcome, c.starts_attempt, c.spent_time) == ROLES[name]


def test_cmi5_passed_carries_the_facts_the_sync_stores() -> None:
    c = classify(load("cmi5_passed"))
    assert c == Classification(
        origin=F,
        source=Source.CMI5,
        kind=ACH,
        learning_mode=FORMAL,
        verb=ADL + "passed",
        statement_id="0d4c7f3e-8b1a-4d2e-9f6a-000000000004",
        actor=Identity.account("https://lms.example.nl", "42", display="Sanne de Vries"),
        activity_id="https://content.example.nl/cmi5/safety-basics/au/1",
        activity_name="Safety basics",
        registration="9c2b6a3e-5d1f-4f7a-8a63-1c0e2b5d7f10",
        timestamp="2026-03-02T09:20:00.000Z",
        success=True,
        score=Score(scaled=0.92),
        duration_seconds=1200.0,
    )
    assert c.is_formal_pass_or_fail
    assert not c.is_formal_completion


def test_cmi5_allowed_statements_are_marked_and_never_achievements() -> None:
    answered, completed = (
        classify(load("cmi5_allowed_answered")),
        classify(load("cmi5_allowed_completed")),
    )
    assert answered.cmi5_allowed
    assert completed.cmi5_allowed
    assert not classify(load("cmi5_completed")).cmi5_allowed
    assert not completed.is_formal_completion
    assert not answered.is_formal_pass_or_fail


def test_cmi5_satisfied_names_the_course() -> None:
    c = classify(load("cmi5_satisfied_course"))
    assert c.course_id == c.activity_id == "https://lms.example.nl/cmi5/courses/safety-basics"
    assert c.activity_type == "https://w3id.org/xapi/cmi5/activitytype/course"
    assert c.verb == W3ID + "satisfied"
    assert c.is_formal_completion


def test_scorm_statements_find_the_course_in_grouping() -> None:
    c = classify(load("scorm_scored"))
    assert c.course_id == "http://adlnet.gov/courses/compsci/CS204/"
    assert c.activity_id == "http://adlnet.gov/courses/compsci/CS204/lesson01/01"
    assert c.score == Score(scaled=0.95, raw=95.0, min=0.0, max=100.0)
    assert c.actor == Identity.account("http://lms.adlnet.gov/", "500-627-490")
    assert classify(load("scorm_suspended")).duration_seconds == 492.0


@pytest.mark.parametrize("name", ["moodle_course_completed", "moodle_course_completed_lms_course"])
def test_moodle_course_completion_with_either_course_type(name: str) -> None:
    c = classify(load(name))
    assert c.course_id == c.activity_id == "https://moodle.example.nl/course/view.php?id=7"
    assert c.actor == Identity.account("https://moodle.example.nl", "42", display="Sanne de Vries")
    assert c.is_formal_completion


def test_moodle_quiz_attempt_score_and_course() -> None:
    c = classify(load("moodle_quiz_attempt_completed"))
    assert c.score == Score(scaled=0.8, raw=8.0, min=0.0, max=10.0)
    assert c.course_id == "https://moodle.example.nl/course/view.php?id=7"
    assert c.activity_name == "Product knowledge quiz"
    assert c.duration_seconds == 760.0
    assert c.is_formal_completion
    assert c.is_formal_pass_or_fail


def test_moodle_badge_course_comes_from_parent_and_attendance_has_hours() -> None:
    assert classify(load("moodle_badge_achieved")).course_id == (
        "https://moodle.example.nl/course/view.php?id=7"
    )
    assert classify(load("moodle_attendance_attended")).duration_seconds == 3 * 3600.0


def test_identities_of_other_ifis() -> None:
    assert classify(load("tla_achieved_competency")).actor == Identity.mbox(
        "sanne.devries@example.nl"
    )
    assert classify(load("video_watched")).actor == Identity(
        "mbox_sha1sum", "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
    )
    group = load("video_watched")
    group["actor"] = {"objectType": "Group", "member": [group["actor"]]}
    assert classify(group).actor is None


# --- verb aliases ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("http://activitystrea.ms/watch", "http://activitystrea.ms/schema/1.0/watch"),
        ("https://activitystrea.ms/schema/1.0/watch", "http://activitystrea.ms/schema/1.0/watch"),
        ("http://activitystrea.ms/assign", "http://activitystrea.ms/schema/1.0/assign"),
        ("http://activitystrea.ms/schema/1.0/join", "http://activitystrea.ms/schema/1.0/join"),
        (ADL + "satisfied", W3ID + "satisfied"),
        (ADL + "abandoned", W3ID + "abandoned"),
        ("http://purl.org/xapi/adl/verbs/waived", W3ID + "waived"),
        (W3ID + "completed", ADL + "completed"),
        (W3ID + "logged-in", W3ID + "logged-in"),
        (ADL + "passed", ADL + "passed"),
        ("http://id.tincanapi.com/verb/mentored", "http://id.tincanapi.com/verb/mentored"),
        ("http://activitystrea.ms/", "http://activitystrea.ms/"),
        (ADL + "a/b", ADL + "a/b"),
    ],
)
def test_canonical_verb(alias: str, canonical: str) -> None:
    assert canonical_verb(alias) == canonical


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("video_watched", "http://activitystrea.ms/schema/1.0/watch"),
        ("cmi5_satisfied_course", ADL + "satisfied"),
        ("cmi5_abandoned", ADL + "abandoned"),
        ("cmi5_completed", W3ID + "completed"),
        ("leaderled_void", W3ID + "voided"),
    ],
)
def test_aliased_verbs_classify_the_same(name: str, alias: str) -> None:
    statement = load(name)
    aliased = copy.deepcopy(statement)
    aliased["verb"]["id"] = alias
    assert classify(aliased) == classify(statement)


# --- result.success / result.completion are authoritative -----------------------------


def with_result(name: str, verb: str | None = None, **result: Any) -> Classification:
    statement = load(name)
    if verb is not None:
        statement["verb"]["id"] = verb
    statement["result"] = result
    return classify(statement)


def test_completed_with_completion_false_is_an_attempt() -> None:
    c = with_result("scorm_completed", completion=False)
    assert (c.kind, c.completion, c.origin) == (ATT, False, F)


def test_completed_with_completion_false_but_success_is_a_pass() -> None:
    c = with_result("scorm_completed", completion=False, success=True)
    assert (c.kind, c.completion, c.success) == (ACH, False, True)


def test_result_success_overrides_passed_and_failed() -> None:
    passed_but_failed = with_result("other_lms_course_passed", success=False)
    assert (passed_but_failed.kind, passed_but_failed.success) == (ACH, False)
    failed_but_passed = with_result("scorm_failed", success=True)
    assert (failed_but_passed.kind, failed_but_passed.success) == (ACH, True)


def test_outcome_on_course_like_activity_makes_an_attempt_verb_an_achievement() -> None:
    assert with_result("scorm_terminated").kind is ATT
    assert with_result("scorm_terminated", completion=False).kind is ATT
    assert with_result("scorm_terminated", completion=True).kind is ACH


def test_outcome_on_a_question_stays_an_attempt() -> None:
    statement = load("cmi5_allowed_answered")
    del statement["context"]["extensions"]
    c = classify(statement)
    assert (c.origin, c.source, c.kind, c.success) == (OTH, Source.UNKNOWN, ATT, True)


def test_unknown_source_needs_a_course_like_activity_to_be_formal() -> None:
    statement = load("other_lms_course_passed")
    statement["object"]["definition"]["type"] = "http://adlnet.gov/expapi/activities/media"
    assert classify(statement).origin is OTH
    assert classify(load("video_completed")).kind is ACH  # achieved, but not formal
    assert classify(load("video_completed")).origin is OTH


def test_tincan_lms_course_type_alone_is_course_like() -> None:
    statement = load("other_lms_course_passed")
    statement["object"]["definition"]["type"] = "http://id.tincanapi.com/activitytype/lms/course"
    c = classify(statement)
    assert (c.origin, c.source, c.course_id) == (F, Source.UNKNOWN, c.activity_id)


# --- ours: profile base, minted IRIs, learning modes ----------------------------------


def test_profile_base_decides_what_is_ours() -> None:
    statement = load("leaderled_mentoring")
    base = "https://learning.example.nl/leaderled/xapi"
    statement["context"]["contextActivities"]["category"] = [{"id": base + "/profile"}]
    assert classify(statement).origin is OTH
    mine = classify(statement, profile_base=base)
    assert (mine.origin, mine.source, mine.learning_mode) == (L, Source.LEADERLED, SOCIAL)
    assert classify(statement, profile_base=base + "/").origin is L


def test_a_profile_base_that_is_no_iri_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="absolute http"):
        classify(load("leaderled_mentoring"), profile_base="leaderled")


def test_minted_verb_without_category_is_still_ours() -> None:
    statement = load("leaderled_taught_minted")
    del statement["context"]
    c = classify(statement)
    assert (c.origin, c.kind, c.learning_mode) == (L, PART, SOCIAL)


def test_a_similar_prefix_is_not_ours() -> None:
    statement = load("leaderled_mentoring")
    statement["context"]["contextActivities"]["category"] = [
        {"id": "http://localhost:5000/xapi/profiles-of-others"}
    ]
    assert classify(statement).origin is OTH


BASE = "http://localhost:5000/xapi"
MODE_EXTENSION = BASE + "/extensions/learning-mode"


@pytest.mark.parametrize(
    ("verb", "activity_type", "mode"),
    [
        (ADL + "attended", BASE + "/activity-types/knowledge-session", SOCIAL),
        (ADL + "attended", BASE + "/activity-types/train-the-trainer-session", FORMAL),
        (ADL + "attended", None, SOCIAL),  # two templates disagree: the default
        (BASE + "/verbs/coached", None, SOCIAL),  # one template: the verb decides
        ("http://activitystrea.ms/use", BASE + "/activity-types/training-material", EXPERIENTIAL),
        (ADL + "shared", BASE + "/activity-types/best-practice", SOCIAL),
        (BASE + "/verbs/set", "http://id.tincanapi.com/activitytype/goal", EXPERIENTIAL),
        (ADL + "completed", "http://id.tincanapi.com/activitytype/goal", EXPERIENTIAL),
        ("http://id.tincanapi.com/verb/rated", BASE + "/activity-types/coaching-moment", SOCIAL),
        (BASE + "/verbs/something-new", None, SOCIAL),
    ],
)
def test_learning_mode_without_the_extension_follows_the_templates(
    verb: str, activity_type: str | None, mode: LearningMode
) -> None:
    statement = load("leaderled_mentoring")
    statement["verb"]["id"] = verb
    if activity_type is None:
        del statement["object"]["definition"]["type"]
    else:
        statement["object"]["definition"]["type"] = activity_type
    assert classify(statement).learning_mode is mode


@pytest.mark.parametrize(("declared", "mode"), [("formal", FORMAL), ("lots", SOCIAL), (7, SOCIAL)])
def test_declared_learning_mode_wins_when_valid(declared: object, mode: LearningMode) -> None:
    statement = load("leaderled_mentoring")
    statement["context"]["extensions"][MODE_EXTENSION] = declared
    c = classify(statement)
    assert (c.origin, c.learning_mode) == (L, mode)


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("slug", sorted(TEMPLATES_BY_SLUG))
def test_every_builder_statement_is_leader_led_in_its_templates_mode(
    slug: str, version: XapiVersion
) -> None:
    base = "https://learning.example.nl/leaderled/xapi"
    statement = REGISTRY[slug].example_statement(BuildOptions(base=base, xapi_version=version))
    spec = TEMPLATES_BY_SLUG[slug]
    c = classify(statement, profile_base=base)
    assert (c.origin, c.source) == (L, Source.LEADERLED)
    expected = None if spec.object_kind == "StatementRef" else LearningMode(spec.learning_mode)
    assert c.learning_mode is expected
    assert c.kind is not Kind.OTHER
    if expected is None:
        assert c.kind is Kind.VOID
    del statement["context"]["extensions"][base + "/extensions/learning-mode"]
    assert classify(statement, profile_base=base).learning_mode is expected
    assert classify(statement).origin is OTH  # another base: not ours


def test_mentoring_session_is_the_activity_when_the_object_is_the_learner() -> None:
    c = classify(REGISTRY["mentoring-session-held"].example_statement())
    assert c.activity_type == BASE + "/activity-types/mentoring-session"
    assert c.activity_id is not None
    assert c.actor == Identity.account("https://moodle.example.org", "17")


# --- voids ----------------------------------------------------------------------------


def test_voiding_statements_name_what_they_void() -> None:
    ours = classify(load("leaderled_void"))
    assert ours.is_void
    assert ours.voids == "e2f3a4b5-c6d7-4e8f-9a0b-000000000001"
    assert classify(load("other_void")).voids == "c7a9d0e1-2b3c-4d5e-8f90-000000000002"
    assert not classify(load("cmi5_passed")).is_void


def test_voided_ids_of_a_batch() -> None:
    batch = [load(name) for name in sorted(EXPECTED)]
    assert voided_ids(batch) == {
        "e2f3a4b5-c6d7-4e8f-9a0b-000000000001",
        "c7a9d0e1-2b3c-4d5e-8f90-000000000002",
    }
    assert voided_ids([]) == set()


def test_voided_verb_on_an_activity_is_no_void() -> None:
    statement = load("other_void")
    statement["object"] = {"objectType": "Activity", "id": "https://example.com/a"}
    c = classify(statement)
    assert (c.kind, c.voids) == (Kind.OTHER, None)
    assert voided_statement_id(statement) is None
    statement["object"] = {"objectType": "StatementRef", "id": ""}
    assert voided_statement_id(statement) is None


def test_scores_keep_only_finite_numbers() -> None:
    c = with_result("scorm_scored", score={"raw": 10**400, "scaled": True, "min": 0, "max": "9"})
    assert c.score == Score(min=0.0)
    assert with_result("scorm_scored", score={"raw": float("nan")}).score is None


# --- durations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT14.14S", 14.14),
        ("PT1H30M", 5400.0),
        ("P1DT2H", 93600.0),
        ("P0DT0H45M", 2700.0),
        ("PT0,5S", 0.5),
        ("pt2m", 120.0),
        ("P2W", 1209600.0),
        ("P1Y", 365 * 86400.0),
        ("P1M", 30 * 86400.0),
        ("PT0S", 0.0),
        ("PT10800S", 10800.0),
    ],
)
def test_duration_seconds(text: str, seconds: float) -> None:
    assert duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "P",
        "PT",
        "P1DT",
        "-PT5M",
        "PT5",
        "5M",
        "PT5M extra",
        "PT1S1M",
        None,
        30,
        "P" + "9" * 400 + "Y",
    ],
)
def test_duration_seconds_rejects(text: object) -> None:
    assert duration_seconds(text) is None


# --- never raises ---------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.just(10**400)
    | st.floats()
    | st.text(max_size=20)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
IRIS = st.sampled_from(
    [
        ADL + "completed",
        ADL + "voided",
        W3ID + "satisfied",
        "http://activitystrea.ms/watch",
        "https://w3id.org/xapi/tla/verbs/achieved",
        "https://w3id.org/xapi/cmi5/context/categories/cmi5",
        "https://w3id.org/xapi/scorm",
        "http://moodle.org",
        "http://localhost:5000/xapi/profile",
        "http://localhost:5000/xapi/verbs/taught",
        "https://w3id.org/xapi/cmi5/activitytype/course",
        "StatementRef",
        "Group",
    ]
)
ODD = JSON | IRIS


def shaped() -> st.SearchStrategy[dict[str, Any]]:
    """Statement-shaped dicts with odd values in the places classification reads."""
    activity = st.fixed_dictionaries(
        {},
        optional={
            "id": ODD,
            "objectType": ODD,
            "definition": st.fixed_dictionaries({}, optional={"type": ODD, "name": ODD}) | ODD,
        },
    )
    listish = st.lists(activity | ODD, max_size=3) | activity | ODD
    context = st.fixed_dictionaries(
        {},
        optional={
            "contextActivities": st.fixed_dictionaries(
                {}, optional={"category": listish, "grouping": listish, "parent": listish}
            )
            | ODD,
            "extensions": st.dictionaries(IRIS | st.text(max_size=5), ODD, max_size=3) | ODD,
            "platform": ODD,
            "registration": ODD,
        },
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "id": ODD,
            "actor": st.fixed_dictionaries(
                {}, optional={"objectType": ODD, "mbox": ODD, "account": ODD, "name": ODD}
            )
            | ODD,
            "verb": st.fixed_dictionaries({}, optional={"id": ODD}) | ODD,
            "object": activity | ODD,
            "result": st.fixed_dictionaries(
                {},
                optional={"success": ODD, "completion": ODD, "duration": ODD, "score": ODD},
            )
            | ODD,
            "context": context | ODD,
            "timestamp": ODD,
        },
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_classify_never_raises_on_arbitrary_dicts(statement: dict[str, Any]) -> None:
    assert isinstance(classify(statement), Classification)
    voided_ids([statement])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped())
def test_classify_never_raises_on_odd_statements(statement: dict[str, Any]) -> None:
    c = classify(statement)
    if c.origin is F:
        assert c.learning_mode is FORMAL
    if c.origin is OTH or c.kind is Kind.VOID:
        assert c.learning_mode is None
    assert (c.kind is Kind.VOID) == c.is_void
    voided_ids([statement])
