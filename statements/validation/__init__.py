"""Strict xAPI statement validation for 1.0.3 and 2.0.0.

``validate`` never raises on bad input: it walks the whole statement once and
returns a :class:`Report` with every error (a MUST broken, or what a
conformant LRS rejects) and every warning (a SHOULD broken).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from statements.validation.json_shape import report_non_json
from statements.validation.report import SUPPORTED_VERSIONS, Problem, Report, Severity
from statements.validation.statement import check_statement

__all__ = ["SUPPORTED_VERSIONS", "Problem", "Report", "Severity", "validate", "validate_many"]


def _normalise(version: str) -> str:
    if version.startswith("1.0"):
        return "1.0.3"
    if version.startswith("2.0"):
        return "2.0.0"
    raise ValueError(f"xAPI version {version!r} is not supported; use 1.0.3 or 2.0.0")


def validate(statement: Any, version: str = "1.0.3") -> Report:
    """Every problem of one statement, checked against xAPI ``version``."""
    report = Report(_normalise(version))
    try:
        check_statement(statement, report)
    except TypeError:
        # Only dicts built in Python get here (e.g. an int key): say where, not a traceback.
        report = Report(report.version)
        report_non_json(statement, report)
    return report


def validate_many(statements: Iterable[Any], version: str = "1.0.3") -> list[Report]:
    """One report per statement, in order (for a POSTed array or a JSON-lines file)."""
    version = _normalise(version)
    return [validate(statement, version) for statement in statements]
