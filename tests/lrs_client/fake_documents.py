"""A small in-memory document LRS (state, activity profile, agent profile) over real HTTP.

Neither real LRS in the test set serves the document resources (Learning
Locker's statement service and Ralph only do statements), so the document
client is tested against this server, which follows xAPI Communication 2.2-2.6:
ETags on GET and writes, ``If-Match`` / ``If-None-Match`` answered with 412,
409 when a PUT over an existing document comes without either header, POST
merging JSON objects, and id lists filtered by ``since``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.lrs_client.faults import _Base, _make_handler, send

RESOURCES = {
    "/xAPI/activities/state": ("stateId", ("activityId", "agent", "registration")),
    "/xAPI/activities/profile": ("profileId", ("activityId",)),
    "/xAPI/agents/profile": ("profileId", ("agent",)),
}


class FakeDocumentLRS(_Base):
    def __init__(self) -> None:
        self.docs: dict[tuple[str, ...], tuple[bytes, str, str, datetime]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self._serve)

    def _serve(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self._lock:
            self.requests.append((method, dict(handler.headers.items())))
        if url.path == "/xAPI/about":
            send(handler, 200, b'{"version":["1.0.3"]}', {"Content-Type": "application/json"})
            return
        if url.path not in RESOURCES:
            send(handler, 404, b'{"message":"no such resource"}', {})
            return
        if handler.headers.get("X-Experience-API-Version") != "1.0.3":
            send(handler, 400, b'{"message":"missing version header"}', {})
            return
        id_param, key_params = RESOURCES[url.path]
        base = (url.path, *(query.get(k, "") for k in key_params))
        with self._lock:
            if id_param not in query:
                self._list(handler, method, base, query)
                return
            key = (*base, query[id_param])
            self._one(handler, method, key, body)

    def _list(
        self, handler: Any, method: str, base: tuple[str, ...], query: dict[str, str]
    ) -> None:
        if method != "GET":
            send(handler, 400, b'{"message":"id required"}', {})
            return
        since = query.get("since")
        moment = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
        ids = [
            key[-1]
            for key, (_, _, _, at) in self.docs.items()
            if key[:-1] == base and (moment is None or at > moment)
        ]
        send(handler, 200, json.dumps(sorted(ids)).encode(), {"Content-Type": "application/json"})

    def _one(self, handler: Any, method: str, key: tuple[str, ...], body: bytes) -> None:
        current = self.docs.get(key)
        etag = f'"{current[2]}"' if current else None
        if_match = handler.headers.get("If-Match")
        if_none = handler.headers.get("If-None-Match")
        if method == "GET":
            if current is None:
                send(handler, 404, b'{"message":"no document"}', {})
            else:
                headers = {"Content-Type": current[1], "ETag": str(etag)}
                send(handler, 200, current[0], headers)
            return
        if if_match is not None and if_match != etag:
            send(handler, 412, b'{"message":"ETag does not match"}', {})
            return
        if if_none == "*" and current is not None:
            send(handler, 412, b'{"message":"document exists"}', {})
            return
        if method == "DELETE":
            self.docs.pop(key, None)
            send(handler, 204, b"", {})
            return
        kind = handler.headers.get("Content-Type", "application/octet-stream")
        if method == "PUT":
            if current is not None and if_match is None and if_none is None:
                send(handler, 409, b'{"message":"send If-Match or If-None-Match"}', {})
                return
            content = body
        else:  # POST merges JSON objects
            merged: dict[str, Any] = json.loads(current[0]) if current else {}
            merged.update(json.loads(body))
            content, kind = json.dumps(merged).encode(), "application/json"
        tag = hashlib.sha1(content).hexdigest()
        self.docs[key] = (content, kind, tag, datetime.now(UTC))
        send(handler, 204, b"", {"ETag": f'"{tag}"'})
