"""Keeping xAPI 2.0 content away from LRSs that only speak 1.0.x.

A 1.0.3 LRS rejects (or worse, silently drops) properties it does not know;
a statement that uses 2.0-only properties is refused before sending, with
a reason that names the property, rather than being stripped and stored
with less meaning than it was written with.
"""

from __future__ import annotations

from typing import Any

_CONTEXT_2_0 = ("contextAgents", "contextGroups")


def speaks_1_0(version: str | None) -> bool:
    return bool(version) and str(version).startswith("1.0")


def version_problem(statement: dict[str, Any], version: str | None) -> str | None:
    """Why ``statement`` cannot go to an LRS speaking ``version``; ``None`` when it can.

    Runs for every statement of every delivery, so the common case (nothing
    2.0-only) costs three dict lookups.
    """
    if not speaks_1_0(version):
        return None
    declared = statement.get("version")
    if isinstance(declared, str) and declared.startswith("2."):
        return f"the statement declares xAPI {declared}; this LRS speaks {version}"
    problem = _context_problem(statement.get("context"), "", version)
    target = statement.get("object")
    if problem is None and isinstance(target, dict) and target.get("objectType") == "SubStatement":
        problem = _context_problem(target.get("context"), "object.", version)
    return problem


def _context_problem(context: Any, where: str, version: str | None) -> str | None:
    if not context or not isinstance(context, dict):
        return None
    for key in _CONTEXT_2_0:
        if key in context:
            return f"{where}context.{key} exists only in xAPI 2.0; this LRS speaks {version}"
    return None
