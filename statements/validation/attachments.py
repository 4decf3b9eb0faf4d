"""Attachment metadata: usageType, display, contentType, length, sha2, fileUrl."""

from __future__ import annotations

import re
from typing import Any

from statements.validation.iri import check_iri
from statements.validation.language import check_language_map
from statements.validation.report import Report
from statements.validation.values import describe, is_array, is_object, is_string, missing, unknown

_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
    r"(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[^\"]*\"))*\Z"
)
_SHA2 = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
_REQUIRED = (
    ("usageType", "the IRI saying how the attachment is used"),
    ("display", "a display name (language map)"),
    ("contentType", "the attachment's media type"),
    ("length", "the attachment's size in octets"),
    ("sha2", "the SHA-2 hash of the attachment's content"),
)


def check_attachments(value: Any, path: str, r: Report) -> None:
    if not is_array(value, path, r):
        return
    for i, item in enumerate(value):
        _check_attachment(item, f"{path}[{i}]", r)


def _check_attachment(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if key in ("usageType", "fileUrl"):
            check_iri(item, p, r)
        elif key in ("display", "description"):
            check_language_map(item, p, r)
        elif key == "contentType":
            if is_string(item, p, r) and not _MEDIA_TYPE.match(item):
                r.error(p, "attachment.content_type", f"'{item}' is not an Internet media type.")
        elif key == "length":
            if type(item) is not int:
                r.error(p, "type.integer", f"Must be a whole number, not {describe(item)}.")
            elif item < 0:
                r.error(p, "attachment.length", "An attachment length cannot be negative.")
        elif key == "sha2":
            if is_string(item, p, r) and not _SHA2.match(item):
                r.error(p, "attachment.sha2", "Must be a SHA-224/256/384/512 hash in hex.")
        else:
            unknown(p, r, "an Attachment")
    for key, what in _REQUIRED:
        if key not in value:
            missing(path + "." + key, r, what)
    if value.get("usageType") == SIGNATURE and value.get("contentType") not in (
        None,
        "application/octet-stream",
    ):
        r.error(
            path + ".contentType",
            "attachment.signature_content_type",
            "A statement signature attachment must have contentType application/octet-stream.",
        )
