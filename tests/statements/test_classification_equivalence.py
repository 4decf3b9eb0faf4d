"""The optimised ``classify`` gives exactly what the original gave
(:mod:`tests.statements.classification_reference`): on every spec statement,
on every template the builders produce (both xAPI versions, several bases), on
near misses of each (every value the classifier reads deleted or replaced by an
odd one, our IRIs swapped for look-alikes and for other sources' markers) and
on random statement-shaped dicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.builders import REGISTRY, BuildOptions
from statements.classification import classify
from statements.template_specs import TEMPLATES_BY_SLUG
from tests.statements import classification_reference as reference
from tests.statements.test_classification import JSON, shaped

DATA = Path(__file__).parent / "data" / "classification"
BASES = (
    "http://localhost:5000/xapi",
    "https://learning.example.nl/leaderled/xapi",
    "https://leaderled.bench/xapi/",
)
ADL = "http://adlnet.gov/expapi/verbs/"

# Values put where the classifier reads one: wrong JSON types, empty ones, and
# strings that mean something to one of its rules.
ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "x",
    0,
    1,
    1.5,
    float("nan"),
    10**400,
    True,
    False,
    [],
    {},
    ["x"],
    [{}],
    [{"id": ""}],
    {"id": "x"},
    "Agent",
    "Group",
    "StatementRef",
    "SubStatement",
    "PT1H",
    "P",
    "moodle",
    ADL + "voided",
    "https://w3id.org/xapi/adl/verbs/voided",  # an alias of it
    ADL + "completed",
    ADL + "passed",
    ADL + "initialized",
    "http://activitystrea.ms/schema/1.0/watch",
    "https://w3id.org/xapi/tla/verbs/achieved",
    "https://w3id.org/xapi/cmi5/context/categories/cmi5",
    "https://w3id.org/xapi/scorm/v1.0",
    "http://moodle.org",
    "https://w3id.org/xapi/cmi5/activitytype/course",
    "http://adlnet.gov/expapi/activities/module",
)


def _look_alikes(base: str) -> tuple[str, ...]:
    """IRIs next to ours: another base, a prefix of ours, ours with more after it."""
    clean = base.rstrip("/")
    return (
        clean + "x/verbs/taught",
        clean.rsplit("/", 1)[0],
        clean + "/profile",
        clean + "/profile/",
        clean + "/profile/2.0",
        clean + "/profilex",
        "https://other.example/xapi/profile/1.0",
    )


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _paths(item, (*path, index))


_DELETE = object()


def _changed(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` with what ``path`` leads to replaced by ``new`` (or deleted), copying
    only the containers along the path."""
    if not path:
        return new
    copied: Any = dict(value) if isinstance(value, dict) else list(value)
    step = path[0]
    inner = _changed(copied[step], path[1:], new)
    if inner is _DELETE:
        del copied[step]
    else:
        copied[step] = inner
    return copied


def near_misses(statement: dict[str, Any], base: str) -> Iterator[dict[str, Any]]:
    """``statement`` with one thing off: each value deleted, replaced by each odd
    value, and each string by our IRIs' look-alikes; plus a few whole-shape changes."""
    odd = (*ODD_VALUES, *_look_alikes(base))
    for path in _paths(statement):
        yield _changed(statement, path, _DELETE)
        for value in odd:
            yield _changed(statement, path, value)
    context = statement.get("context", {})
    activities = context.get("contextActivities", {})
    for key in ("category", "parent", "grouping"):
        items = activities.get(key)
        if isinstance(items, list) and items:
            # xAPI 1.0's single object instead of a list
            yield _changed(statement, ("context", "contextActivities", key), items[0])
            yield _changed(statement, ("context", "contextActivities", key), items[::-1])
    upper = dict(statement, id=str(statement.get("id", "")).upper())
    yield upper
    yield {**statement, "actor": {**statement["actor"], "objectType": "Group"}}


def _same(statement: Any, base: str) -> None:
    assert classify(statement, profile_base=base) == reference.classify(
        statement, profile_base=base
    ), json.dumps(statement, default=repr)[:2000]


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.json")))
def test_spec_statements_classify_as_before(name: str) -> None:
    statement = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    for base in BASES:
        _same(statement, base)
    for changed in near_misses(statement, BASES[0]):
        _same(changed, BASES[0])


@pytest.mark.parametrize(("version", "base"), [("1.0.3", BASES[0]), ("2.0.0", BASES[1])])
@pytest.mark.parametrize("slug", sorted(TEMPLATES_BY_SLUG))
def test_every_template_and_its_near_misses_classify_as_before(
    slug: str, version: str, base: str
) -> None:
    options = BuildOptions(base=base, xapi_version=version)  # type: ignore[arg-type]
    statement = REGISTRY[slug].example_statement(options)
    for other in BASES:  # ours under its own base only
        _same(statement, other)
    count = 0
    for changed in near_misses(statement, base):
        _same(changed, base)
        count += 1
    assert count > 500  # the mutations did reach into the statement


def test_non_dicts_and_mappings_classify_as_before() -> None:
    statement = REGISTRY["knowledge-session-taught"].example_statement()
    for odd in (None, [], "statement", 3, {}, {"verb": None}):
        _same(odd, BASES[0])

    class Frozen(dict[str, Any]):
        pass

    _same(Frozen(statement), BASES[0])


def test_a_profile_base_that_is_no_iri_still_raises() -> None:
    statement = REGISTRY["knowledge-session-taught"].example_statement()
    with pytest.raises(ValueError):
        reference.classify(statement, profile_base="not a base")
    with pytest.raises(ValueError):
        classify(statement, profile_base="not a base")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped())
def test_odd_statement_shapes_classify_as_before(statement: dict[str, Any]) -> None:
    _same(statement, BASES[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_arbitrary_dicts_classify_as_before(statement: dict[str, Any]) -> None:
    _same(statement, BASES[0])
