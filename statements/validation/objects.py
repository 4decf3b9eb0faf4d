"""Statement objects other than SubStatement: Activity (with its definition),
Agent/Group as object, and StatementRef."""

from __future__ import annotations

from typing import Any

from statements.validation.agents import check_actor
from statements.validation.extensions import check_extensions
from statements.validation.ifi import IFI_KEYS
from statements.validation.interactions import INTERACTION_KEYS, check_interaction
from statements.validation.iri import check_iri
from statements.validation.language import check_language_map
from statements.validation.report import Report
from statements.validation.uuids import check_uuid
from statements.validation.values import is_object, missing, null, unknown

OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")


def check_object(value: dict[str, Any], path: str, r: Report) -> str:
    """Any object but a SubStatement; returns the objectType it was checked as."""
    kind = value.get("objectType", "Activity")
    if "objectType" not in value and "id" not in value and not IFI_KEYS.isdisjoint(value):
        kind = "Agent"  # an Agent without objectType: say that, not "unknown property mbox"
    if kind == "Activity":
        check_activity(value, path, r)
    elif kind in ("Agent", "Group"):
        check_actor(value, path, r, object_type_required=True)
    elif kind == "StatementRef":
        check_statement_ref(value, path, r)
    else:
        r.error(
            path + ".objectType",
            "object_type.invalid",
            f"'{kind}' is not an xAPI objectType ({', '.join(OBJECT_TYPES)}).",
        )
        return ""
    return str(kind)


def check_activity(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if key == "id":
            check_iri(item, p, r)
        elif key == "definition":
            check_definition(item, p, r)
        elif key == "objectType":
            if item != "Activity":
                r.error(p, "object_type.invalid", "Only 'Activity' is allowed here.")
        else:
            unknown(p, r, "an Activity")
    if "id" not in value:
        missing(path + ".id", r, "an Activity needs its IRI")


def check_definition(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    interaction = False
    for key, item in value.items():
        p = path + "." + key
        if key in ("name", "description"):
            check_language_map(item, p, r)
        elif key in ("type", "moreInfo"):
            check_iri(item, p, r)
        elif key == "extensions":
            check_extensions(item, p, r)
        elif key in INTERACTION_KEYS:
            if item is None and key == "interactionType":
                null(p, r)
            interaction = True
        else:
            unknown(p, r, "an Activity Definition")
    if interaction:
        check_interaction(value, path, r)


def check_statement_ref(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if key == "id":
            check_uuid(item, p, r)
        elif key == "objectType":
            if item != "StatementRef":
                r.error(p, "object_type.invalid", "A Statement Reference says 'StatementRef'.")
        else:
            unknown(p, r, "a Statement Reference")
    if "objectType" not in value:
        missing(path + ".objectType", r, "a Statement Reference says objectType 'StatementRef'")
    if "id" not in value:
        missing(path + ".id", r, "a Statement Reference needs the referenced statement's id")
