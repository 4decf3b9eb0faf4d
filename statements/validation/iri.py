"""Absolute IRIs (RFC 3987) as xAPI requires for ids, types, extension keys and IRLs.

The grammar and the explanations live in :mod:`statements.iri` (the builders
use them too); this adds a cache of IRIs already seen valid, since a batch
repeats the same verb, type and extension IRIs in every statement.
"""

from __future__ import annotations

from typing import Any

from statements.iri import iri_problem as _problem
from statements.validation.report import Report
from statements.validation.values import is_string

_valid: set[str] = set()


def clear_cache() -> None:
    """Forget IRIs already seen valid (benchmarks measure the cold cost)."""
    _valid.clear()


def iri_problem(value: str) -> tuple[str, str] | None:
    """``(code, message)`` of what is wrong with an IRI string, or None."""
    if value in _valid:
        return None
    found = _problem(value)
    if found is not None:
        return (found.code, found.message)
    if len(_valid) < 4096:
        _valid.add(value)
    return None


def check_iri(value: Any, path: str, r: Report) -> bool:
    if not is_string(value, path, r):
        return False
    found = iri_problem(value)
    if found is None:
        return True
    r.error(path, found[0], found[1])
    return False
