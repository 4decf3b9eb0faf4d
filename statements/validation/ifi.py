"""Inverse functional identifiers: exactly one of mbox, mbox_sha1sum, openid, account."""

from __future__ import annotations

import re
from typing import Any

from statements.validation.iri import check_iri
from statements.validation.report import Report
from statements.validation.values import is_object, is_string, missing, null, unknown

IFI_KEYS = frozenset({"mbox", "mbox_sha1sum", "openid", "account"})

_ADDRESS = re.compile(r"[^@\s:/]+@[^@\s/]+\Z")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}\Z")


def check_ifi_value(key: str, value: Any, path: str, r: Report) -> None:
    """One identifier's own format; ``key`` is one of :data:`IFI_KEYS`."""
    if value is None:
        null(path, r)
    elif key == "mbox":
        if not is_string(value, path, r):
            return
        if not value.startswith("mailto:"):
            r.error(path, "ifi.mbox_scheme", f"'{value}' must be a mailto IRI (mailto:name@host).")
        elif not _ADDRESS.match(value[7:]):
            r.error(path, "ifi.mbox_invalid", f"'{value}' does not hold an email address.")
        elif "." not in value.rsplit("@", 1)[1]:
            r.warn(
                path,
                "ifi.mbox_strict_lrs",
                f"'{value}' has no dot in its domain: an email address, but the ADL "
                "reference LRS refuses it (the statement would be parked there).",
            )
    elif key == "mbox_sha1sum":
        if is_string(value, path, r) and not _SHA1.match(value):
            r.error(
                path, "ifi.sha1_invalid", "Must be the SHA-1 of a mailto IRI: 40 hex characters."
            )
    elif key == "openid":
        check_iri(value, path, r)
    else:
        _check_account(value, path, r)


def _check_account(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        if key == "homePage":
            check_iri(item, path + ".homePage", r)
        elif key == "name":
            is_string(item, path + ".name", r)
        else:
            unknown(path + "." + key, r, "an account")
    if "homePage" not in value:
        missing(path + ".homePage", r, "an account needs the IRL of the system holding it")
    if "name" not in value:
        missing(path + ".name", r, "an account needs the unique id or name on that system")


def count_message(found: list[str], what: str) -> str:
    if not found:
        return f"{what} has no inverse functional identifier (mbox, mbox_sha1sum, openid, account)."
    return (
        f"{what} has {len(found)} inverse functional identifiers ({', '.join(found)}); "
        "exactly one is allowed."
    )
