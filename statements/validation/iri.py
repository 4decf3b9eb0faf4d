"""Absolute IRIs (RFC 3987) as xAPI requires for ids, types, extension keys and IRLs.

A full RFC 3987 grammar is slow and rarely what LRSs apply; this checks what
matters in practice: a scheme, no characters IRIs exclude (spaces, quotes,
angle brackets, controls), well-formed percent escapes, and a host for
http(s).
"""

from __future__ import annotations

import re
from typing import Any

from statements.validation.report import Report
from statements.validation.values import is_string

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_BODY = re.compile(r"[^\s<>\"{}|\\^`\x00-\x1f\x7f]*\Z")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HTTP = re.compile(r"https?://[^/?#@\s]*@?[^/?#:\s]+", re.IGNORECASE)

_valid: set[str] = set()


def clear_cache() -> None:
    """Forget IRIs already seen valid (benchmarks measure the cold cost)."""
    _valid.clear()


def iri_problem(value: str) -> tuple[str, str] | None:
    """``(code, message)`` of what is wrong with an IRI string, or None."""
    if value in _valid:
        return None
    scheme = _SCHEME.match(value)
    if scheme is None:
        return ("iri.not_absolute", f"'{value}' is not an absolute IRI (it needs a scheme).")
    if scheme.end() == len(value):
        return ("iri.invalid", f"'{value}' has nothing after its scheme.")
    if not _BODY.match(value):
        return ("iri.invalid", f"'{value}' contains characters an IRI cannot hold.")
    if "%" in value and _BAD_ESCAPE.search(value):
        return ("iri.invalid", f"'{value}' has a '%' not followed by two hex digits.")
    lower = value[:6].lower()
    if lower.startswith(("http:", "https:")) and not _HTTP.match(value):
        return ("iri.invalid", f"'{value}' is an http(s) IRI without a host.")
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
