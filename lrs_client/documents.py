"""The document resources: state, activity profile and agent profile.

Each document is addressed by its key parameters (activity, agent,
registration, state or profile id). Writes can be made safe against lost
updates with the document's ETag: ``match=etag`` sends ``If-Match`` (only
overwrite what we read), ``none_match=True`` sends ``If-None-Match: *``
(only create). A failed precondition raises
:class:`~lrs_client.errors.PreconditionFailed` (412); an LRS that insists on
a precondition raises :class:`~lrs_client.errors.Conflict` (409).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lrs_client.errors import ProtocolError
from lrs_client.inputs import dumps
from lrs_client.query import iso
from lrs_client.transport import Transport


@dataclass(frozen=True)
class Document:
    """A stored document as the LRS returned it."""

    content: bytes
    content_type: str
    etag: str | None
    updated: str | None

    def json(self) -> Any:
        return json.loads(self.content)


Content = bytes | Mapping[str, Any]


class DocumentResource:
    """One of the three document resources, e.g. ``activities/state``."""

    def __init__(self, transport: Transport, path: str, id_param: str) -> None:
        self._transport = transport
        self._url = transport.endpoint.url(path)
        self._id_param = id_param

    def get(self, doc_id: str, **keys: Any) -> Document | None:
        """The document, or ``None`` when there is none."""
        params = self._params(keys, doc_id)
        response = self._transport.request("GET", self._url, params=params, ok=frozenset({404}))
        if response.status_code == 404:
            return None
        return Document(
            content=response.content,
            content_type=response.headers.get("Content-Type", "application/octet-stream"),
            etag=response.headers.get("ETag"),
            updated=response.headers.get("Last-Modified"),
        )

    def put(
        self,
        doc_id: str,
        content: Content,
        *,
        content_type: str | None = None,
        match: str | None = None,
        none_match: bool = False,
        **keys: Any,
    ) -> str | None:
        """Create or replace; returns the new ETag when the LRS sends one."""
        return self._write("PUT", doc_id, content, content_type, match, none_match, keys)

    def post(
        self,
        doc_id: str,
        content: Mapping[str, Any],
        *,
        match: str | None = None,
        none_match: bool = False,
        **keys: Any,
    ) -> str | None:
        """Merge a JSON object into the stored JSON document (the spec's POST semantics)."""
        return self._write("POST", doc_id, content, None, match, none_match, keys)

    def delete(self, doc_id: str, *, match: str | None = None, **keys: Any) -> None:
        headers = {"If-Match": match} if match else {}
        self._transport.request(
            "DELETE", self._url, params=self._params(keys, doc_id), headers=headers
        )

    def ids(self, *, since: datetime | str | None = None, **keys: Any) -> list[str]:
        """The ids of the documents under ``keys`` (optionally changed since a time)."""
        params = self._params(keys, None)
        if since is not None:
            params["since"] = iso(since)
        response = self._transport.request("GET", self._url, params=params)
        try:
            listed = json.loads(response.content)
        except ValueError:
            raise ProtocolError("the LRS answered a document id list with non-JSON") from None
        if not isinstance(listed, list):
            return []
        return [str(item) for item in listed]

    def _write(  # noqa: PLR0917 - private, called from two places
        self,
        method: str,
        doc_id: str,
        content: Content,
        content_type: str | None,
        match: str | None,
        none_match: bool,
        keys: dict[str, Any],
    ) -> str | None:
        if isinstance(content, Mapping):
            body = dumps(dict(content))
            kind = "application/json"
        else:
            body = content
            kind = content_type or "application/octet-stream"
        headers = {"Content-Type": kind}
        if match:
            headers["If-Match"] = match
        if none_match:
            headers["If-None-Match"] = "*"
        response = self._transport.request(
            method, self._url, params=self._params(keys, doc_id), headers=headers, data=body
        )
        return response.headers.get("ETag")

    def _params(self, keys: dict[str, Any], doc_id: str | None) -> dict[str, str]:
        params: dict[str, str] = {}
        for name, value in keys.items():
            if value is None:
                continue
            key = {"activity_id": "activityId", "agent": "agent", "registration": "registration"}
            if name not in key:
                raise TypeError(f"unknown document key {name!r}")
            params[key[name]] = (
                json.dumps(dict(value), separators=(",", ":"))
                if isinstance(value, Mapping)
                else str(value)
            )
        if doc_id is not None:
            params[self._id_param] = doc_id
        return params


def state(transport: Transport) -> DocumentResource:
    """Keys: ``activity_id``, ``agent`` (dict), optional ``registration``."""
    return DocumentResource(transport, "activities/state", "stateId")


def activity_profiles(transport: Transport) -> DocumentResource:
    """Keys: ``activity_id``."""
    return DocumentResource(transport, "activities/profile", "profileId")


def agent_profiles(transport: Transport) -> DocumentResource:
    """Keys: ``agent`` (dict)."""
    return DocumentResource(transport, "agents/profile", "profileId")
