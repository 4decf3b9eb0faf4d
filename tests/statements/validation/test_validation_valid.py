"""Valid edge cases the spec allows must pass clean; SHOULDs come back as warnings."""

from __future__ import annotations

from typing import Any

import pytest
from validation_samples import (
    DELETE,
    OTHER_ID,
    SESSION,
    activity_with,
    bent,
    interaction,
    sub_statement,
    valid_statement,
    with_,
)

from statements.validation import validate, validate_many

BOB = {"objectType": "Agent", "mbox": "mailto:bob@example.org"}
CAROL = {"account": {"homePage": "https://moodle.example.org", "name": "77"}}
TYPE_IRI = "http://id.tincanapi.com/activitytype/mentor"
ATT = {
    "usageType": "http://id.tincanapi.com/attachment/supporting_media",
    "display": {"en": "Slides", "nl": "Dia's"},
    "description": {"en": "What we showed"},
    "contentType": "application/pdf; charset=binary",
    "length": 0,
    "sha2": "ab" * 32,
    "fileUrl": "https://files.example.org/slides.pdf",
}


def _no_platform(*changes: tuple[tuple[Any, ...], Any]) -> Any:
    return with_((("context", "platform"), DELETE), *changes)


VALID: list[tuple[str, str, Any]] = [
    ("full-statement", "1.0.3", with_()),
    ("minimal", "1.0.3", lambda s: [s.pop(k) for k in ("id", "result", "context", "version")]),
    (
        "identified-group-with-members",
        "1.0.3",
        with_(
            (
                ("actor",),
                {
                    "objectType": "Group",
                    "name": "Sales",
                    "mbox": "mailto:sales@example.org",
                    "member": [BOB, CAROL],
                },
            )
        ),
    ),
    (
        "identified-group-no-members",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "openid": "https://sales.example.org/"})),
    ),
    (
        "anonymous-group",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "member": [BOB, CAROL]})),
    ),
    ("sha1-agent", "1.0.3", with_((("actor",), {"mbox_sha1sum": "AB" * 20}))),
    ("openid-agent", "1.0.3", with_((("actor",), {"openid": "https://ada.example.org/"}))),
    ("agent-object", "1.0.3", _no_platform((("object",), BOB))),
    (
        "group-object",
        "1.0.3",
        _no_platform((("object",), {"objectType": "Group", "member": [BOB]})),
    ),
    (
        "statement-ref-object",
        "1.0.3",
        _no_platform((("object",), {"objectType": "StatementRef", "id": OTHER_ID})),
    ),
    (
        "voiding",
        "1.0.3",
        lambda s: s.update(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": OTHER_ID},
            context={"registration": OTHER_ID},
        ),
    ),
    (
        "substatement",
        "1.0.3",
        _no_platform(
            (
                ("object",),
                sub_statement(
                    result={"completion": False},
                    context={"platform": "x", "instructor": BOB},
                    timestamp="2099-01-01T00:00:00Z",
                    attachments=[ATT],
                ),
            )
        ),
    ),
    ("activity-without-object-type", "1.0.3", with_((("object", "objectType"), DELETE))),
    ("true-false", "1.0.3", activity_with(interaction("true-false", ["false"]))),
    (
        "choice",
        "1.0.3",
        activity_with(
            interaction("choice", ["golf[,]tetris", "golf"], choices=["golf", "tetris", "chess"])
        ),
    ),
    ("choice-no-correct-answer", "1.0.3", activity_with(interaction("choice", [], choices=["a"]))),
    (
        "fill-in",
        "1.0.3",
        activity_with(
            interaction(
                "fill-in",
                ["{case_matters=false}{order_matters=false}{lang=en}colour[,]{lang=en-US}color"],
            )
        ),
    ),
    (
        "long-fill-in",
        "1.0.3",
        activity_with(
            interaction(
                "long-fill-in", ["{case_matters=true}{lang=nl}Een lang antwoord, met komma's."]
            )
        ),
    ),
    (
        "likert",
        "1.0.3",
        activity_with(
            interaction("likert", ["likert_3"], scale=["likert_1", "likert_2", "likert_3"])
        ),
    ),
    (
        "matching",
        "1.0.3",
        activity_with(
            interaction(
                "matching", ["ben[.]3[,]chris[.]2"], source=["ben", "chris"], target=["2", "3"]
            )
        ),
    ),
    (
        "performance",
        "1.0.3",
        activity_with(
            interaction(
                "performance",
                ["pong[.]1:[,]dg[.]:10[,]lunch[.]", "pong[.]1[:]5[,]dg[.][:]10"],
                steps=["pong", "dg", "lunch"],
            )
        ),
    ),
    (
        "sequencing",
        "1.0.3",
        activity_with(
            interaction("sequencing", ["tim[,]mike[,]ells"], choices=["tim", "mike", "ells"])
        ),
    ),
    (
        "numeric-range",
        "1.0.3",
        activity_with(interaction("numeric", ["4[:]6", "[:]0", "-1.5[:]", "42", "1e3"])),
    ),
    ("other", "1.0.3", activity_with(interaction("other", ["(35.9, -86.4)"]))),
    (
        "interaction-without-pattern",
        "1.0.3",
        activity_with({"interactionType": "likert", "scale": [{"id": "1"}]}),
    ),
    ("attachments", "1.0.3", with_((("attachments",), [ATT, {**ATT, "sha2": "cd" * 64}]))),
    (
        "extensions-with-nulls-and-empties",
        "1.0.3",
        with_(
            (
                ("context", "extensions"),
                {
                    "https://x.example.org/a": None,
                    "https://x.example.org/b": "",
                    "https://x.example.org/c": {},
                    "https://x.example.org/d": [],
                    "urn:x:e": {"k": None},
                },
            ),
            (("result", "extensions"), {}),
        ),
    ),
    (
        "single-context-activity",
        "1.0.3",
        with_(
            (
                ("context", "contextActivities"),
                {
                    "parent": {"id": SESSION},
                    "other": [],
                    "grouping": [{"id": "urn:uuid:" + OTHER_ID}],
                },
            )
        ),
    ),
    (
        "team-and-statement",
        "1.0.3",
        with_(
            (("context", "team"), {"objectType": "Group", "member": [BOB]}),
            (("context", "statement"), {"objectType": "StatementRef", "id": OTHER_ID}),
        ),
    ),
    (
        "language-tags",
        "1.0.3",
        with_(
            (
                ("verb", "display"),
                {
                    "zh-Hant-TW": "x",
                    "sgn-BE-FR": "x",
                    "de-CH-1996": "x",
                    "x-klingon": "x",
                    "es-419": "x",
                    "en-a-bbb-x-a-ccc": "x",
                    "i-klingon": "x",
                },
            )
        ),
    ),
    ("score-only-scaled", "1.0.3", with_((("result", "score"), {"scaled": -1}))),
    ("durations", "1.0.3", with_((("result", "duration"), "P1Y2M3DT4H5M6.75S"))),
    ("week-duration", "1.0.3", with_((("result", "duration"), "P2W"))),
    (
        "authority-oauth-pair",
        "1.0.3",
        with_((("authority",), {"objectType": "Group", "member": [BOB, CAROL]})),
    ),
    (
        "stored-and-authority",
        "1.0.3",
        with_((("stored",), "2024-05-01T07:30:01.123456Z"), (("authority",), BOB)),
    ),
    ("version-1.0.0", "1.0.3", with_((("version",), "1.0.0"))),
    (
        "v2-context-agents-groups",
        "2.0.0",
        with_(
            (("version",), "2.0.0"),
            (
                ("context", "contextAgents"),
                [
                    {"objectType": "contextAgent", "agent": BOB, "relevantTypes": [TYPE_IRI]},
                    {"objectType": "contextAgent", "agent": CAROL},
                ],
            ),
            (
                ("context", "contextGroups"),
                [
                    {
                        "objectType": "contextGroup",
                        "group": {"objectType": "Group", "member": [BOB]},
                        "relevantTypes": [TYPE_IRI],
                    }
                ],
            ),
        ),
    ),
    ("v2-accepts-1.0.3-version", "2.0.0", with_()),
    (
        "v2-timestamp-offset",
        "2.0.0",
        with_((("version",), "2.0.0"), (("timestamp",), "2024-05-01T09:30:00.5-05:00")),
    ),
]


