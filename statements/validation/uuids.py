"""UUIDs in the standard string form (RFC 4122); variant 2 is what xAPI asks for."""

from __future__ import annotations

import re
from typing import Any

from statements.validation.report import Report
from statements.validation.values import is_string

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def check_uuid(value: Any, path: str, r: Report) -> None:
    if not is_string(value, path, r):
        return
    if not _UUID.match(value):
        r.error(
            path,
            "uuid.invalid",
            f"'{value}' is not a UUID in standard form (8-4-4-4-12 hex digits).",
        )
    elif value[19] not in "89abAB":
        r.warn(
            path,
            "uuid.variant",
            f"'{value}' is not an RFC 4122 variant 2 UUID; xAPI says UUIDs should be.",
        )
