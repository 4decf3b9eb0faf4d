"""Property tests: every builder output, for random valid inputs in both xAPI versions,
matches exactly one template of the profile and validates cleanly; breaking any
required part makes that template fail on the rule that names it."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.builders import REGISTRY, BuildOptions, canonical_json
from statements.jsonpath import WILDCARD, parse
from statements.profile import build_profile
from statements.template_specs import TEMPLATES, template_iri
from statements.templates import match_profile
from statements.validation import validate
from statements.vocabulary import DEFAULT_PROFILE_BASE
from tests.statements.profile_checks import schema_problems
from tests.statements.strategies import EVENTS

OTHER_BASE = "https://lrs.example.nl/leaderled"
PROFILES = {base: build_profile(base) for base in (DEFAULT_PROFILE_BASE, OTHER_BASE)}
SLUGS = [spec.slug for spec in TEMPLATES]
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
versions = st.sampled_from(["1.0.3", "2.0.0"])
options = st.builds(
    BuildOptions,
    base=st.sampled_from(sorted(PROFILES)),
    xapi_version=versions,
    with_names=st.booleans(),
    include_free_text=st.booleans(),
)


def test_every_template_has_a_strategy() -> None:
    assert set(EVENTS) == set(SLUGS)


def _build(slug: str, event: Any, opts: BuildOptions) -> dict[str, Any]:
    return REGISTRY[slug].build(event, opts, statement_id=uuid.uuid4())


@pytest.mark.parametrize("slug", SLUGS)
@SETTINGS
@given(data=st.data(), opts=options)
def test_output_matches_exactly_its_template_and_validates(
    slug: str, data: st.DataObject, opts: BuildOptions
) -> None:
    statement = _build(slug, data.draw(EVENTS[slug]), opts)
    verdict = match_profile(statement, PROFILES[opts.base])
    assert verdict.matched == [template_iri(slug, opts.base)]
    assert verdict.failures == {}
    assert schema_problems(statement, PROFILES[opts.base]) == []
    report = validate(statement, version=opts.xapi_version)
    assert [(p.path, p.code, p.message) for p in report.errors] == []
    assert [(p.path, p.code, p.message) for p in report.warnings] == []


def _slots(document: Any, location: str) -> list[tuple[Any, Any]]:
    """(container, key) pairs that a rule location points at."""
    found: list[tuple[Any, Any]] = []
    for path in parse(location):
        current: list[Any] = [document]
        for step in path.steps[:-1]:
            nxt: list[Any] = []
            for value in current:
                for sel in step:
                    if sel == WILDCARD:
                        nxt.extend(value.values() if isinstance(value, dict) else value)
                    elif (isinstance(value, dict) and sel in value) or (
                        isinstance(value, list) and isinstance(sel, int) and sel < len(value)
                    ):
                        nxt.append(value[sel])
            current = nxt
        last = path.steps[-1]
        for value in current:
            if isinstance(value, dict):
                keys = value.keys() if last == (WILDCARD,) else [k for k in last if k in value]
                found.extend((value, key) for key in list(keys))
            elif isinstance(value, list):
                keys = range(len(value)) if last == (WILDCARD,) else list(last)
                found.extend((value, key) for key in keys if isinstance(key, int))
    return found


def _wrong(value: Any) -> Any:
    return (not value) if isinstance(value, bool) else "urn:leaderled:test:wrong"


def _break(statement: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """Delete what an 'included' rule requires, or put a value it forbids in its place."""
    broken = copy.deepcopy(statement)
    slots = _slots(broken, rule["location"])
    assert slots, f"the statement has nothing at {rule['location']}"
    for container, key in slots:
        if "any" in rule or "all" in rule:
            if "any" not in rule or container[key] in rule["any"]:
                container[key] = _wrong(container[key])
        else:
            del container[key]
    return broken


@pytest.mark.parametrize("slug", SLUGS)
@SETTINGS
@given(data=st.data(), opts=options)
def test_breaking_a_required_part_fails_on_that_rule(
    slug: str, data: st.DataObject, opts: BuildOptions
) -> None:
    statement = _build(slug, data.draw(EVENTS[slug]), opts)
    tid = template_iri(slug, opts.base)
    (template,) = [t for t in PROFILES[opts.base]["templates"] if t["id"] == tid]
    required = [r for r in template["rules"] if r.get("presence") == "included"]
    rule = data.draw(st.sampled_from(required))
    verdict = match_profile(_break(statement, rule), PROFILES[opts.base])
    assert tid not in verdict.matched
    assert any(f" at {rule['location']}: " in line for line in verdict.failures[tid])


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=10, deadline=None)
@given(data=st.data(), opts=options)
def test_same_inputs_give_byte_identical_json(
    slug: str, data: st.DataObject, opts: BuildOptions
) -> None:
    event = data.draw(EVENTS[slug])
    fixed = data.draw(st.uuids(version=4))
    first = REGISTRY[slug].build(event, opts, statement_id=fixed)
    second = REGISTRY[slug].build(event, opts, statement_id=fixed)
    assert canonical_json(first) == canonical_json(second)
    assert first == second
