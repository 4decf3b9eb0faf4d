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
from functools import lru_cache
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


def match_profile(statement: object, profile: dict[str, Any] | None = None) -> TemplateVerdict:
    """Check ``statement`` against every template of ``profile``.

    Without a profile, ours is used, for the base the statement's category
    names (falling back to the default base). Anything that is not a JSON
    object matches no template.
    """
    if not isinstance(statement, Mapping):
        return TemplateVerdict()
    if profile is None:
        profile = _our_profile(_base_of(statement))
    normalised = _normalise(statement)
    facts = _Facts(normalised)
    matched: list[str] = []
    failures: dict[str, list[str]] = {}
    for template in profile.get("templates", []):
        if not facts.determined(template):
            continue
        problems = template_problems(normalised, template)
        if problems:
            failures[template["id"]] = problems
        else:
            matched.append(template["id"])
    return TemplateVerdict(matched, failures)


@lru_cache(maxsize=8)
def _our_profile(base: str) -> dict[str, Any]:
    """Our profile per base, built once (only read from here on)."""
    return build_profile(base)


def _base_of(statement: Mapping[str, Any]) -> str:
    for iri in evaluate(_normalise(statement), "$.context.contextActivities.category[*].id"):
        if isinstance(iri, str) and iri.endswith(v.VERSION_PATH):
            try:
                return v.normalise_base(iri.removesuffix(v.VERSION_PATH))
            except ValueError:
                continue
    return v.DEFAULT_PROFILE_BASE


def _normalise(statement: Mapping[str, Any]) -> Mapping[str, Any]:
    """Singleton contextActivities made into lists, as the spec requires; the
    statement itself is never changed (only the path to a singleton is copied)."""
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, Mapping) else None
    if not isinstance(activities, Mapping) or not any(
        isinstance(value, Mapping) for value in activities.values()
    ):
        return statement
    fixed = {k: [a] if isinstance(a, Mapping) else a for k, a in activities.items()}
    assert isinstance(context, Mapping)
    return {**statement, "context": {**context, "contextActivities": fixed}}


class _Facts:
    """The statement's determining properties, read once for all templates."""

    def __init__(self, statement: Mapping[str, Any]) -> None:
        self.verb = evaluate(statement, "$.verb.id")
        self.object_type = evaluate(statement, "$.object.definition.type")
        self.context_types = {
            key: _types_in(statement, f"$.context.contextActivities.{name}[*].definition.type")
            for key, name in _CONTEXT_LISTS.items()
        }
        self.usage_types = _types_in(statement, "$.attachments[*].usageType")

    def determined(self, template: Mapping[str, Any]) -> bool:
        if "verb" in template and self.verb != [template["verb"]]:
            return False
        wanted_type = template.get("objectActivityType")
        if wanted_type and self.object_type != [wanted_type]:
            return False
        for key, types in self.context_types.items():
            if not set(template.get(key, ())) <= types:
                return False
        return set(template.get("attachmentUsageType", ())) <= self.usage_types


def _types_in(statement: Mapping[str, Any], where: str) -> set[str]:
    return {t for t in evaluate(statement, where) if isinstance(t, str)}


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
