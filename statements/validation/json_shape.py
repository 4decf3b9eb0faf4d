"""Python values JSON cannot represent, for callers handing in dicts built in code.

Only consulted when a checker trips over such a value, so parsed JSON (the
normal case) pays nothing for it.
"""

from __future__ import annotations

from typing import Any

from statements.validation.report import Report

_JSON_LEAVES = (str, int, float, bool, type(None))


def report_non_json(value: Any, r: Report) -> None:
    """Report every non-string object key and non-JSON value, walking iteratively."""
    found = False
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    r.error(
                        f"{path}[{key!r}]",
                        "json.key_not_string",
                        f"Object keys must be strings in JSON, not {type(key).__name__}.",
                    )
                    found = True
                else:
                    stack.append((f"{path}.{key}", child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
        elif not isinstance(item, _JSON_LEAVES):
            r.error(path, "json.not_json", f"{type(item).__name__} is not a JSON value.")
            found = True
    if not found:
        r.error("$", "json.not_json", "The statement holds a value JSON cannot represent.")
