"""Extensions: keys are absolute IRIs; values may be anything, null and empty included."""

from __future__ import annotations

from typing import Any

from statements.validation.iri import iri_problem
from statements.validation.report import Report
from statements.validation.values import describe, key_path, null


def check_extensions(value: Any, path: str, r: Report) -> None:
    if value is None:
        null(path, r)
        return
    if type(value) is not dict:
        r.error(path, "type.object", f"Extensions must be a JSON object, not {describe(value)}.")
        return
    for key in value:
        found = iri_problem(key)
        if found is not None:
            r.error(key_path(path, key), found[0], "Extension key " + found[1])
