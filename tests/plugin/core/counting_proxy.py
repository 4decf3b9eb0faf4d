"""A small HTTP proxy in front of a real LRS that counts how often each statement id is POSTed."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}


class CountingProxy:
    def __init__(self, upstream: str) -> None:
        """``upstream`` is scheme://host:port of the LRS (paths pass through unchanged)."""
        self.upstream = upstream.rstrip("/")
        self.posted: Counter[str] = Counter()
        self.posts = 0
        self._lock = threading.Lock()
        self._http = threading.local()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, path: str = "/xAPI/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _session(self) -> requests.Session:
        session = getattr(self._http, "session", None)
        if session is None:
            session = self._http.session = requests.Session()
        return session

    def _count(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            return
        items = data if isinstance(data, list) else [data]
        ids = [str(s.get("id", "")).lower() for s in items if isinstance(s, dict)]
        with self._lock:
            self.posts += 1
            self.posted.update(ids)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.command == "POST" and self.path.split("?")[0].endswith("/statements"):
                    proxy._count(body)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = proxy._session().request(
                    self.command,
                    proxy.upstream + self.path,
                    data=body,
                    headers=headers,
                    timeout=60,
                )
                content = upstream.content
                self.send_response(upstream.status_code)
                for key, value in upstream.headers.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        return Handler
