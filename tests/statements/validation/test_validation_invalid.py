"""Invalid statements, one broken rule each, from the xAPI 1.0.3 / 2.0.0 Data part.

Each case asserts the exact set of ``(path, code)`` errors, so a rule that
reports at the wrong place, reports twice or drags in a spurious error fails.
"""

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
    with_,
)

from statements.validation import validate

AGENT = {"objectType": "Agent", "mbox": "mailto:someone@example.org"}
BOB = {"mbox": "mailto:bob@example.org"}
ANON = {"objectType": "Group", "member": [BOB]}
STATEMENT_REF = {"objectType": "StatementRef", "id": OTHER_ID}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
CHOICE = ("choices", ["a", "b"])
ATT = {
    "usageType": "http://id.tincanapi.com/attachment/supporting_media",
    "display": {"en": "Slides"},
    "contentType": "application/pdf",
    "length": 10,
    "sha2": "ab" * 32,
}
CA = ("context", "contextAgents")
CG = ("context", "contextGroups")
TYPE_IRI = "http://id.tincanapi.com/activitytype/mentor"


def _no_platform(*changes: tuple[tuple[Any, ...], Any]) -> Any:
    return with_((("context", "platform"), DELETE), *changes)


def _attachment(**changes: Any) -> Any:
    item = dict(ATT)
    for key, value in changes.items():
        if value is DELETE:
            del item[key]
        else:
            item[key] = value
    return with_((("attachments",), [item]))


