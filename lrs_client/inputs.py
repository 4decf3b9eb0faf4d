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
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from lrs_client.errors import InvalidStatement


@runtime_checkable
class ToJson(Protocol):
    """The part of TinCanPython's ``Statement`` we use."""

    def to_json(self) -> str: ...


StatementInput = Mapping[str, Any] | str | bytes | ToJson

# One shared encoder: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class Prepared:
    """One statement with its id fixed; its own JSON is made only when needed.

    Batches are serialised whole (one encoder call for hundreds of
    statements is much cheaper than one per statement); a statement's own
    ``body`` is only needed when a batch is split. JSON text given by the
    caller is kept as ``raw`` and always sent byte for byte.
    """

    __slots__ = ("_body", "id", "raw", "statement")

    def __init__(self, sid: str, statement: dict[str, Any], raw: bytes | None = None) -> None:
        self.id = sid
        self.statement = statement
        self.raw = raw
        self._body = raw

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = _ENCODER.encode(self.statement).encode()
        return self._body


def batch_body(items: Sequence[Prepared]) -> bytes:
    """The JSON array for a POST: one encoder call unless some inputs came as text."""
    if all(item.raw is None for item in items):
        return _ENCODER.encode([item.statement for item in items]).encode()
    return b"[" + b",".join(item.body for item in items) + b"]"


def to_dict(item: StatementInput) -> dict[str, Any]:
    """A statement as a plain dict (a shallow copy; the caller's object is not changed)."""
    if type(item) is dict or isinstance(item, Mapping):
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
    if type(item) is dict and isinstance(item.get("id"), str):
        # The hot path of every delivery: nothing to add, so no copy.
        return Prepared(item["id"], item)
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
    return Prepared(sid, statement)


def dumps(value: Any) -> bytes:
    """Compact JSON, as sent on the wire."""
    return _ENCODER.encode(value).encode()


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
