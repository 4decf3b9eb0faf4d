"""Shared checks on JSON values: types, nulls and empties (XAPI-00001), unknown keys.

xAPI forbids null, empty objects and empty strings anywhere outside
``extensions``; every checker funnels its leaves through these helpers so the
rule and its wording live in one place.
"""

from __future__ import annotations

import math
from typing import Any

from statements.validation.report import Report

_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def describe(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def is_object(value: Any, path: str, r: Report) -> bool:
    """A non-empty JSON object; reports otherwise."""
    if type(value) is not dict:
        if value is None:
            r.error(path, "value.null", "Must not be null (only extension values may be null).")
        else:
            r.error(path, "type.object", f"Must be a JSON object, not {describe(value)}.")
        return False
    if not value:
        r.error(path, "value.empty", "Must not be an empty object (only extensions may be empty).")
        return False
    return True


def is_array(value: Any, path: str, r: Report) -> bool:
    if type(value) is not list:
        if value is None:
            r.error(path, "value.null", "Must not be null (only extension values may be null).")
        else:
            r.error(path, "type.array", f"Must be a JSON array, not {describe(value)}.")
        return False
    return True


def is_string(value: Any, path: str, r: Report) -> bool:
    """A non-empty string; reports otherwise."""
    if type(value) is not str:
        if value is None:
            r.error(path, "value.null", "Must not be null (only extension values may be null).")
        else:
            r.error(path, "type.string", f"Must be a string, not {describe(value)}.")
        return False
    if not value:
        r.error(path, "value.empty", "Must not be an empty string (only inside extensions).")
        return False
    return True


def is_bool(value: Any, path: str, r: Report) -> bool:
    if type(value) is not bool:
        r.error(path, "type.boolean", f"Must be true or false, not {describe(value)}.")
        return False
    return True


def is_number(value: Any, path: str, r: Report) -> bool:
    t = type(value)
    if t is not int and t is not float:
        r.error(path, "type.number", f"Must be a number, not {describe(value)}.")
        return False
    if t is float and not math.isfinite(value):
        r.error(path, "type.number", f"Must be a finite number, not {value} (not JSON).")
        return False
    return True


def null(path: str, r: Report) -> None:
    r.error(path, "value.null", "Must not be null (only extension values may be null).")


def unknown(path: str, r: Report, where: str) -> None:
    r.error(path, "property.unknown", f"Is not a property of {where} in xAPI.")


def missing(path: str, r: Report, what: str) -> None:
    r.error(path, "property.missing", f"Is required: {what}.")


def key_path(path: str, key: str) -> str:
    """Path of a map entry whose key may contain dots (IRIs, language tags)."""
    return path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"