# (case id, version, mutation, expected errors as (path, code))
CASES: list[tuple[str, str, Any, set[tuple[str, str]]]] = [
    # statement level
    ("missing-actor", "1.0.3", with_((("actor",), DELETE)), {("$.actor", "property.missing")}),
    ("missing-verb", "1.0.3", with_((("verb",), DELETE)), {("$.verb", "property.missing")}),
    ("missing-object", "1.0.3", with_((("object",), DELETE)), {("$.object", "property.missing")}),
    ("unknown-top", "1.0.3", with_((("actors",), {})), {("$.actors", "property.unknown")}),
    ("id-not-uuid", "1.0.3", with_((("id",), "statement-1")), {("$.id", "uuid.invalid")}),
    ("id-null", "1.0.3", with_((("id",), None)), {("$.id", "value.null")}),
    ("id-number", "1.0.3", with_((("id",), 12)), {("$.id", "type.string")}),
    (
        "version-old",
        "1.0.3",
        with_((("version",), "0.95.0")),
        {("$.version", "version.unsupported")},
    ),
    (
        "version-2-on-1",
        "1.0.3",
        with_((("version",), "2.0.0")),
        {("$.version", "version.unsupported")},
    ),
    (
        "version-not-semver",
        "1.0.3",
        with_((("version",), "1.0")),
        {("$.version", "version.invalid")},
    ),
    (
        "version-3-on-2",
        "2.0.0",
        with_((("version",), "3.0.0")),
        {("$.version", "version.unsupported")},
    ),
    (
        "stored-garbage",
        "1.0.3",
        with_((("stored",), "yesterday")),
        {("$.stored", "timestamp.invalid")},
    ),
    (
        "timestamp-feb-30",
        "1.0.3",
        with_((("timestamp",), "2023-02-29T10:00:00Z")),
        {("$.timestamp", "timestamp.invalid")},
    ),
    (
        "timestamp-hour-25",
        "1.0.3",
        with_((("timestamp",), "2024-05-01T25:00:00Z")),
        {("$.timestamp", "timestamp.invalid")},
    ),
    (
        "timestamp-date-only",
        "1.0.3",
        with_((("timestamp",), "2024-05-01")),
        {("$.timestamp", "timestamp.invalid")},
    ),
    (
        "timestamp-no-zone-2.0",
        "2.0.0",
        with_((("timestamp",), "2024-05-01T09:30:00.000"), (("version",), "2.0.0")),
        {("$.timestamp", "timestamp.no_timezone")},
    ),
    ("timestamp-empty", "1.0.3", with_((("timestamp",), "")), {("$.timestamp", "value.empty")}),
    # actor and identifiers
    (
        "agent-two-ifis",
        "1.0.3",
        with_((("actor", "mbox"), "mailto:ada@example.org")),
        {("$.actor", "ifi.count")},
    ),
    ("agent-no-ifi", "1.0.3", with_((("actor", "account"), DELETE)), {("$.actor", "ifi.count")}),
    (
        "mbox-no-mailto",
        "1.0.3",
        with_((("actor",), {"mbox": "ada@example.org"})),
        {("$.actor.mbox", "ifi.mbox_scheme")},
    ),
    (
        "mbox-no-address",
        "1.0.3",
        with_((("actor",), {"mbox": "mailto:ada"})),
        {("$.actor.mbox", "ifi.mbox_invalid")},
    ),
    (
        "sha1-short",
        "1.0.3",
        with_((("actor",), {"mbox_sha1sum": "ab" * 19 + "a"})),
        {("$.actor.mbox_sha1sum", "ifi.sha1_invalid")},
    ),
    (
        "sha1-not-hex",
        "1.0.3",
        with_((("actor",), {"mbox_sha1sum": "zz" * 20})),
        {("$.actor.mbox_sha1sum", "ifi.sha1_invalid")},
    ),
    (
        "openid-relative",
        "1.0.3",
        with_((("actor",), {"openid": "ada.example.org"})),
        {("$.actor.openid", "iri.not_absolute")},
    ),
    (
        "homepage-relative",
        "1.0.3",
        with_((("actor", "account", "homePage"), "moodle.example.org")),
        {("$.actor.account.homePage", "iri.not_absolute")},
    ),
    (
        "account-no-name",
        "1.0.3",
        with_((("actor", "account", "name"), DELETE)),
        {("$.actor.account.name", "property.missing")},
    ),
    (
        "account-name-null",
        "1.0.3",
        with_((("actor", "account", "name"), None)),
        {("$.actor.account.name", "value.null")},
    ),
    (
        "account-extra",
        "1.0.3",
        with_((("actor", "account", "id"), "7")),
        {("$.actor.account.id", "property.unknown")},
    ),
    (
        "account-empty",
        "1.0.3",
        with_((("actor", "account"), {})),
        {("$.actor.account", "value.empty")},
    ),
    (
        "actor-type-person",
        "1.0.3",
        with_((("actor", "objectType"), "Person")),
        {("$.actor.objectType", "object_type.invalid")},
    ),
    (
        "actor-name-empty",
        "1.0.3",
        with_((("actor", "name"), "")),
        {("$.actor.name", "value.empty")},
    ),
    (
        "actor-name-number",
        "1.0.3",
        with_((("actor", "name"), 7)),
        {("$.actor.name", "type.string")},
    ),
    ("actor-not-object", "1.0.3", with_((("actor",), "ada")), {("$.actor", "type.object")}),
    (
        "anon-group-no-member",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "name": "Team"})),
        {("$.actor.member", "property.missing")},
    ),
    (
        "anon-group-empty-member",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "member": []})),
        {("$.actor.member", "group.no_members")},
    ),
    (
        "group-member-group",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "member": [ANON]})),
        {("$.actor.member[0].objectType", "group.nested_group")},
    ),
    (
        "group-no-object-type",
        "1.0.3",
        with_((("actor",), {"member": [BOB]})),
        {("$.actor.objectType", "object_type.missing")},
    ),
    (
        "group-two-ifis",
        "1.0.3",
        with_(
            (
                ("actor",),
                {
                    "objectType": "Group",
                    "mbox": "mailto:t@example.org",
                    "openid": "https://t.example.org/",
                },
            )
        ),
        {("$.actor", "ifi.count")},
    ),
    (
        "group-member-no-ifi",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "member": [BOB, {"name": "Nobody"}]})),
        {("$.actor.member[1]", "ifi.count")},
    ),
    (
        "group-member-not-array",
        "1.0.3",
        with_((("actor",), {"objectType": "Group", "mbox": "mailto:t@example.org", "member": BOB})),
        {("$.actor.member", "type.array")},
    ),
    # verb
    ("verb-no-id", "1.0.3", with_((("verb", "id"), DELETE)), {("$.verb.id", "property.missing")}),
    (
        "verb-id-relative",
        "1.0.3",
        with_((("verb", "id"), "attended")),
        {("$.verb.id", "iri.not_absolute")},
    ),
    (
        "verb-id-space",
        "1.0.3",
        with_((("verb", "id"), "http://example.org/my verb")),
        {("$.verb.id", "iri.invalid")},
    ),
    (
        "verb-id-bad-escape",
        "1.0.3",
        with_((("verb", "id"), "http://example.org/a%zz")),
        {("$.verb.id", "iri.invalid")},
    ),
    (
        "verb-id-http-no-host",
        "1.0.3",
        with_((("verb", "id"), "http:///attended")),
        {("$.verb.id", "iri.invalid")},
    ),
    (
        "verb-display-tag",
        "1.0.3",
        with_((("verb", "display", "en_US"), "attended")),
        {("$.verb.display['en_US']", "language.invalid_tag")},
    ),
    (
        "verb-display-empty-text",
        "1.0.3",
        with_((("verb", "display", "en"), "")),
        {("$.verb.display['en']", "value.empty")},
    ),
    (
        "verb-display-empty",
        "1.0.3",
        with_((("verb", "display"), {})),
        {("$.verb.display", "value.empty")},
    ),
    (
        "verb-display-list",
        "1.0.3",
        with_((("verb", "display"), ["attended"])),
        {("$.verb.display", "type.object")},
    ),
    (
        "verb-extra",
        "1.0.3",
        with_((("verb", "name"), "attended")),
        {("$.verb.name", "property.unknown")},
    ),
    # objects
    (
        "agent-object-no-object-type",
        "1.0.3",
        _no_platform((("object",), {"mbox": "mailto:bob@example.org"})),
        {("$.object.objectType", "object_type.missing")},
    ),
    (
        "activity-no-id",
        "1.0.3",
        with_((("object", "id"), DELETE)),
        {("$.object.id", "property.missing")},
    ),
    (
        "object-type-course",
        "1.0.3",
        with_((("object", "objectType"), "Course")),
        {("$.object.objectType", "object_type.invalid")},
    ),
    (
        "agent-object-no-ifi",
        "1.0.3",
        _no_platform((("object",), {"objectType": "Agent", "name": "Bob"})),
        {("$.object", "ifi.count")},
    ),
    (
        "statementref-bad-id",
        "1.0.3",
        _no_platform((("object",), {"objectType": "StatementRef", "id": "abc"})),
        {("$.object.id", "uuid.invalid")},
    ),
    (
        "statementref-definition",
        "1.0.3",
        _no_platform((("object",), {**STATEMENT_REF, "definition": {"name": {"en": "x"}}})),
        {("$.object.definition", "property.unknown")},
    ),
    (
        "definition-type-relative",
        "1.0.3",
        with_((("object", "definition", "type"), "meeting")),
        {("$.object.definition.type", "iri.not_absolute")},
    ),
    (
        "definition-moreinfo-quote",
        "1.0.3",
        with_((("object", "definition", "moreInfo"), 'https://example.org/"x"')),
        {("$.object.definition.moreInfo", "iri.invalid")},
    ),
    (
        "definition-extension-key",
        "1.0.3",
        with_((("object", "definition", "extensions", "topic"), "x")),
        {("$.object.definition.extensions['topic']", "iri.not_absolute")},
    ),
    (
        "definition-extra",
        "1.0.3",
        with_((("object", "definition", "title"), "x")),
        {("$.object.definition.title", "property.unknown")},
    ),
    (
        "definition-name-null",
        "1.0.3",
        with_((("object", "definition", "name"), None)),
        {("$.object.definition.name", "value.null")},
    ),
    (
        "definition-empty",
        "1.0.3",
        with_((("object", "definition"), {})),
        {("$.object.definition", "value.empty")},
    ),
    # SubStatement
    (
        "sub-with-id",
        "1.0.3",
        _no_platform((("object",), sub_statement(id=OTHER_ID))),
        {("$.object.id", "substatement.forbidden_property")},
    ),
    (
        "sub-with-stored",
        "1.0.3",
        _no_platform((("object",), sub_statement(stored="2024-05-01T09:30:00Z"))),
        {("$.object.stored", "substatement.forbidden_property")},
    ),
    (
        "sub-with-version",
        "1.0.3",
        _no_platform((("object",), sub_statement(version="1.0.3"))),
        {("$.object.version", "substatement.forbidden_property")},
    ),
    (
        "sub-with-authority",
        "1.0.3",
        _no_platform((("object",), sub_statement(authority=BOB))),
        {("$.object.authority", "substatement.forbidden_property")},
    ),
    (
        "sub-nested",
        "1.0.3",
        _no_platform((("object",), sub_statement(object=sub_statement()))),
        {("$.object.object.objectType", "substatement.nested")},
    ),
    (
        "sub-no-verb",
        "1.0.3",
        _no_platform((("object",), sub_statement()), (("object", "verb"), DELETE)),
        {("$.object.verb", "property.missing")},
    ),
    (
        "sub-platform-agent-object",
        "1.0.3",
        _no_platform((("object",), sub_statement(object=AGENT, context={"platform": "x"}))),
        {("$.object.context.platform", "context.activity_only")},
    ),
    (
        "sub-timestamp-invalid",
        "1.0.3",
        _no_platform((("object",), sub_statement(timestamp="soon"))),
        {("$.object.timestamp", "timestamp.invalid")},
    ),
    # voiding
    (
        "void-activity",
        "1.0.3",
        with_((("verb", "id"), VOIDED)),
        {("$.object", "voiding.object_not_statementref")},
    ),
    (
        "void-agent",
        "1.0.3",
        _no_platform((("verb", "id"), VOIDED), (("object",), AGENT)),
        {("$.object", "voiding.object_not_statementref")},
    ),
    # interactions
    (
        "interaction-unknown-type",
        "1.0.3",
        activity_with(interaction("multiple-choice", ["a"])),
        {("$.object.definition.interactionType", "interaction.unknown_type")},
    ),
    (
        "interaction-choice-scale",
        "1.0.3",
        activity_with(interaction("choice", ["a"], choices=["a"], scale=["x"])),
        {("$.object.definition.scale", "interaction.component_not_allowed")},
    ),
    (
        "interaction-true-false-steps",
        "1.0.3",
        activity_with(interaction("true-false", ["true"], steps=["s"])),
        {("$.object.definition.steps", "interaction.component_not_allowed")},
    ),
    (
        "true-false-yes",
        "1.0.3",
        activity_with(interaction("true-false", ["yes"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "choice-unknown-id",
        "1.0.3",
        activity_with(interaction("choice", ["a[,]c"], choices=["a", "b"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_unknown_id")},
    ),
    (
        "choice-empty-item",
        "1.0.3",
        activity_with(interaction("choice", ["a[,][,]b"], choices=["a", "b"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "sequencing-unknown-id",
        "1.0.3",
        activity_with(interaction("sequencing", ["a[,]b", "b[,]z"], choices=["a", "b"])),
        {("$.object.definition.correctResponsesPattern[1]", "interaction.pattern_unknown_id")},
    ),
    (
        "likert-two-ids",
        "1.0.3",
        activity_with(interaction("likert", ["l1[,]l2"], scale=["l1", "l2"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "matching-no-pair",
        "1.0.3",
        activity_with(interaction("matching", ["s1"], source=["s1"], target=["t1"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "matching-unknown-target",
        "1.0.3",
        activity_with(interaction("matching", ["s1[.]t9"], source=["s1"], target=["t1"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_unknown_id")},
    ),
    (
        "performance-bad-range",
        "1.0.3",
        activity_with(interaction("performance", ["s1[.]x[:]y"], steps=["s1"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "numeric-reversed",
        "1.0.3",
        activity_with(interaction("numeric", ["5[:]1"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "numeric-word",
        "1.0.3",
        activity_with(interaction("numeric", ["five"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "fill-in-bad-flag",
        "1.0.3",
        activity_with(interaction("fill-in", ["{case_matters=maybe}Oslo"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "long-fill-in-order",
        "1.0.3",
        activity_with(interaction("long-fill-in", ["{order_matters=false}essay"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "fill-in-bad-lang",
        "1.0.3",
        activity_with(interaction("fill-in", ["{lang=en_GB}colour"])),
        {("$.object.definition.correctResponsesPattern[0]", "interaction.pattern_invalid")},
    ),
    (
        "pattern-not-string",
        "1.0.3",
        activity_with(interaction("numeric", [5])),
        {("$.object.definition.correctResponsesPattern[0]", "type.string")},
    ),
    (
        "patterns-not-array",
        "1.0.3",
        activity_with(interaction("true-false", "true")),
        {("$.object.definition.correctResponsesPattern", "type.array")},
    ),
    (
        "component-duplicate-id",
        "1.0.3",
        activity_with(interaction("choice", ["a"], choices=["a", "a"])),
        {("$.object.definition.choices[1].id", "interaction.duplicate_id")},
    ),
    (
        "component-no-id",
        "1.0.3",
        activity_with({**interaction("choice", []), "choices": [{"description": {"en": "A"}}]}),
        {("$.object.definition.choices[0].id", "property.missing")},
    ),
    (
        "component-extra",
        "1.0.3",
        activity_with({**interaction("choice", []), "choices": [{"id": "a", "label": "A"}]}),
        {("$.object.definition.choices[0].label", "property.unknown")},
    ),
    (
        "pattern-without-type",
        "1.0.3",
        activity_with({"correctResponsesPattern": ["true"]}),
        {("$.object.definition.interactionType", "property.missing")},
    ),
    # result
    (
        "scaled-above-1",
        "1.0.3",
        with_((("result", "score", "scaled"), 1.5)),
        {("$.result.score.scaled", "score.scaled_range")},
    ),
    (
        "scaled-below-minus-1",
        "1.0.3",
        with_((("result", "score", "scaled"), -1.01)),
        {("$.result.score.scaled", "score.scaled_range")},
    ),
    (
        "raw-below-min",
        "1.0.3",
        with_((("result", "score", "raw"), -1)),
        {("$.result.score.raw", "score.raw_range")},
    ),
    (
        "raw-above-max",
        "1.0.3",
        with_((("result", "score", "raw"), 6)),
        {("$.result.score.raw", "score.raw_range")},
    ),
    (
        "min-equals-max",
        "1.0.3",
        with_((("result", "score"), {"min": 3, "max": 3})),
        {("$.result.score.min", "score.min_max")},
    ),
    (
        "raw-boolean",
        "1.0.3",
        with_((("result", "score", "raw"), True)),
        {("$.result.score.raw", "type.number")},
    ),
    (
        "score-extra",
        "1.0.3",
        with_((("result", "score", "percent"), 80)),
        {("$.result.score.percent", "property.unknown")},
    ),
    (
        "success-string",
        "1.0.3",
        with_((("result", "success"), "yes")),
        {("$.result.success", "type.boolean")},
    ),
    (
        "duration-words",
        "1.0.3",
        with_((("result", "duration"), "1 hour")),
        {("$.result.duration", "duration.invalid")},
    ),
    (
        "duration-alternative",
        "1.0.3",
        with_((("result", "duration"), "P0000-00-00T01:30:00")),
        {("$.result.duration", "duration.invalid")},
    ),
    (
        "duration-bare-t",
        "1.0.3",
        with_((("result", "duration"), "PT")),
        {("$.result.duration", "duration.invalid")},
    ),
    (
        "duration-fraction-early",
        "1.0.3",
        with_((("result", "duration"), "PT1.5H30M")),
        {("$.result.duration", "duration.invalid")},
    ),
    ("result-empty", "1.0.3", with_((("result",), {})), {("$.result", "value.empty")}),
    (
        "result-extra",
        "1.0.3",
        with_((("result", "passed"), True)),
        {("$.result.passed", "property.unknown")},
    ),
    (
        "result-extension-key",
        "1.0.3",
        with_((("result", "extensions"), {"attempts": 1})),
        {("$.result.extensions['attempts']", "iri.not_absolute")},
    ),
    (
        "result-extensions-null",
        "1.0.3",
        with_((("result", "extensions"), None)),
        {("$.result.extensions", "value.null")},
    ),
    (
        "definition-extensions-list",
        "1.0.3",
        with_((("object", "definition", "extensions"), [])),
        {("$.object.definition.extensions", "type.object")},
    ),
    # context
    (
        "registration-not-uuid",
        "1.0.3",
        with_((("context", "registration"), "reg-1")),
        {("$.context.registration", "uuid.invalid")},
    ),
    (
        "revision-statementref",
        "1.0.3",
        _no_platform((("object",), STATEMENT_REF), (("context", "revision"), "2")),
        {("$.context.revision", "context.activity_only")},
    ),
    (
        "platform-agent-object",
        "1.0.3",
        with_((("object",), AGENT)),
        {("$.context.platform", "context.activity_only")},
    ),
    (
        "team-agent",
        "1.0.3",
        with_((("context", "team"), BOB)),
        {("$.context.team", "context.team_not_group")},
    ),
    (
        "instructor-no-ifi",
        "1.0.3",
        with_((("context", "instructor"), {"name": "Lead"})),
        {("$.context.instructor", "ifi.count")},
    ),
    (
        "context-activities-parents",
        "1.0.3",
        with_((("context", "contextActivities", "parents"), [{"id": SESSION}])),
        {("$.context.contextActivities.parents", "property.unknown")},
    ),
    (
        "category-no-id",
        "1.0.3",
        with_((("context", "contextActivities", "category"), [{"objectType": "Activity"}])),
        {("$.context.contextActivities.category[0].id", "property.missing")},
    ),
    (
        "parent-relative",
        "1.0.3",
        with_((("context", "contextActivities", "parent"), [{"id": "course/42"}])),
        {("$.context.contextActivities.parent[0].id", "iri.not_absolute")},
    ),
    (
        "grouping-single-bad",
        "1.0.3",
        with_((("context", "contextActivities", "grouping"), {"id": "g"})),
        {("$.context.contextActivities.grouping.id", "iri.not_absolute")},
    ),
    (
        "language-underscore",
        "1.0.3",
        with_((("context", "language"), "en_GB")),
        {("$.context.language", "language.invalid_tag")},
    ),
    (
        "language-repeated-singleton",
        "1.0.3",
        with_((("context", "language"), "en-a-bbb-a-ccc")),
        {("$.context.language", "language.invalid_tag")},
    ),
    (
        "context-statement-no-type",
        "1.0.3",
        with_((("context", "statement"), {"id": OTHER_ID})),
        {("$.context.statement.objectType", "property.missing")},
    ),
    (
        "context-extension-key",
        "1.0.3",
        with_((("context", "extensions", "attendees"), 3)),
        {("$.context.extensions['attendees']", "iri.not_absolute")},
    ),
    (
        "context-platform-null",
        "1.0.3",
        with_((("context", "platform"), None)),
        {("$.context.platform", "value.null")},
    ),
    (
        "context-agents-on-1.0.3",
        "1.0.3",
        with_((CA, [{"objectType": "contextAgent", "agent": BOB}])),
        {("$.context.contextAgents", "property.requires_2_0")},
    ),
    (
        "context-groups-on-1.0.3",
        "1.0.3",
        with_((CG, [{"objectType": "contextGroup", "group": ANON}])),
        {("$.context.contextGroups", "property.requires_2_0")},
    ),
    (
        "context-agent-type",
        "2.0.0",
        with_((CA, [{"objectType": "Agent", "agent": BOB}])),
        {("$.context.contextAgents[0].objectType", "object_type.invalid")},
    ),
    (
        "context-agent-no-type",
        "2.0.0",
        with_((CA, [{"agent": BOB}])),
        {("$.context.contextAgents[0].objectType", "property.missing")},
    ),
    (
        "context-agent-no-agent",
        "2.0.0",
        with_((CA, [{"objectType": "contextAgent", "relevantTypes": [TYPE_IRI]}])),
        {("$.context.contextAgents[0].agent", "property.missing")},
    ),
    (
        "context-agent-empty-types",
        "2.0.0",
        with_((CA, [{"objectType": "contextAgent", "agent": BOB, "relevantTypes": []}])),
        {("$.context.contextAgents[0].relevantTypes", "value.empty")},
    ),
    (
        "context-agent-type-relative",
        "2.0.0",
        with_((CA, [{"objectType": "contextAgent", "agent": BOB, "relevantTypes": ["mentor"]}])),
        {("$.context.contextAgents[0].relevantTypes[0]", "iri.not_absolute")},
    ),
    (
        "context-group-agent",
        "2.0.0",
        with_((CG, [{"objectType": "contextGroup", "group": BOB}])),
        {("$.context.contextGroups[0].group", "object_type.invalid")},
    ),
    (
        "context-agents-object",
        "2.0.0",
        with_((CA, {"objectType": "contextAgent", "agent": BOB})),
        {("$.context.contextAgents", "type.array")},
    ),
    # attachments
    (
        "attachment-no-sha2",
        "1.0.3",
        _attachment(sha2=DELETE),
        {("$.attachments[0].sha2", "property.missing")},
    ),
    (
        "attachment-no-display",
        "1.0.3",
        _attachment(display=DELETE),
        {("$.attachments[0].display", "property.missing")},
    ),
    (
        "attachment-length-string",
        "1.0.3",
        _attachment(length="10"),
        {("$.attachments[0].length", "type.integer")},
    ),
    (
        "attachment-length-negative",
        "1.0.3",
        _attachment(length=-1),
        {("$.attachments[0].length", "attachment.length")},
    ),
    (
        "attachment-content-type",
        "1.0.3",
        _attachment(contentType="pdf"),
        {("$.attachments[0].contentType", "attachment.content_type")},
    ),
    (
        "attachment-usage-relative",
        "1.0.3",
        _attachment(usageType="slides"),
        {("$.attachments[0].usageType", "iri.not_absolute")},
    ),
    (
        "attachment-sha2-short",
        "1.0.3",
        _attachment(sha2="abc"),
        {("$.attachments[0].sha2", "attachment.sha2")},
    ),
    (
        "attachment-file-url",
        "1.0.3",
        _attachment(fileUrl="files/slides.pdf"),
        {("$.attachments[0].fileUrl", "iri.not_absolute")},
    ),
    (
        "attachments-object",
        "1.0.3",
        with_((("attachments",), ATT)),
        {("$.attachments", "type.array")},
    ),
    (
        "attachment-signature-type",
        "1.0.3",
        _attachment(usageType="http://adlnet.gov/expapi/attachments/signature"),
        {("$.attachments[0].contentType", "attachment.signature_content_type")},
    ),
    # authority
    (
        "authority-group-without-members",
        "1.0.3",
        with_((("authority",), {"objectType": "Group", "mbox": "mailto:lms@example.org"})),
        {("$.authority", "authority.group")},
    ),
    (
        "authority-three-members",
        "1.0.3",
        with_((("authority",), {"objectType": "Group", "member": [BOB, BOB, BOB]})),
        {("$.authority", "authority.group")},
    ),
    (
        "authority-no-ifi",
        "1.0.3",
        with_((("authority",), {"name": "LMS"})),
        {("$.authority", "ifi.count")},
    ),
]


def test_cases_are_distinct_and_numerous() -> None:
    names = [case[0] for case in CASES]
    assert len(set(names)) == len(names)
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("version", "mutation", "expected"),
    [pytest.param(v, m, e, id=name) for name, v, m, e in CASES],
)
def test_invalid_statement_reports_exact_path_and_code(
    version: str, mutation: Any, expected: set[tuple[str, str]]
) -> None:
    statement = bent(mutation)
    if version == "2.0.0" and statement.get("version") == "1.0.3":
        statement["version"] = "2.0.0"
    report = validate(statement, version)
    assert {(p.path, p.code) for p in report.errors} == expected
    assert not report.ok
    assert all(p.severity == "error" and p.message for p in report.errors)


@pytest.mark.parametrize("statement", [None, [], "statement", 3, True])
def test_non_object_statement_is_one_error_at_root(statement: Any) -> None:
    report = validate(statement)
    assert [(p.path, p.code) for p in report.errors] == [("$", "type.object")]
