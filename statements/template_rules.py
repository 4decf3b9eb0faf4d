"""Statement Template rules (xAPI Profiles 1.0, part two section 8.1) from our specs.

Rules say only what holds in BOTH xAPI 1.0.3 and 2.0.0: 2.0-only parts
(``contextAgents``, ``contextGroups``) get ``recommended`` rules, which bind
only when the part is present.
"""

from __future__ import annotations

from typing import Any

from statements import vocabulary as v
from statements.template_specs import Presence, TemplateSpec

Rule = dict[str, Any]


def ext(key: str) -> str:
    """JSONPath member access for an extension key (IRIs hold dots and slashes)."""
    return f"['{key}']"


def _rule(location: str, presence: Presence | None = None, note: str = "", **sets: Any) -> Rule:
    rule: Rule = {"location": location}
    if presence:
        rule["presence"] = presence
    rule.update({k: list(val) for k, val in sets.items()})
    if note:
        rule["scopeNote"] = {"en": note}
    return rule


def rules_for(spec: TemplateSpec, base: str) -> list[Rule]:
    """Every rule of one template, in a stable order."""
    rules = [
        _rule("$.id", "included", "Fixed when the record is made, so resends are identical."),
        _rule("$.timestamp", "included", "When it happened, with time zone and milliseconds."),
        _rule("$.actor.objectType", "included", all=["Agent"]),
        _rule(
            "$.actor.account | $.actor.mbox | $.actor.mbox_sha1sum",
            "included",
            "An account {homePage, name} by default (as Moodle's log store); an mbox only "
            "where the platform opted in to email addresses, else its mbox_sha1sum.",
        ),
        _rule("$.verb.display.en", "included"),
        _rule("$.verb.display.nl", "included"),
        _rule(
            "$.context.contextActivities.category[*].id",
            "included",
            "The profile version IRI marks the statement as leader-led learning.",
            any=[v.version_iri(base)],
        ),
        _rule(
            f"$.context.extensions{ext(v.LEARNING_MODE.iri(base))}",
            "included",
            all=[spec.learning_mode],
        ),
    ]
    rules += _object_rules(spec, base)
    rules += _context_rules(spec, base)
    rules += _result_rules(spec, base)
    return rules


def _object_rules(spec: TemplateSpec, base: str) -> list[Rule]:
    if spec.object_kind == "StatementRef":
        return [
            _rule("$.object.objectType", "included", all=["StatementRef"]),
            _rule("$.object.id", "included", "The id of the statement being corrected."),
        ]
    rules = [
        _rule("$.object.objectType", "included", all=["Activity"]),
        _rule("$.object.definition.name", "included"),
    ]
    if spec.object_types_any:
        rules.append(
            _rule(
                "$.object.definition.type",
                "included",
                any=[t.iri(base) for t in spec.object_types_any],
            )
        )
    for term, presence in spec.object_extensions:
        rules.append(_rule(f"$.object.definition.extensions{ext(term.iri(base))}", presence))
    return rules


def _context_rules(spec: TemplateSpec, base: str) -> list[Rule]:
    rules: list[Rule] = []
    if spec.instructor:
        rules.append(_rule("$.context.instructor", spec.instructor))
    if spec.registration:
        rules.append(
            _rule(
                "$.context.registration",
                spec.registration,
                "Shared by the statements of one mentoring relationship or trainer pairing.",
            )
        )
    for term, presence in spec.context_extensions:
        location = f"$.context.extensions{ext(term.iri(base))}"
        rules.append(_rule(location, presence))
        if term is v.LEARNER:
            rules.append(_rule(location + ".objectType", presence, all=["Agent"]))
    if spec.topic:
        rules.append(
            _rule(
                "$.context.contextActivities.category[*].definition.type",
                spec.topic,
                "One topic category: products, services, distribution channels, market "
                "dynamics, operations or one of the organisation's own.",
                any=[v.TOPIC_CATEGORY.iri(base)],
            )
        )
    if spec.grouping_any:
        rules.append(
            _rule(
                "$.context.contextActivities.grouping[*].definition.type",
                "recommended",
                all=[t.iri(base) for t in spec.grouping_any],
            )
        )
    if spec.other_any:
        rules.append(
            _rule(
                "$.context.contextActivities.other[*].definition.type",
                "recommended",
                all=[t.iri(base) for t in spec.other_any],
            )
        )
    if spec.context_agent_roles:
        rules.append(
            _rule(
                "$.context.contextAgents[*].relevantTypes[*]",
                "recommended",
                "xAPI 2.0.0 only.",
                all=[t.iri(base) for t in spec.context_agent_roles],
            )
        )
    if spec.context_group_roles:
        rules.append(
            _rule(
                "$.context.contextGroups[*].relevantTypes[*]",
                "recommended",
                "xAPI 2.0.0 only.",
                all=[t.iri(base) for t in spec.context_group_roles],
            )
        )
    return rules


def _result_rules(spec: TemplateSpec, base: str) -> list[Rule]:
    rules: list[Rule] = []
    if spec.duration:
        rules.append(_rule("$.result.duration", spec.duration, "Time spent, ISO 8601."))
    if spec.score:
        rules += [
            _rule("$.result.score.raw", "included", "The rating on the scale min..max."),
            _rule("$.result.score.min", "included"),
            _rule("$.result.score.max", "included"),
            _rule("$.result.score.scaled", "included", "(raw - min) / (max - min)."),
        ]
    if spec.success:
        rules += [
            _rule("$.result.success", "included", all=[True]),
            _rule("$.result.completion", "included", all=[True]),
        ]
    for term, presence in spec.result_extensions:
        rules.append(_rule(f"$.result.extensions{ext(term.iri(base))}", presence))
    return rules
