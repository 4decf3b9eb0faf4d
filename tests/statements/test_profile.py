"""The profile document against the xAPI Profiles 1.0 structure rules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft7Validator

from statements import vocabulary as v
from statements.builders import BuildOptions, examples
from statements.jsonpath import parse
from statements.profile import build_profile, find_component
from tests.statements.profile_checks import schema_problems

BASE = "https://learn.example.org/xapi"
PROFILE = build_profile(BASE)
VERSION = v.version_iri(BASE)
PATTERN_KINDS = ("alternates", "optional", "oneOrMore", "sequence", "zeroOrMore")
JSON_SCHEMA_TYPES = {"string", "integer", "number", "boolean", "object", "array", "null"}
JSON_SCHEMA_KEYWORDS = {
    "$schema",
    "type",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "items",
    "properties",
    "required",
}
EXTENSION_PLACES = {
    "ContextExtension": "$.context.extensions",
    "ResultExtension": "$.result.extensions",
    "ActivityExtension": "$.object.definition.extensions",
}


def _components() -> list[dict[str, Any]]:
    return PROFILE["concepts"] + PROFILE["templates"] + PROFILE["patterns"]


def _by_id() -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in _components()}


def test_top_level_follows_the_spec() -> None:
    assert PROFILE["@context"] == "https://w3id.org/xapi/profiles/context"
    assert PROFILE["conformsTo"] == "https://w3id.org/xapi/profiles#1.0"
    assert PROFILE["type"] == "Profile"
    assert PROFILE["id"] == BASE + "/profile"
    assert PROFILE["prefLabel"].keys() == {"en", "nl"}
    assert PROFILE["definition"].keys() == {"en", "nl"}
    assert PROFILE["author"]["type"] in {"Organization", "Person"}
    assert PROFILE["author"]["name"]
    (version,) = PROFILE["versions"]
    assert version["id"] == VERSION
    assert version["id"].startswith(PROFILE["id"] + "/")
    assert datetime.fromisoformat(version["generatedAtTime"]).tzinfo is not None


def test_ids_are_unique_and_everything_is_in_the_version_scheme() -> None:
    ids = [c["id"] for c in _components()]
    assert len(ids) == len(set(ids))
    assert PROFILE["id"] not in ids
    assert {c["inScheme"] for c in _components()} == {VERSION}


def test_every_minted_term_is_a_concept_and_only_minted_ones_are() -> None:
    concept_ids = {c["id"] for c in PROFILE["concepts"]}
    assert concept_ids == {t.iri(BASE) for t in v.MINTED_TERMS}
    assert all(c["id"].startswith(BASE + "/") for c in PROFILE["concepts"])


def _referenced(item: dict[str, Any]) -> list[str]:
    refs: list[str] = []
    for key in ("verb", "objectActivityType"):
        if key in item:
            refs.append(item[key])
    for key in (
        "contextGroupingActivityType",
        "contextParentActivityType",
        "contextOtherActivityType",
        "contextCategoryActivityType",
        "objectStatementRefTemplate",
        "recommendedVerbs",
        "recommendedActivityTypes",
        "broadMatch",
        "relatedMatch",
        "alternates",
        "sequence",
    ):
        refs.extend(item.get(key, []))
    for key in ("optional", "oneOrMore", "zeroOrMore"):
        if key in item:
            refs.append(item[key])
    if "activityDefinition" in item:
        refs.append(item["activityDefinition"]["type"])
    return refs


def test_every_referenced_iri_exists_in_the_profile_or_is_a_known_existing_one() -> None:
    known = set(_by_id()) | {t.iri(BASE) for t in v.ALL_TERMS if not t.minted}
    dangling = {ref for c in _components() for ref in _referenced(c) if ref not in known}
    assert dangling == set()


def test_concepts_carry_the_properties_of_their_type() -> None:
    for concept in PROFILE["concepts"]:
        kind = concept["type"]
        assert kind in {
            "Verb",
            "ActivityType",
            "ContextExtension",
            "ResultExtension",
            "ActivityExtension",
            "Activity",
        }
        if kind == "Activity":
            definition = concept["activityDefinition"]
            assert definition["@context"] == "https://w3id.org/xapi/profiles/activity-context"
            assert definition["name"].keys() == {"en", "nl"}
            continue
        assert concept["prefLabel"].keys() == {"en", "nl"}
        assert concept["definition"].keys() == {"en", "nl"}
        if "recommendedActivityTypes" in concept:
            assert kind == "ActivityExtension"
        if "recommendedVerbs" in concept:
            assert kind in {"ContextExtension", "ResultExtension"}
        assert not ({"schema", "inlineSchema"} <= concept.keys())


def test_minted_concepts_link_to_close_existing_ones() -> None:
    linked = [c for c in PROFILE["concepts"] if c.get("broadMatch") or c.get("relatedMatch")]
    for iri in (v.TAUGHT, v.COACHED, v.GAVE_FEEDBACK, v.KNOWLEDGE_SESSION, v.COACHING_GUIDELINE):
        assert iri.iri(BASE) in {c["id"] for c in linked}


@pytest.mark.parametrize(
    "concept",
    [c for c in PROFILE["concepts"] if c["type"].endswith("Extension")],
    ids=lambda c: c["id"].rsplit("/", 1)[1],
)
def test_extension_schemas_are_json_schema_objects(concept: dict[str, Any]) -> None:
    schema = json.loads(concept["inlineSchema"])
    assert isinstance(schema, dict)
    Draft7Validator.check_schema(schema)
    assert schema["type"] in JSON_SCHEMA_TYPES
    assert set(schema) <= JSON_SCHEMA_KEYWORDS
    if "enum" in schema:
        assert schema["enum"]
        assert all(isinstance(x, str) for x in schema["enum"])


def _extension_kinds() -> dict[str, str]:
    return {c["id"]: c["type"] for c in PROFILE["concepts"] if c["type"].endswith("Extension")}


def test_template_rules_place_extensions_where_their_type_allows() -> None:
    kinds = _extension_kinds()
    seen = set()
    for template in PROFILE["templates"]:
        for rule in template["rules"]:
            for iri, kind in kinds.items():
                if iri in rule["location"]:
                    seen.add(iri)
                    assert rule["location"].startswith(EXTENSION_PLACES[kind] + "[")
    # Notes are opt-in (DESIGN section 9), so no template requires them.
    assert seen == set(kinds) - {v.NOTES.iri(BASE)}


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_built_statements_place_extensions_where_their_type_allows(version: str) -> None:
    kinds = _extension_kinds()
    where = {"ContextExtension": set(), "ResultExtension": set(), "ActivityExtension": set()}
    for statement in examples(
        BuildOptions(base=BASE, xapi_version=version, include_free_text=True)
    ):
        where["ContextExtension"] |= set(statement["context"].get("extensions", {}))
        where["ResultExtension"] |= set(statement.get("result", {}).get("extensions", {}))
        definition = statement["object"].get("definition", {})
        where["ActivityExtension"] |= set(definition.get("extensions", {}))
    for kind, keys in where.items():
        ours = {k for k in keys if k.startswith(BASE)}
        assert all(kinds[k] == kind for k in ours), (kind, ours)
    assert set().union(*where.values()) == set(kinds)


def test_templates_have_labels_determining_properties_and_well_formed_rules() -> None:
    determining = set()
    for template in PROFILE["templates"]:
        assert template["type"] == "StatementTemplate"
        assert template["prefLabel"].keys() == template["definition"].keys() == {"en", "nl"}
        assert not ({"objectStatementRefTemplate", "objectActivityType"} <= template.keys())
        key = (
            template["verb"],
            template.get("objectActivityType"),
            tuple(template.get("contextParentActivityType", [])),
        )
        assert key not in determining, f"two templates share {key}"
        determining.add(key)
        assert template["rules"]
        for rule in template["rules"]:
            assert {"presence", "any", "all", "none"} & rule.keys()
            assert rule.get("presence", "included") in {"included", "excluded", "recommended"}
            parse(rule["location"])  # raises on anything outside the allowed subset


def _pattern_members(pattern: dict[str, Any]) -> list[str]:
    for kind in PATTERN_KINDS:
        if kind in pattern:
            value = pattern[kind]
            return value if isinstance(value, list) else [value]
    raise AssertionError(f"{pattern['id']} has no pattern kind")


def test_patterns_follow_the_spec_rules() -> None:
    by_id = _by_id()
    patterns = {p["id"]: p for p in PROFILE["patterns"]}
    for pattern in PROFILE["patterns"]:
        assert sum(kind in pattern for kind in PATTERN_KINDS) == 1
        if pattern.get("primary"):
            assert pattern["prefLabel"]
            assert pattern["definition"]
        if "alternates" in pattern:
            assert len(pattern["alternates"]) >= 2
            for member in pattern["alternates"]:
                inner = patterns.get(member, {})
                assert "optional" not in inner
                assert "zeroOrMore" not in inner
        if "sequence" in pattern:
            assert len(pattern["sequence"]) >= 2
        assert all(m in by_id for m in _pattern_members(pattern))


def test_patterns_do_not_contain_themselves() -> None:
    patterns = {p["id"]: p for p in PROFILE["patterns"]}

    def reach(pid: str, trail: tuple[str, ...]) -> None:
        assert pid not in trail, f"cycle: {(*trail, pid)}"
        for member in _pattern_members(patterns[pid]):
            if member in patterns:
                reach(member, (*trail, pid))

    for pid in patterns:
        reach(pid, ())


def test_the_primary_patterns_cover_mentoring_trainer_pairing_and_statements_on_their_own() -> None:
    primary = {p["id"].rsplit("/", 1)[1] for p in PROFILE["patterns"] if p.get("primary")}
    assert primary == {"mentoring-relationship", "trainer-pairing", "statement-on-its-own"}


def test_every_template_is_reachable_from_a_primary_pattern() -> None:
    """Structure section 9: every statement with the profile in its category
    follows a primary pattern, so every template must be in one."""
    patterns = {p["id"]: p for p in PROFILE["patterns"]}
    reached: set[str] = set()

    def walk(pid: str) -> None:
        for member in _pattern_members(patterns[pid]):
            if member in patterns:
                walk(member)
            else:
                reached.add(member)

    for pid, pattern in patterns.items():
        if pattern.get("primary"):
            walk(pid)
    assert {t["id"] for t in PROFILE["templates"]} <= reached


def test_document_is_deterministic_json_and_follows_its_base() -> None:
    assert json.dumps(build_profile(BASE)) == json.dumps(PROFILE)
    other = json.dumps(build_profile("http://localhost:5000/xapi"))
    assert BASE not in other
    assert BASE + "/" in json.dumps(PROFILE)


def test_a_bad_base_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute http"):
        build_profile("not a base")


def test_components_are_found_by_iri_with_the_json_ld_context() -> None:
    found = find_component(PROFILE, v.TAUGHT.iri(BASE))
    assert found is not None
    assert found["@context"] == PROFILE["@context"]
    assert found["prefLabel"]["nl"] == "gaf"
    assert find_component(PROFILE, BASE + "/verbs/nope") is None


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_built_extension_values_follow_their_schemas(version: str) -> None:
    options = BuildOptions(base=BASE, xapi_version=version, include_free_text=True)
    for statement in examples(options):
        assert schema_problems(statement, PROFILE) == []


def test_a_value_against_the_schema_is_caught() -> None:
    statement = examples(BuildOptions(base=BASE))[0]  # knowledge session taught
    statement["result"]["extensions"][v.ATTENDEE_COUNT.iri(BASE)] = -1
    (problem,) = schema_problems(statement, PROFILE)
    assert "-1 is less than the minimum of 0" in problem