@pytest.mark.parametrize(("version", "mutation"), [pytest.param(v, m, id=n) for n, v, m in VALID])
def test_valid_statement_has_no_problem(version: str, mutation: Any) -> None:
    report = validate(bent(mutation), version)
    assert report.ok, [str(p) for p in report.errors]
    assert report.warnings == []


WARNINGS: list[tuple[str, str, Any, tuple[str, str]]] = [
    (
        "timestamp-no-zone-1.0.3",
        "1.0.3",
        with_((("timestamp",), "2024-05-01T09:30:00.000")),
        ("$.timestamp", "timestamp.no_timezone"),
    ),
    (
        "timestamp-basic-format",
        "1.0.3",
        with_((("timestamp",), "20240501T093000Z")),
        ("$.timestamp", "timestamp.not_rfc3339"),
    ),
    (
        "timestamp-no-seconds",
        "1.0.3",
        with_((("timestamp",), "2024-05-01T09:30+02:00")),
        ("$.timestamp", "timestamp.not_rfc3339"),
    ),
    (
        "timestamp-future",
        "1.0.3",
        with_((("timestamp",), "2999-01-01T00:00:00Z")),
        ("$.timestamp", "timestamp.future"),
    ),
    (
        "uuid-not-variant-2",
        "1.0.3",
        with_((("id",), "2a0f1a5e-2f0e-4c54-cd7e-43f1b9b6a001")),
        ("$.id", "uuid.variant"),
    ),
    (
        "component-id-space",
        "1.0.3",
        activity_with(interaction("choice", ["a b"], choices=["a b"])),
        ("$.object.definition.choices[0].id", "interaction.id_whitespace"),
    ),
]


