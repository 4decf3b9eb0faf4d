"""A real LRS behind a gate that refuses, like an LRS's own policy would,
every statement about an activity it does not know yet (400 and a reason,
the whole batch, as xAPI wants) until :meth:`PolicyProxy.allow` is called: a cause outside the
statement that an LRS administrator fixes, after which the same bytes pass."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from tests.plugin.core.counting_proxy import HOP_BY_HOP, CountingProxy


class PolicyProxy(CountingProxy):
    def __init__(self, upstream: str, refused_activity: str) -> None:
        self.refused_activity = refused_activity
        self.refusing = True
        super().__init__(upstream)

    @property
    def reason(self) -> str:
        return (
            f"Activity {self.refused_activity} is not registered with this LRS: "
            "ask its administrator to register it"
        )

    def allow(self) -> None:
        self.refusing = False

    def _refuses(self, body: bytes) -> bool:
        if not self.refusing:
            return False
        try:
            data = json.loads(body)
        except ValueError:
            return False
        items = data if isinstance(data, list) else [data]
        return any(
            isinstance(s, dict) and s.get("object", {}).get("id") == self.refused_activity
            for s in items
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler()
        proxy = self

        class Gate(base):  # type: ignore[valid-type,misc]
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                statements = self.path.split("?")[0].endswith("/statements")
                if self.command == "POST" and statements:
                    proxy._count(body)
                if self.command in ("POST", "PUT") and statements and proxy._refuses(body):
                    self._answer(400, {"errorId": "policy", "message": proxy.reason})
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = proxy._session().request(
                    self.command, proxy.upstream + self.path, data=body, headers=headers, timeout=60
                )
                self.send_response(upstream.status_code)
                for key, value in upstream.headers.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            def _answer(self, status: int, payload: dict[str, str]) -> None:
                content = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Experience-API-Version", "1.0.3")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        return Gate
