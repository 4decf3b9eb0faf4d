"""Does a statement match a template of a profile, and if not, which rule fails?

Follows the Statement Template validation algorithm of the xAPI Profiles
spec (part three, 2.1): a template applies when its determining properties
match; it then matches when every rule holds. Failures are reported in words,
one line per broken rule, naming the rule and its location.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from statements import vocabulary as v
from statements.jsonpath import evaluate
from statements.profile import build_profile

_UNMATCHABLE = object()
_CONTEXT_LISTS = {
    "contextGroupingActivityType": "grouping",
    "contextParentActivityType": "parent",
    "contextOtherActivityType": "other",
    "contextCategoryActivityType": "category",
}


@dataclass(frozen=True)
class TemplateVerdict:
    """``matched``: templates that apply and hold; ``failures``: templates that apply
    (determining properties match) but break rules, with why in words."""

    matched: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.matched) and not self.failures


def match_profile(
    statement: Mapping[str, Any], profile: dict[str, Any] | None = None
) -> TemplateVerdict:
    """Check ``statement`` against every template of ``profile``.

    Without a profile, ours is used, for the base the statement's category
    names (falling back to the default base).
    """
    if profile is None:
        profile = build_profile(_base_of(statement))
    normalised = _normalise(statement)
    matched: list[str] = []
    failures: dict[str, list[str]] = {}
    for template in profile.get("templates", []):
        if not _determining_properties_match(normalised, template):
            continue
        problems = template_problems(normalised, template)
        if problems:
            failures[template["id"]] = problems
        else:
            matched.append(template["id"])
    return TemplateVerdict(matched, failures)


def _base_of(statement: Mapping[str, Any]) -> str:
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, Mapping) else None
    category = activities.get("category") if isinstance(activities, Mapping) else None
    if isinstance(category, Mapping):
        category = [category]
    for activity in category if isinstance(category, list) else []:
        iri = activity.get("id") if isinstance(activity, Mapping) else None
        if isinstance(iri, str) and iri.endswith(v.VERSION_PATH):
            try:
                return v.normalise_base(iri.removesuffix(v.VERSION_PATH))
            except ValueError:
                continue
    return v.DEFAULT_PROFILE_BASE


def _normalise(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with singleton contextActivities made into lists, as the spec requires."""
    copy: dict[str, Any] = json.loads(json.dumps(statement))
    context = copy.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict):
        for key, value in activities.items():
            if isinstance(value, dict):
                activities[key] = [value]
    return copy


def _types_in(statement: Mapping[str, Any], where: str) -> set[str]:
    return {t for t in evaluate(statement, where) if isinstance(t, str)}


def _determining_properties_match(
    statement: Mapping[str, Any], template: Mapping[str, Any]
) -> bool:
    if "verb" in template and evaluate(statement, "$.verb.id") != [template["verb"]]:
        return False
    wanted_type = template.get("objectActivityType")
    if wanted_type and evaluate(statement, "$.object.definition.type") != [wanted_type]:
        return False
    for key, list_name in _CONTEXT_LISTS.items():
        wanted = template.get(key)
        if wanted:
            where = f"$.context.contextActivities.{list_name}[*].definition.type"
            if not set(wanted) <= _types_in(statement, where):
                return False
    wanted = template.get("attachmentUsageType")
    return not wanted or set(wanted) <= _types_in(statement, "$.attachments[*].usageType")


def template_problems(statement: Mapping[str, Any], template: Mapping[str, Any]) -> list[str]:
    """Every broken rule of a template, in words (empty when all hold)."""
    problems: list[str] = []
    refs = template.get("objectStatementRefTemplate")
    if refs and evaluate(statement, "$.object.objectType") != ["StatementRef"]:
        problems.append(
            "objectStatementRefTemplate at $.object: the object must be a StatementRef "
            "to a statement of this profile"
        )
    for number, rule in enumerate(template.get("rules", []), start=1):
        why = rule_problem(statement, rule)
        if why:
            problems.append(f"rule {number} at {rule['location']}: {why}")
    return problems


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def rule_problem(statement: Mapping[str, Any], rule: Mapping[str, Any]) -> str | None:
    """Why one rule fails, or None when it holds."""
    values: list[Any] = evaluate(statement, rule["location"])
    if "selector" in rule:
        selected: list[Any] = []
        for value in values:
            found = evaluate(value, rule["selector"])
            selected.extend(found if found else [_UNMATCHABLE])
        values = selected
    matchable = [value for value in values if value is not _UNMATCHABLE]
    strict = True
    presence = rule.get("presence")
    if presence == "included":
        if not values:
            return "required (presence included) but missing"
        if len(matchable) != len(values):
            return "required (presence included) but the selector finds nothing in some values"
    elif presence == "excluded" and matchable:
        return f"must be absent (presence excluded) but holds {_show(matchable)}"
    elif presence == "recommended":
        strict = False
    if not strict and not values:
        return None
    if "any" in rule and not any(_contains(rule["any"], value) for value in matchable):
        return f"must include one of {_show(rule['any'])}, found {_show(matchable)}"
    if "all" in rule:
        if len(matchable) != len(values):
            return f"every value must be one of {_show(rule['all'])}, but some are unmatchable"
        wrong = [value for value in matchable if not _contains(rule["all"], value)]
        if wrong:
            return f"only {_show(rule['all'])} allowed, found {_show(wrong)}"
    if "none" in rule:
        banned = [value for value in matchable if _contains(rule["none"], value)]
        if banned:
            return f"must not hold {_show(banned)}"
    return None


def _contains(allowed: list[Any], value: Any) -> bool:
    """Membership that keeps JSON types apart (``True`` is not ``1``)."""
    return any(type(item) is type(value) and item == value for item in allowed)
