"""Turning what callers hand us into statements ready to send.

Accepted: dicts (any ``Mapping``), JSON text (``str`` or ``bytes``), and
TinCanPython ``Statement`` objects (anything with ``to_json()``), converted
through JSON so nothing here depends on tincan. Every statement gets an id
on the client side, as the spec recommends, so a resend can never create a
duplicate; a JSON text that already has an id is sent byte for byte.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from lrs_client.errors import InvalidStatement


@runtime_checkable
class ToJson(Protocol):
    """The part of TinCanPython's ``Statement`` we use."""

    def to_json(self) -> str: ...


StatementInput = Mapping[str, Any] | str | bytes | ToJson


@dataclass(frozen=True)
class Prepared:
    """One statement with its id fixed and its JSON body serialised once."""

    id: str
    statement: dict[str, Any]
    body: bytes


def to_dict(item: StatementInput) -> dict[str, Any]:
    """A statement as a plain dict (a shallow copy; the caller's object is not changed)."""
    if isinstance(item, Mapping):
        return dict(item)
    if isinstance(item, str | bytes):
        return _parse(item)
    if isinstance(item, ToJson):
        return _parse(item.to_json())
    raise InvalidStatement(
        f"cannot send a {type(item).__name__} as a statement; "
        "pass a dict, JSON text or a tincan Statement"
    )


def prepare(item: StatementInput) -> Prepared:
    """Fix the id (generating one when missing) and serialise."""
    if isinstance(item, str | bytes):
        statement = _parse(item)
        if isinstance(statement.get("id"), str):
            raw = item.encode() if isinstance(item, str) else item
            return Prepared(statement["id"], statement, raw.strip())
    else:
        statement = to_dict(item)
    sid = statement.get("id")
    if sid is None:
        sid = str(uuid.uuid4())
        statement["id"] = sid
    elif not isinstance(sid, str):
        raise InvalidStatement("a statement id must be a UUID string")
    return Prepared(sid, statement, dumps(statement))


def dumps(value: Any) -> bytes:
    """Compact, stable JSON, as sent on the wire."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _parse(text: str | bytes) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidStatement(f"statement is not valid JSON ({exc.msg} at {exc.pos})") from None
    except ValueError:
        raise InvalidStatement("statement is not valid JSON text") from None
    if not isinstance(value, dict):
        raise InvalidStatement("a statement must be a JSON object")
    return value
