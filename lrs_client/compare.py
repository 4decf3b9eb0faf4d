"""Deciding whether a stored statement is "the same" as the one we sent.

xAPI (1.0.3 Data 2.3.1 "Statement Immutability" and the statement comparison
requirements; 2.0 keeps them) tells an LRS to ignore, when comparing:
properties the LRS may set (``id``, ``authority``, ``stored``, ``timestamp``
when we sent none, ``version``), differences of serialisation (key order,
whitespace, the case of case-insensitive values such as UUIDs and language
tags, the same instant written in another time zone or precision, cut to
milliseconds), the order of group members, defaulted ``objectType`` values,
a single context activity object against a one-element array of it, and
``result.duration`` beyond 0.01 s precision. We apply the same rules to tell
"already stored" from "conflict" after a 409.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

_LRS_SET = ("authority", "stored", "version")
_UUID_KEYS = frozenset({"id", "registration"})
_LANGUAGE_MAPS = frozenset({"display", "name", "description"})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_CONTEXT_ACTIVITIES = ("parent", "grouping", "category", "other")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def same_statement(sent: dict[str, Any], stored: dict[str, Any]) -> bool:
    """True when ``stored`` is ``sent`` as an LRS may legitimately have kept it."""
    left = {k: v for k, v in sent.items() if k not in _LRS_SET}
    right = {k: v for k, v in stored.items() if k not in _LRS_SET}
    if "timestamp" not in left:
        right.pop("timestamp", None)
    return bool(_canonical(left, "statement") == _canonical(right, "statement"))


def _canonical(value: Any, role: str) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _LANGUAGE_MAPS and isinstance(item, dict) and role != "extensions":
                out[key] = {str(lang).lower(): text for lang, text in item.items()}
            elif key in ("timestamp", "stored") and isinstance(item, str):
                out[key] = _instant(item)
            elif key == "duration" and role == "result" and isinstance(item, str):
                out[key] = _duration(item)
            elif key == "contextActivities" and isinstance(item, dict):
                out[key] = {
                    kind: _canonical([acts] if isinstance(acts, dict) else acts, kind)
                    for kind, acts in item.items()
                }
            elif key in _UUID_KEYS and isinstance(item, str) and _UUID.match(item):
                out[key] = item.lower()
            elif key == "member" and isinstance(item, list):
                members = [_canonical(m, "agent") for m in item]
                out[key] = sorted(members, key=repr)
            elif key == "extensions":
                out[key] = item
            else:
                out[key] = _canonical(item, key)
        _default_object_type(out, role)
        return out
    if isinstance(value, list):
        return [_canonical(item, role) for item in value]
    return value


def _default_object_type(obj: dict[str, Any], role: str) -> None:
    if "objectType" in obj:
        return
    if role in ("actor", "agent", "instructor", "member", "team", "authority"):
        obj["objectType"] = "Agent"
    elif role in ("object", "parent", "grouping", "category", "other"):
        obj["objectType"] = "Activity"


def _instant(text: str) -> Any:
    """The same moment compares equal whatever the zone; precision cut to milliseconds.

    Integer arithmetic: a float timestamp rounds, and ``.9996`` would become
    the next millisecond where an LRS that truncates keeps ``.999``.
    """
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _duration(text: str) -> Any:
    """An ISO 8601 duration at 0.01 s precision (truncated), as the spec compares them.

    Days, hours, minutes and seconds become hundredths of a second; years,
    months and weeks stay apart (their length in seconds is not fixed).
    """
    found = _DURATION.match(text.strip().upper())
    if not found or text.strip().upper() in ("P", "PT") or text.strip().upper().endswith("T"):
        return text
    try:
        parts = {k: Decimal(v) if v else Decimal(0) for k, v in found.groupdict().items()}
    except InvalidOperation:
        return text
    seconds = (
        parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    )
    return ("duration", parts["years"], parts["months"], parts["weeks"], int(seconds * 100))
