"""Agents, Groups (identified and anonymous) and authority.

An Agent carries exactly one identifier; a Group carries at most one, and
without one (anonymous) it must list its members, who are Agents only.
"""

from __future__ import annotations

from typing import Any

from statements.validation.ifi import IFI_KEYS, check_ifi_value, count_message
from statements.validation.report import Report
from statements.validation.values import is_array, is_object, is_string, missing, null, unknown


def check_actor(value: Any, path: str, r: Report, *, object_type_required: bool = False) -> str:
    """An Agent or Group; returns the kind it was checked as ("Agent", "Group" or "")."""
    if not is_object(value, path, r):
        return ""
    kind = value.get("objectType")
    if kind == "Group" or (kind is None and "member" in value):
        if kind is None:
            r.error(
                path + ".objectType",
                "object_type.missing",
                "A Group must say objectType 'Group'.",
            )
        check_group(value, path, r)
        return "Group"
    if kind is None:
        if object_type_required:
            r.error(
                path + ".objectType",
                "object_type.missing",
                "An Agent used as an object must say objectType 'Agent'.",
            )
    elif kind != "Agent":
        r.error(
            path + ".objectType",
            "object_type.invalid",
            f"'{kind}' is not allowed here; use 'Agent' or 'Group'.",
        )
        return ""
    check_agent(value, path, r)
    return "Agent"


def check_agent(value: dict[str, Any], path: str, r: Report) -> None:
    found: list[str] = []
    for key, item in value.items():
        p = path + "." + key
        if key in IFI_KEYS:
            if item is not None:
                found.append(key)
            check_ifi_value(key, item, p, r)
        elif key == "name":
            is_string(item, p, r)
        elif key == "objectType":
            if item is None:
                null(p, r)
        else:
            unknown(p, r, "an Agent")
    if len(found) != 1:
        r.error(path, "ifi.count", count_message(found, "An Agent"))


def check_group(value: dict[str, Any], path: str, r: Report) -> None:
    found: list[str] = []
    members: Any = None
    for key, item in value.items():
        p = path + "." + key
        if key in IFI_KEYS:
            if item is not None:
                found.append(key)
            check_ifi_value(key, item, p, r)
        elif key == "name":
            is_string(item, p, r)
        elif key == "member":
            members = item
            _check_members(item, p, r)
        elif key != "objectType":
            unknown(p, r, "a Group")
    if len(found) > 1:
        r.error(path, "ifi.count", count_message(found, "A Group"))
    elif not found:
        if "member" not in value:
            missing(path + ".member", r, "an anonymous Group (no identifier) must list members")
        elif type(members) is list and not members:
            r.error(
                path + ".member",
                "group.no_members",
                "An anonymous Group must list at least one member.",
            )


def _check_members(value: Any, path: str, r: Report) -> None:
    if not is_array(value, path, r):
        return
    for i, member in enumerate(value):
        p = f"{path}[{i}]"
        if type(member) is dict and member.get("objectType") == "Group":
            r.error(
                p + ".objectType",
                "group.nested_group",
                "A Group's members must be Agents, not Groups.",
            )
        elif type(member) is dict and "member" in member:
            r.error(p + ".member", "group.nested_group", "A Group's members must be Agents.")
        else:
            check_actor(member, p, r)


def check_authority(value: Any, path: str, r: Report) -> None:
    """An Agent, or for three-legged OAuth a Group of exactly two Agents (XAPI-00099)."""
    if check_actor(value, path, r) != "Group":
        return
    members = value.get("member")
    if type(members) is not list or len(members) != 2:
        r.error(
            path,
            "authority.group",
            "An authority Group must hold exactly two Agents (the OAuth consumer and the user).",
        )