@pytest.mark.parametrize(
    ("version", "mutation", "expected"), [pytest.param(v, m, e, id=n) for n, v, m, e in WARNINGS]
)
def test_should_rules_are_warnings_only(
    version: str, mutation: Any, expected: tuple[str, str]
) -> None:
    report = validate(bent(mutation), version)
    assert report.ok, [str(p) for p in report.errors]
    assert [(p.path, p.code, p.severity) for p in report.warnings] == [(*expected, "warning")]


def test_every_problem_is_collected_not_just_the_first() -> None:
    statement = valid_statement()
    statement["id"] = "nope"
    statement["actor"] = {"mbox": "ada@example.org", "openid": "x"}
    statement["verb"]["id"] = "attended"
    statement["result"]["score"]["scaled"] = 2
    statement["context"]["language"] = "english language"
    statement["timestamp"] = "2024-05-01T09:30:00"
    report = validate(statement)
    assert {(p.path, p.code) for p in report.errors} == {
        ("$.id", "uuid.invalid"),
        ("$.actor", "ifi.count"),
        ("$.actor.mbox", "ifi.mbox_scheme"),
        ("$.actor.openid", "iri.not_absolute"),
        ("$.verb.id", "iri.not_absolute"),
        ("$.result.score.scaled", "score.scaled_range"),
        ("$.context.language", "language.invalid_tag"),
    }
    assert [(p.path, p.code) for p in report.warnings] == [("$.timestamp", "timestamp.no_timezone")]
    assert len(report.problems) == 8


def test_validate_many_keeps_order_and_version() -> None:
    good = valid_statement()
    bad = bent(with_((("verb",), DELETE)))
    v2_only = bent(
        with_((("context", "contextAgents"), [{"objectType": "contextAgent", "agent": BOB}]))
    )
    reports = validate_many([good, bad, v2_only], "2.0.0")
    assert [r.ok for r in reports] == [True, False, True]
    assert [r.ok for r in validate_many([good, bad, v2_only])] == [True, False, False]


def test_validation_does_not_change_the_statement() -> None:
    statement = bent(with_((("actor",), {"member": [{}]})))
    before = repr(statement)
    validate(statement)
    assert repr(statement) == before


def test_unsupported_version_argument_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match=r"1\.0\.3 or 2\.0\.0"):
        validate(valid_statement(), "0.9")


def test_deeply_nested_extension_values_are_not_walked() -> None:
    deep: Any = None
    for _ in range(5000):
        deep = [deep]
    statement = valid_statement()
    statement["context"]["extensions"] = {"https://x.example.org/deep": deep}
    assert validate(statement).ok


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({1: "x"}, [("$[1]", "json.key_not_string")]),
        ({"actor": {2: "y"}}, [("$.actor[2]", "json.key_not_string")]),
        ({"context": {"extensions": {3: 1}}}, [("$.context.extensions[3]", "json.key_not_string")]),
        (
            {"verb": {"display": {("en",): "x"}}},
            [("$.verb.display[('en',)]", "json.key_not_string")],
        ),
    ],
)
def test_python_values_json_cannot_hold_are_reported_not_raised(
    statement: Any, expected: list[tuple[str, str]]
) -> None:
    assert [(p.path, p.code) for p in validate(statement).errors] == expected
