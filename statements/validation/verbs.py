"""Verbs: an IRI id and an optional language map display."""

from __future__ import annotations

from typing import Any

from statements.validation.iri import check_iri
from statements.validation.language import check_language_map
from statements.validation.report import Report
from statements.validation.values import is_object, missing, unknown

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def check_verb(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        if key == "id":
            check_iri(item, path + ".id", r)
        elif key == "display":
            check_language_map(item, path + ".display", r)
        else:
            unknown(path + "." + key, r, "a Verb")
    if "id" not in value:
        missing(path + ".id", r, "a Verb needs its IRI")
