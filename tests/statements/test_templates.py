"""The template check and the JSONPath subset it reads rules with."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statements import vocabulary as v
from statements.builders import REGISTRY, BuildOptions
from statements.jsonpath import JSONPathError, evaluate
from statements.profile import build_profile
from statements.template_specs import template_iri
from statements.templates import match_profile, rule_problem

DOC = {
    "a": {"b.c": 1, "d": [{"e": 1}, {"e": 2}, {"f": 3}], "g": [1, 2]},
    "h": "x",
}


@pytest.mark.parametrize(
    ("path", "values"),
    [
        ("$.a['b.c']", [1]),
        ('$.a["b.c"]', [1]),
        ("$.a.d[*].e", [1, 2]),
        ("$.a.d[0].e", [1]),
        ("$.a.d[0, 2]", [{"e": 1}, {"f": 3}]),
        ("$.a.g", [[1, 2]]),  # one value that is an array stays one value
        ("$.a.g[*]", [1, 2]),
        ("$.h | $.a.g[1]", ["x", 2]),
        ("$.a['d', 'g'][1]", [{"e": 2}, 2]),
        ("$.missing.x", []),
        ("$.a.d[7]", []),
        ("$.h.*", []),
        ("$", [DOC]),
    ],
)
def test_jsonpath_subset(path: str, values: list[Any]) -> None:
    assert evaluate(DOC, path) == values


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("a.b", "must start with '\\$'"),
        ("$..a", "recursive descent"),
        ("$.a[?(@.b)]", "filters and scripts are not allowed"),
        ("$.a['b'", "expected ',' or"),
        ("$.a['b", "unclosed quote"),
        ("$.a.", "empty member name"),
    ],
)
def test_jsonpath_outside_the_subset_is_refused_in_words(path: str, why: str) -> None:
    with pytest.raises(JSONPathError, match=why):
        evaluate(DOC, path)


PROFILE = build_profile(v.DEFAULT_PROFILE_BASE)


def _example(slug: str, **opts: Any) -> dict[str, Any]:
    return REGISTRY[slug].example_statement(BuildOptions(**opts))


def _failures(statement: dict[str, Any], slug: str) -> list[str]:
    verdict = match_profile(statement, PROFILE)
    assert template_iri(slug) not in verdict.matched
    return verdict.failures[template_iri(slug)]


def test_missing_instructor_is_named_with_its_rule_and_location() -> None:
    statement = _example("knowledge-session-attended")
    del statement["context"]["instructor"]
    (line,) = _failures(statement, "knowledge-session-attended")
    assert line.endswith("at $.context.instructor: required (presence included) but missing")


def test_a_value_outside_all_is_reported_with_what_is_allowed() -> None:
    statement = _example("goal-met")
    statement["result"]["success"] = False
    (line,) = _failures(statement, "goal-met")
    assert "$.result.success" in line
    assert "only [true] allowed, found [false]" in line


def test_json_types_are_kept_apart_true_is_not_one() -> None:
    statement = _example("goal-met")
    statement["result"]["success"] = 1
    assert any("$.result.success" in line for line in _failures(statement, "goal-met"))


def test_a_missing_profile_version_breaks_the_any_rule() -> None:
    statement = _example("material-used")
    statement["context"]["contextActivities"]["category"][0]["id"] = "https://other.example/p"
    lines = _failures(statement, "material-used")
    assert len(lines) == 1
    assert "$.context.contextActivities.category[*].id: must include one of" in lines[0]


def test_several_broken_rules_are_all_reported() -> None:
    statement = _example("session-rated")
    del statement["result"]["score"]["raw"]
    del statement["verb"]["display"]["nl"]
    lines = _failures(statement, "session-rated")
    assert len(lines) == 2
    assert any("$.verb.display.nl" in line for line in lines)
    assert any("$.result.score.raw" in line for line in lines)


def test_recommended_parts_may_be_absent_but_must_be_right_when_present() -> None:
    statement = _example("material-shared")
    del statement["context"]["contextActivities"]["grouping"]
    assert match_profile(statement, PROFILE).matched == [template_iri("material-shared")]
    wrong = _example("material-shared")
    wrong["context"]["contextActivities"]["grouping"][0]["definition"]["type"] = "urn:x:y"
    lines = _failures(wrong, "material-shared")
    assert "contextActivities.grouping[*].definition.type" in lines[0]


def test_voiding_something_that_is_not_a_statement_ref_fails() -> None:
    statement = _example("statement-voided")
    statement["object"] = {"objectType": "Activity", "id": "https://x.example/a"}
    lines = _failures(statement, "statement-voided")
    assert lines[0].startswith("objectStatementRefTemplate at $.object")


def test_statements_of_other_profiles_match_nothing_and_fail_nothing() -> None:
    cmi5 = {
        "actor": {"account": {"homePage": "https://lms.example", "name": "1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example/course/1"},
        "context": {
            "contextActivities": {
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]
            }
        },
    }
    verdict = match_profile(cmi5)
    assert verdict.matched == []
    assert verdict.failures == {}
    assert not verdict.ok


def test_our_verb_without_our_category_is_not_ours() -> None:
    statement = _example("goal-set")
    statement["context"]["contextActivities"]["category"] = []
    assert match_profile(statement, PROFILE).matched == []


def test_singleton_context_activities_are_normalised_first() -> None:
    statement = _example("knowledge-session-taught")
    activities = statement["context"]["contextActivities"]
    activities["other"] = activities["other"][0]
    assert match_profile(statement, PROFILE).matched == [template_iri("knowledge-session-taught")]


def test_the_base_is_read_from_the_statement_when_no_profile_is_given() -> None:
    base = "https://lrs.example.nl/leaderled"
    statement = _example("feedback-given", base=base, xapi_version="2.0.0")
    verdict = match_profile(statement)
    assert verdict.ok
    assert verdict.matched == [template_iri("feedback-given", base)]


def test_match_does_not_change_the_statement() -> None:
    statement = _example("knowledge-session-taught")
    before = copy.deepcopy(statement)
    match_profile(statement, PROFILE)
    assert statement == before


@pytest.mark.parametrize(
    ("rule", "statement", "expected"),
    [
        ({"location": "$.a", "presence": "excluded"}, {"a": 1}, "must be absent"),
        ({"location": "$.a", "presence": "excluded"}, {}, None),
        ({"location": "$.a[*]", "none": [2]}, {"a": [1, 2]}, "must not hold [2]"),
        ({"location": "$.a[*]", "none": [2]}, {"a": [1]}, None),
        ({"location": "$.a[*]", "any": [3]}, {"a": []}, "must include one of [3]"),
        ({"location": "$.a[*]", "all": [1]}, {}, None),
        (
            {"location": "$.a[*]", "selector": "$.b", "presence": "included"},
            {"a": [{"b": 1}, {"c": 2}]},
            "selector finds nothing",
        ),
        (
            {"location": "$.a[*]", "selector": "$.b", "all": [1]},
            {"a": [{"b": 1}, {"c": 2}]},
            "some are unmatchable",
        ),
        ({"location": "$.a[*]", "selector": "$.b", "all": [1]}, {"a": [{"b": 1}]}, None),
        ({"location": "$.a", "presence": "recommended", "any": [1]}, {}, None),
        (
            {"location": "$.a", "presence": "recommended", "any": [1]},
            {"a": 2},
            "must include one of [1]",
        ),
    ],
)
def test_rule_semantics_of_the_profiles_spec(
    rule: dict[str, Any], statement: dict[str, Any], expected: str | None
) -> None:
    problem = rule_problem(statement, rule)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "verb",
                    "id",
                    "object",
                    "context",
                    "contextActivities",
                    "category",
                    "definition",
                    "type",
                    "result",
                    "extensions",
                    "actor",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(statement=_json)
def test_any_json_at_all_gets_a_verdict_never_an_exception(statement: Any) -> None:
    verdict = match_profile(statement)
    assert verdict.matched == []
