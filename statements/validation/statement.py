"""A whole Statement and a SubStatement: required parts, version, voiding.

The body (actor, verb, object, result, context, timestamp, attachments) is
shared; a SubStatement forbids id, stored, version and authority and may not
hold another SubStatement.
"""

from __future__ import annotations

import re
from typing import Any

from statements.validation.agents import check_actor, check_authority
from statements.validation.attachments import check_attachments
from statements.validation.context import check_context
from statements.validation.objects import check_object
from statements.validation.report import Report
from statements.validation.result import check_result
from statements.validation.timestamps import check_timestamp
from statements.validation.uuids import check_uuid
from statements.validation.values import describe, is_object, is_string, missing, null, unknown
from statements.validation.verbs import VOIDED, check_verb

_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\Z")
_ACCEPTED = {False: ("1.0.",), True: ("1.0.", "2.0.")}
_REQUIRED = (
    ("actor", "who did it (an Agent or Group)"),
    ("verb", "what was done (a Verb)"),
    ("object", "what it was done to"),
)
_FORBIDDEN_IN_SUB = ("id", "stored", "version", "authority")
_BODY_KEYS = frozenset(
    {"actor", "verb", "object", "result", "context", "timestamp", "attachments", "objectType"}
)


def check_statement(value: Any, r: Report) -> None:
    if type(value) is not dict:
        r.error("$", "type.object", f"A statement must be a JSON object, not {describe(value)}.")
        return
    for key, item in value.items():
        p = "$." + key
        if item is None:
            null(p, r)
        elif key == "id":
            check_uuid(item, p, r)
        elif key == "stored":
            check_timestamp(item, p, r)
        elif key == "authority":
            check_authority(item, p, r)
        elif key == "version":
            _check_version(item, p, r)
        elif key not in _BODY_KEYS:
            unknown(p, r, "a Statement")
    _check_body(value, "$", r, in_sub=False)


def _check_body(value: dict[str, Any], path: str, r: Report, *, in_sub: bool) -> None:
    for key, what in _REQUIRED:
        if key not in value:
            missing(f"{path}.{key}", r, what)
    object_kind = ""
    for key, item in value.items():
        if item is None:
            if in_sub:
                null(f"{path}.{key}", r)
            continue
        p = path + "." + key
        if key == "actor":
            check_actor(item, p, r)
        elif key == "verb":
            check_verb(item, p, r)
        elif key == "object":
            object_kind = _check_any_object(item, p, r, in_sub=in_sub)
        elif key == "result":
            check_result(item, p, r)
        elif key == "timestamp":
            check_timestamp(item, p, r, not_future=not in_sub)
        elif key == "attachments":
            check_attachments(item, p, r)
        elif key == "objectType" and not in_sub:
            unknown(p, r, "a Statement")
    # An unknown or broken object is reported once; context rules do not pile on.
    context = value.get("context")
    if context is not None:
        check_context(
            context,
            path + ".context",
            r,
            object_is_activity=object_kind in ("Activity", ""),
        )
    verb = value.get("verb")
    if (
        not in_sub
        and type(verb) is dict
        and verb.get("id") == VOIDED
        and object_kind not in ("StatementRef", "")
    ):
        r.error(
            path + ".object",
            "voiding.object_not_statementref",
            "A voiding statement's object must be a StatementRef to the voided statement.",
        )


def _check_any_object(value: Any, path: str, r: Report, *, in_sub: bool) -> str:
    if not is_object(value, path, r):
        return ""
    if value.get("objectType") != "SubStatement":
        return check_object(value, path, r)
    if in_sub:
        r.error(
            path + ".objectType",
            "substatement.nested",
            "A SubStatement cannot contain another SubStatement.",
        )
        return "SubStatement"
    _check_substatement(value, path, r)
    return "SubStatement"


def _check_substatement(value: dict[str, Any], path: str, r: Report) -> None:
    for key in value:
        p = path + "." + key
        if key in _FORBIDDEN_IN_SUB:
            r.error(
                p,
                "substatement.forbidden_property",
                f"A SubStatement must not have '{key}'.",
            )
        elif key not in _BODY_KEYS:
            unknown(p, r, "a SubStatement")
    _check_body(value, path, r, in_sub=True)


def _check_version(value: Any, path: str, r: Report) -> None:
    if not is_string(value, path, r):
        return
    if not _SEMVER.match(value):
        r.error(path, "version.invalid", f"'{value}' is not a semantic version such as 1.0.3.")
    elif not value.startswith(_ACCEPTED[r.v2]):
        accepted = " or ".join(p + "x" for p in _ACCEPTED[r.v2])
        r.error(
            path,
            "version.unsupported",
            f"Version '{value}' is not accepted when validating for xAPI {r.version} "
            f"(expected {accepted}).",
        )
