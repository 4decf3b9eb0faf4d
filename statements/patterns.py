"""Do the statements of one registration follow a primary pattern of a profile?

Implements the Pattern validation algorithm of the xAPI Profiles spec (part
three, 2.2): statements are ordered by timestamp, each one must match a
template, and patterns match greedily without backtracking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from statements.templates import match_profile

Outcome = Literal["success", "partial", "failure"]
Matched = Sequence[frozenset[str]]  # per statement, the templates it matched


def follows(statements: Sequence[Mapping[str, Any]], profile: dict[str, Any]) -> str | None:
    """The id of the first primary pattern the statements follow, or None.

    All statements must share one registration (that is what ties them together).
    """
    registrations = {_registration(s) for s in statements}
    if len(registrations) != 1 or None in registrations:
        return None
    ordered = sorted(statements, key=_moment)
    matched: list[frozenset[str]] = []
    for statement in ordered:
        verdict = match_profile(statement, profile)
        if not verdict.ok:
            return None
        matched.append(frozenset(verdict.matched))
    patterns = {p["id"]: p for p in profile.get("patterns", [])}
    for pattern in profile.get("patterns", []):
        if pattern.get("primary"):
            outcome, rest = _matches(matched, pattern["id"], patterns)
            if outcome == "success" and not rest:
                return str(pattern["id"])
    return None


def _registration(statement: Mapping[str, Any]) -> str | None:
    context = statement.get("context")
    value = context.get("registration") if isinstance(context, Mapping) else None
    return value if isinstance(value, str) else None


def _moment(statement: Mapping[str, Any]) -> datetime:
    """Timestamp order (offsets honoured); unreadable timestamps sort first."""
    try:
        moment = datetime.fromisoformat(str(statement.get("timestamp")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _matches(
    statements: Matched, element: str, patterns: Mapping[str, Mapping[str, Any]]
) -> tuple[Outcome, Matched]:
    pattern = patterns.get(element)
    if pattern is None:  # a statement template
        if not statements:
            return "partial", []
        if element in statements[0]:
            return "success", statements[1:]
        return "failure", statements
    if "sequence" in pattern:
        rest = statements
        for member in pattern["sequence"]:
            outcome, rest = _matches(rest, member, patterns)
            if outcome == "failure":
                return "failure", statements
            if outcome == "partial":
                return "partial", []
        return "success", rest
    if "alternates" in pattern:
        best: Outcome = "failure"
        best_rest = statements
        for member in pattern["alternates"]:
            outcome, rest = _matches(statements, member, patterns)
            if outcome == "success":
                if best != "success" or len(rest) < len(best_rest):
                    best_rest = rest
                best = "success"
            elif outcome == "partial" and best == "failure":
                best = "partial"
        return ("partial", []) if best == "partial" else (best, best_rest)
    if "oneOrMore" in pattern:
        return _one_or_more(statements, pattern["oneOrMore"], patterns)
    if "zeroOrMore" in pattern:
        return _zero_or_more(statements, pattern["zeroOrMore"], patterns)
    if "optional" in pattern:
        if not statements:
            return "success", []
        outcome, rest = _matches(statements, pattern["optional"], patterns)
        return (outcome, rest) if outcome != "failure" else ("success", statements)
    raise ValueError(
        f"pattern {element} has none of sequence, alternates, optional, oneOrMore, zeroOrMore"
    )


def _one_or_more(
    statements: Matched, member: str, patterns: Mapping[str, Mapping[str, Any]]
) -> tuple[Outcome, Matched]:
    found: Outcome = "failure"
    last = statements
    while True:
        outcome, rest = _matches(last, member, patterns)
        if outcome == "success":
            found = "success"
        elif found == "failure" and outcome == "partial":
            return "partial", []
        else:
            if outcome == "partial" and last:
                return "partial", last
            return found, last
        if len(rest) == len(last):
            return "success", rest
        last = rest


def _zero_or_more(
    statements: Matched, member: str, patterns: Mapping[str, Mapping[str, Any]]
) -> tuple[Outcome, Matched]:
    last = statements
    while True:
        outcome, rest = _matches(last, member, patterns)
        if outcome == "failure":
            return "success", last
        if outcome == "partial" and rest:
            return "partial", rest
        if len(rest) == len(last):
            return "success", rest
        last = rest
