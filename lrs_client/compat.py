"""Keeping xAPI 2.0 content away from LRSs that only speak 1.0.x.

A 1.0.3 LRS rejects (or worse, silently drops) properties it does not know;
a statement that uses 2.0-only properties is refused before sending, with
a reason that names the property, rather than being stripped and stored
with less meaning than it was written with.
"""

from __future__ import annotations

from typing import Any

_CONTEXT_2_0 = ("contextAgents", "contextGroups")


def version_problem(statement: dict[str, Any], version: str | None) -> str | None:
    """Why ``statement`` cannot go to an LRS speaking ``version``; ``None`` when it can."""
    if not version or not version.startswith("1.0"):
        return None
    declared = statement.get("version")
    if isinstance(declared, str) and declared.startswith("2."):
        return f"the statement declares xAPI {declared}; this LRS speaks {version}"
    for where, holder in (("", statement), ("object.", statement.get("object"))):
        context = holder.get("context") if isinstance(holder, dict) else None
        if isinstance(context, dict):
            for key in _CONTEXT_2_0:
                if key in context:
                    return (
                        f"{where}context.{key} exists only in xAPI 2.0; this LRS speaks {version}"
                    )
    return None
