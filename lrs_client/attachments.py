"""Statement attachments: multipart/mixed requests and responses (xAPI Data 2.4.11).

A request carries the statements as the first part (``application/json``)
and then one part per attachment, each with its ``X-Experience-API-Hash``
(SHA-256 hex) so the LRS can match it to the statement's ``sha2``. The same
shape comes back from ``GET statements?attachments=true``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lrs_client.errors import ProtocolError


@dataclass(frozen=True)
class Attachment:
    """Raw attachment content plus the metadata the statement will carry."""

    content: bytes
    content_type: str
    usage_type: str
    display: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)

    @property
    def sha2(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def metadata(self) -> dict[str, Any]:
        """The statement's ``attachments[]`` entry for this content."""
        entry: dict[str, Any] = {
            "usageType": self.usage_type,
            "display": self.display,
            "contentType": self.content_type,
            "length": len(self.content),
            "sha2": self.sha2,
        }
        if self.description:
            entry["description"] = self.description
        return entry


def attach(statement: dict[str, Any], *attachments: Attachment) -> dict[str, Any]:
    """A copy of ``statement`` whose ``attachments`` list describes ``attachments``."""
    listed = list(statement.get("attachments", []))
    listed.extend(a.metadata() for a in attachments)
    return {**statement, "attachments": listed}


def encode_multipart(
    statements_json: bytes, attachments: Iterable[Attachment]
) -> tuple[bytes, str]:
    """Body and Content-Type header for statements with attachments (one part per hash)."""
    boundary = "xapi-" + secrets.token_hex(12)
    delimiter = f"--{boundary}\r\n".encode()
    chunks = [delimiter, b"Content-Type: application/json\r\n\r\n", statements_json, b"\r\n"]
    seen: set[str] = set()
    for item in attachments:
        if item.sha2 in seen:
            continue
        seen.add(item.sha2)
        chunks += [
            delimiter,
            f"Content-Type: {item.content_type}\r\n".encode(),
            b"Content-Transfer-Encoding: binary\r\n",
            f"X-Experience-API-Hash: {item.sha2}\r\n\r\n".encode(),
            item.content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def decode_multipart(body: bytes, content_type: str) -> tuple[Any, dict[str, bytes]]:
    """The JSON of the first part and the attachments by SHA-256 hash.

    Each part's content is checked against its ``X-Experience-API-Hash``;
    a mismatch is a :class:`ProtocolError` naming the hash.
    """
    boundary = _boundary(content_type)
    delimiter = b"--" + boundary.encode()
    pieces = body.split(delimiter)
    parts: list[tuple[dict[str, str], bytes]] = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        head, sep, content = piece.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise ProtocolError("malformed multipart part: no blank line after its headers")
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, content.removesuffix(b"\r\n")))
    if not parts:
        raise ProtocolError("multipart response without parts")
    try:
        document = json.loads(parts[0][1])
    except ValueError:
        raise ProtocolError("the first multipart part is not JSON") from None
    found: dict[str, bytes] = {}
    for headers, content in parts[1:]:
        actual = hashlib.sha256(content).hexdigest()
        claimed = headers.get("x-experience-api-hash", "").strip().lower()
        if claimed and claimed != actual:
            raise ProtocolError(
                f"attachment part with X-Experience-API-Hash {claimed[:64]} has content "
                f"whose SHA-256 is {actual}: corrupted or truncated"
            )
        found[claimed or actual] = content
    return document, found


def _boundary(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"')
    raise ProtocolError("multipart response without a boundary")
