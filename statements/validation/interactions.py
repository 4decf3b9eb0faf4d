"""Interaction activities: components per interactionType and response patterns.

The pattern syntax per type follows xAPI 1.0.3 Data 2.4.4.1.1 ("Response
Patterns"): ``[,]`` separates items, ``[.]`` pairs, ``[:]`` numeric ranges,
``{case_matters=..}`` / ``{order_matters=..}`` / ``{lang=..}`` prefixes.
"""

from __future__ import annotations

import re
from typing import Any

from statements.validation.language import check_language_map, is_language_tag
from statements.validation.report import Report
from statements.validation.values import describe, is_array, is_object, is_string, missing, unknown

COMPONENTS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_KEYS = ("choices", "scale", "source", "target", "steps")
INTERACTION_KEYS = frozenset({"interactionType", "correctResponsesPattern", *COMPONENT_KEYS})

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_FLAG = re.compile(r"\{(case_matters|order_matters)=([^}]*)\}")
_LANG = re.compile(r"\{lang=([^}]*)\}")
_FLAGS_BY_TYPE = {"fill-in": ("case_matters", "order_matters"), "long-fill-in": ("case_matters",)}


def check_interaction(definition: dict[str, Any], path: str, r: Report) -> None:
    """Called for a definition holding any interaction property."""
    kind = definition.get("interactionType")
    ids: dict[str, set[str]] = {}
    for key in COMPONENT_KEYS:
        if key in definition:
            ids[key] = _check_components(definition[key], f"{path}.{key}", r)
    if kind is None:
        if "interactionType" not in definition:
            missing(
                path + ".interactionType",
                r,
                "correctResponsesPattern and interaction components need an interactionType",
            )
        return
    if type(kind) is not str or kind not in COMPONENTS_BY_TYPE:
        r.error(
            path + ".interactionType",
            "interaction.unknown_type",
            f"'{kind}' is not an xAPI interactionType ({', '.join(COMPONENTS_BY_TYPE)}).",
        )
        return
    allowed = COMPONENTS_BY_TYPE[kind]
    for key in ids:
        if key not in allowed:
            r.error(
                f"{path}.{key}",
                "interaction.component_not_allowed",
                f"A '{kind}' interaction cannot have '{key}'"
                + (f"; it uses {' and '.join(allowed)}." if allowed else "."),
            )
    patterns: Any = definition.get("correctResponsesPattern")
    if "correctResponsesPattern" in definition and is_array(
        patterns, path + ".correctResponsesPattern", r
    ):
        for i, pattern in enumerate(patterns):
            p = f"{path}.correctResponsesPattern[{i}]"
            if type(pattern) is not str:
                r.error(
                    p, "type.string", f"A response pattern is a string, not {describe(pattern)}."
                )
                continue
            problem = pattern_problem(kind, pattern, ids)
            if problem is not None:
                code, message = problem
                r.error(p, code, message)


def _check_components(value: Any, path: str, r: Report) -> set[str]:
    seen: set[str] = set()
    if not is_array(value, path, r):
        return seen
    for i, component in enumerate(value):
        p = f"{path}[{i}]"
        if not is_object(component, p, r):
            continue
        for key, item in component.items():
            if key == "id":
                if not is_string(item, p + ".id", r):
                    continue
                if item in seen:
                    r.error(
                        p + ".id",
                        "interaction.duplicate_id",
                        f"Component id '{item}' is used twice in this list.",
                    )
                seen.add(item)
                if any(c.isspace() for c in item):
                    r.warn(
                        p + ".id",
                        "interaction.id_whitespace",
                        f"Component id '{item}' contains whitespace; ids should not.",
                    )
            elif key == "description":
                check_language_map(item, p + ".description", r)
            else:
                unknown(p + "." + key, r, "an interaction component")
        if "id" not in component:
            missing(p + ".id", r, "an interaction component needs an id")
    return seen


def pattern_problem(kind: str, pattern: str, ids: dict[str, set[str]]) -> tuple[str, str] | None:
    """``(code, message)`` when ``pattern`` is not a valid response for ``kind``."""
    if kind == "other":
        return None
    if kind == "true-false":
        if pattern in ("true", "false"):
            return None
        return _invalid(f"'{pattern}' must be 'true' or 'false' for a true-false interaction.")
    if kind in ("fill-in", "long-fill-in"):
        return _fill_in_problem(kind, pattern)
    if kind == "numeric":
        return _range_problem(pattern)
    if kind == "likert":
        if "[,]" in pattern:
            return _invalid("A likert response is a single scale id.")
        return _unknown_ids([pattern], ids.get("scale"), "scale")
    items = pattern.split("[,]")
    if kind in ("choice", "sequencing"):
        if "" in items:
            return _invalid(f"'{pattern}' has an empty item id between '[,]' separators.")
        return _unknown_ids(items, ids.get("choices"), "choices")
    firsts, seconds = [], []
    for item in items:
        pair = item.split("[.]")
        if len(pair) != 2 or not pair[0]:
            word = "source[.]target" if kind == "matching" else "step[.]response"
            return _invalid(f"'{item}' must be a pair written {word}.")
        firsts.append(pair[0])
        seconds.append(pair[1])
    if kind == "matching":
        if "" in seconds:
            return _invalid(f"'{pattern}' has a pair without a target id.")
        return _unknown_ids(firsts, ids.get("source"), "source") or _unknown_ids(
            seconds, ids.get("target"), "target"
        )
    for response in seconds:
        if "[:]" in response:
            found = _range_problem(response)
            if found is not None:
                return found
    return _unknown_ids(firsts, ids.get("steps"), "steps")


def _invalid(message: str) -> tuple[str, str]:
    return ("interaction.pattern_invalid", message)


def _unknown_ids(used: list[str], known: set[str] | None, key: str) -> tuple[str, str] | None:
    if known is None:
        return None
    strangers = [u for u in used if u not in known]
    if not strangers:
        return None
    return (
        "interaction.pattern_unknown_id",
        f"Response uses id(s) {', '.join(repr(s) for s in strangers)} not listed in '{key}'.",
    )


def _range_problem(text: str) -> tuple[str, str] | None:
    if "[:]" not in text:
        if _NUMBER.match(text):
            return None
        return _invalid(f"'{text}' must be a number or a range written min[:]max.")
    low, _, high = text.partition("[:]")
    if not low and not high:
        return _invalid("A numeric range needs at least a minimum or a maximum.")
    for bound in (low, high):
        if bound and not _NUMBER.match(bound):
            return _invalid(f"'{bound}' in range '{text}' is not a number.")
    if low and high and float(low) > float(high):
        return _invalid(f"Range '{text}' has its minimum above its maximum.")
    return None


def _fill_in_problem(kind: str, pattern: str) -> tuple[str, str] | None:
    allowed = _FLAGS_BY_TYPE[kind]
    rest = pattern
    while rest.startswith(("{case_matters=", "{order_matters=")):
        m = _FLAG.match(rest)
        if m is None:
            return _invalid(f"'{pattern}' has an unterminated {{...}} parameter.")
        if m.group(1) not in allowed:
            return _invalid(f"'{m.group(1)}' is not a parameter of a {kind} response.")
        if m.group(2) not in ("true", "false"):
            return _invalid(f"'{m.group(1)}' must be true or false, not '{m.group(2)}'.")
        rest = rest[m.end() :]
    for item in rest.split("[,]") if kind == "fill-in" else [rest]:
        m = _LANG.match(item)
        if m is not None and not is_language_tag(m.group(1)):
            return _invalid(f"'{m.group(1)}' in {{lang=...}} is not an RFC 5646 language tag.")
    return None
