"""Property tests: generated valid statements validate clean, and breaking any
required part is reported at exactly the right path with the right code."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statements.validation import validate

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
WORD = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
TEXT = st.text(min_size=1, max_size=20)

iris = st.one_of(
    st.builds(
        "{}://{}.{}/{}".format,
        st.sampled_from(["http", "https"]),
        WORD,
        st.sampled_from(["org", "com", "nl"]),
        st.lists(WORD, max_size=3).map("/".join),
    ),
    st.builds("urn:leaderled:{}".format, WORD),
)
tags = st.one_of(
    st.sampled_from(["en", "nl", "en-US", "nl-BE", "zh-Hant-TW", "es-419", "de-CH-1996"]),
    st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True),
)
language_maps = st.dictionaries(tags, TEXT, min_size=1, max_size=3)
uuids = st.uuids(version=4).map(str)
timestamps = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2025, 1, 1), timezones=ZONES
).map(lambda d: d.isoformat(timespec="milliseconds"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)
extensions = st.dictionaries(iris, json_values, max_size=3)
emails = st.builds("mailto:{}@{}.org".format, WORD, WORD)


def _agents(object_type: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    ifi = st.one_of(
        emails.map(lambda m: {"mbox": m}),
        emails.map(
            lambda m: {"mbox_sha1sum": hashlib.sha1(m.encode(), usedforsecurity=False).hexdigest()}
        ),
        iris.map(lambda i: {"openid": i}),
        st.builds(lambda h, n: {"account": {"homePage": h, "name": n}}, iris, TEXT),
    )
    return st.builds(
        lambda ifi, name, typed: {
            **ifi,
            **({"name": name} if name else {}),
            **({"objectType": "Agent"} if typed or object_type else {}),
        },
        ifi,
        st.none() | TEXT,
        st.booleans(),
    )


agents = _agents()
groups = st.one_of(
    st.builds(
        lambda m: {"objectType": "Group", "member": m}, st.lists(agents, min_size=1, max_size=3)
    ),
    st.builds(
        lambda a, m: {
            **{k: v for k, v in a.items() if k != "objectType"},
            "objectType": "Group",
            **m,
        },
        agents,
        st.just({}) | st.lists(agents, max_size=2).map(lambda m: {"member": m}),
    ),
)
actors = agents | groups
verbs = st.builds(
    lambda i, d: {"id": i, **({"display": d} if d else {})}, iris, st.none() | language_maps
)
definitions = st.fixed_dictionaries(
    {},
    optional={
        "name": language_maps,
        "description": language_maps,
        "type": iris,
        "moreInfo": iris,
        "extensions": extensions,
    },
).filter(bool)
activities = st.builds(
    lambda i, d, typed: {
        "id": i,
        **({"definition": d} if d else {}),
        **({"objectType": "Activity"} if typed else {}),
    },
    iris,
    st.none() | definitions,
    st.booleans(),
)
refs = uuids.map(lambda i: {"objectType": "StatementRef", "id": i})


@st.composite
def scores(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(-100, 100))
    high = low + draw(st.integers(1, 100))
    score = {
        "min": low,
        "max": high,
        "raw": draw(st.integers(low, high)),
        "scaled": draw(st.floats(-1, 1)),
    }
    keep = draw(st.sets(st.sampled_from(sorted(score)), min_size=1))
    return {k: v for k, v in score.items() if k in keep}


durations = st.builds(
    lambda h, m, s: "PT" + f"{h}H" + f"{m}M" + f"{s}S",
    st.integers(0, 9),
    st.integers(0, 59),
    st.integers(0, 59),
)
results = st.fixed_dictionaries(
    {},
    optional={
        "score": scores(),
        "success": st.booleans(),
        "completion": st.booleans(),
        "response": TEXT,
        "duration": durations,
        "extensions": extensions,
    },
).filter(bool)


@st.composite
def contexts(draw: st.DrawFn, activity: bool, v2: bool) -> dict[str, Any]:
    optional: dict[str, st.SearchStrategy[Any]] = {
        "registration": uuids,
        "instructor": actors,
        "team": groups,
        "contextActivities": st.fixed_dictionaries(
            {}, optional={k: st.lists(activities, max_size=2) for k in ("parent", "category")}
        ).filter(bool),
        "language": tags,
        "statement": refs,
        "extensions": extensions,
    }
    if activity:
        optional["platform"] = TEXT
        optional["revision"] = TEXT
    if v2:
        optional["contextAgents"] = st.lists(
            st.builds(
                lambda a, t: {"objectType": "contextAgent", "agent": a, **t},
                agents,
                st.just({})
                | st.lists(iris, min_size=1, max_size=2).map(lambda t: {"relevantTypes": t}),
            ),
            min_size=1,
            max_size=2,
        )
    return draw(st.fixed_dictionaries({}, optional=optional).filter(bool))


@st.composite
def statements(draw: st.DrawFn, version: str) -> dict[str, Any]:
    v2 = version == "2.0.0"
    kind = draw(st.sampled_from(["activity", "agent", "ref", "sub"]))
    obj = {
        "activity": activities,
        "agent": _agents(object_type=True),
        "ref": refs,
        "sub": st.builds(
            lambda a, v, o: {"objectType": "SubStatement", "actor": a, "verb": v, "object": o},
            actors,
            verbs,
            activities,
        ),
    }[kind]
    statement: dict[str, Any] = {"actor": draw(actors), "verb": draw(verbs), "object": draw(obj)}
    optional = {
        "id": uuids,
        "result": results,
        "context": contexts(kind == "activity", v2),
        "timestamp": timestamps,
        "stored": timestamps,
        "version": st.just(version),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            statement[key] = draw(strategy)
    return statement


VERSIONS = st.sampled_from(["1.0.3", "2.0.0"])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_valid_statements_validate_clean(data: st.DataObject) -> None:
    version = data.draw(VERSIONS)
    statement = data.draw(statements(version))
    report = validate(statement, version)
    assert report.errors == []
    assert report.warnings == []


def _delete(*keys: str) -> Any:
    def apply(s: dict[str, Any]) -> None:
        target = s
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return apply


def _set(value: Any, *keys: str) -> Any:
    def apply(s: dict[str, Any]) -> None:
        target = s
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return apply


def _strip_ifis(s: dict[str, Any]) -> None:
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        s["actor"].pop(key, None)


BREAKS = [
    (_delete("actor"), ("$.actor", "property.missing")),
    (_delete("verb"), ("$.verb", "property.missing")),
    (_delete("object"), ("$.object", "property.missing")),
    (_delete("verb", "id"), ("$.verb.id", "property.missing")),
    (_set("attended", "verb", "id"), ("$.verb.id", "iri.not_absolute")),
    (_set(None, "actor"), ("$.actor", "value.null")),
    (_set({}, "verb"), ("$.verb", "value.empty")),
    (_set("statement-1", "id"), ("$.id", "uuid.invalid")),
    (_set("01/05/2024 09:30", "timestamp"), ("$.timestamp", "timestamp.invalid")),
    (_set("1.1.0", "version"), ("$.version", "version.unsupported")),
    (_set(True, "extra"), ("$.extra", "property.unknown")),
]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_breaking_a_required_part_is_reported_at_its_path(data: st.DataObject) -> None:
    version = data.draw(VERSIONS)
    statement = data.draw(statements(version))
    statement.pop("context", None)  # context rules depend on the object; keep the break alone
    statement["verb"].setdefault("display", {"en": "did"})  # so no break leaves it empty
    brk, expected = data.draw(st.sampled_from(BREAKS))
    brk(statement)
    report = validate(statement, version)
    assert {(p.path, p.code) for p in report.errors} == {expected}


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_agent_without_identifier_or_activity_without_id_is_reported(data: st.DataObject) -> None:
    version = data.draw(VERSIONS)
    statement = data.draw(statements(version))
    statement.pop("context", None)
    statement["actor"] = data.draw(_agents(object_type=True))
    _strip_ifis(statement)
    activity = data.draw(activities)
    statement["object"] = {
        "objectType": "Activity",
        **{k: v for k, v in activity.items() if k != "id"},
    }
    report = validate(statement, version)
    assert {(p.path, p.code) for p in report.errors} == {
        ("$.actor", "ifi.count"),
        ("$.object.id", "property.missing"),
    }


KEYS = st.sampled_from(
    [
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
        "objectType",
        "mbox",
        "mbox_sha1sum",
        "openid",
        "account",
        "homePage",
        "name",
        "member",
        "display",
        "definition",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
        "description",
        "score",
        "scaled",
        "raw",
        "min",
        "max",
        "success",
        "completion",
        "response",
        "duration",
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "parent",
        "grouping",
        "category",
        "other",
        "revision",
        "platform",
        "language",
        "statement",
        "contextAgents",
        "contextGroups",
        "agent",
        "group",
        "relevantTypes",
        "usageType",
        "contentType",
        "length",
        "sha2",
        "fileUrl",
        "en",
    ]
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.sampled_from(
        [
            "Agent",
            "Group",
            "Activity",
            "StatementRef",
            "SubStatement",
            "contextAgent",
            "choice",
            "matching",
            "performance",
            "numeric",
            "likert",
            "fill-in",
            "2.0.0",
            "http://adlnet.gov/expapi/verbs/voided",
            "mailto:a@b.org",
            "a[,]b",
            "a[.]b",
            "1[:]2",
            "{case_matters=true}",
            "PT1H",
            "2024-05-01T09:30:00",
        ]
    ),
)
ANY_JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(ANY_JSON, VERSIONS)
def test_validate_never_raises_and_every_problem_is_well_formed(value: Any, version: str) -> None:
    report = validate(value, version)
    for problem in report.problems:
        assert problem.path.startswith("$")
        assert problem.code.count(".") == 1
        assert problem.message.endswith(".")
    assert report.ok == (not report.errors)
