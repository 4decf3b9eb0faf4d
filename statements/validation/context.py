"""Context: registration, instructor, team, contextActivities, revision/platform
(activities only), language, statement reference, extensions, and the xAPI 2.0
contextAgents / contextGroups."""

from __future__ import annotations

from typing import Any

from statements.validation.agents import check_actor
from statements.validation.extensions import check_extensions
from statements.validation.iri import check_iri
from statements.validation.language import check_language_tag
from statements.validation.objects import check_activity, check_statement_ref
from statements.validation.report import Report
from statements.validation.uuids import check_uuid
from statements.validation.values import is_array, is_object, is_string, missing, null, unknown

CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")


def check_context(value: Any, path: str, r: Report, *, object_is_activity: bool) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if item is None and key != "extensions":
            null(p, r)
        elif key == "registration":
            check_uuid(item, p, r)
        elif key == "instructor":
            check_actor(item, p, r)
        elif key == "team":
            if check_actor(item, p, r) == "Agent":
                r.error(p, "context.team_not_group", "The team must be a Group, not an Agent.")
        elif key == "contextActivities":
            _check_context_activities(item, p, r)
        elif key in ("revision", "platform"):
            if is_string(item, p, r) and not object_is_activity:
                r.error(
                    p,
                    "context.activity_only",
                    f"'{key}' may only be used when the statement's object is an Activity.",
                )
        elif key == "language":
            check_language_tag(item, p, r)
        elif key == "statement":
            check_statement_ref(item, p, r)
        elif key == "extensions":
            check_extensions(item, p, r)
        elif key in ("contextAgents", "contextGroups"):
            if r.v2:
                _check_context_actors(key, item, p, r)
            else:
                r.error(
                    p,
                    "property.requires_2_0",
                    f"'{key}' exists only in xAPI 2.0.0; a 1.0.3 LRS rejects it.",
                )
        else:
            unknown(p, r, "a Context")


def _check_context_activities(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if key not in CONTEXT_ACTIVITY_KEYS:
            r.error(
                p,
                "property.unknown",
                "contextActivities holds only parent, grouping, category and other.",
            )
        elif type(item) is list:
            for i, activity in enumerate(item):
                check_activity(activity, f"{p}[{i}]", r)
        else:
            check_activity(item, p, r)


_CONTEXT_ACTOR = {
    "contextAgents": ("contextAgent", "agent", "Agent"),
    "contextGroups": ("contextGroup", "group", "Group"),
}


def _check_context_actors(key: str, value: Any, path: str, r: Report) -> None:
    object_type, field, kind = _CONTEXT_ACTOR[key]
    if not is_array(value, path, r):
        return
    for i, entry in enumerate(value):
        p = f"{path}[{i}]"
        if not is_object(entry, p, r):
            continue
        for name, item in entry.items():
            q = p + "." + name
            if name == "objectType":
                if item != object_type:
                    r.error(q, "object_type.invalid", f"Must be '{object_type}'.")
            elif name == field:
                checked = check_actor(item, q, r)
                if checked and checked != kind:
                    r.error(
                        q, "object_type.invalid", f"'{field}' must be an {kind}, not a {checked}."
                    )
            elif name == "relevantTypes":
                if not is_array(item, q, r):
                    continue
                if not item:
                    r.error(q, "value.empty", "relevantTypes needs at least one IRI when given.")
                for j, iri in enumerate(item):
                    check_iri(iri, f"{q}[{j}]", r)
            else:
                unknown(q, r, f"a {object_type}")
        if "objectType" not in entry:
            missing(p + ".objectType", r, f"each entry says objectType '{object_type}'")
        if field not in entry:
            missing(p + "." + field, r, f"each {object_type} names its {kind}")
