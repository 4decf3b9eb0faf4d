"""A fault-injecting HTTP proxy in front of a real LRS, and a null-sink LRS.

``FaultProxy`` forwards every request to the real LRS behind it unless a
queued fault matches first: answer a status (429 with ``Retry-After``, 503,
413...), reset the connection, stall before forwarding, or accept and
never answer. ``max_body`` answers 413 to any larger body;
``refuse_unauthenticated`` answers requests without credentials the way
ADL's reference LRS does (400 "Request has no authorization"). ``log`` records
what happened to each request, so tests can assert what reached the LRS.

``NullSink`` is an LRS that stores nothing: it answers ``/about``, accepts
statement batches and returns their ids; benchmarks use it to measure the
client's own cost.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


@dataclass
class Fault:
    """What to do with one matching request (``kind``: reply, reset, stall, hang)."""

    kind: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    method: str | None = None
    path: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path in path
        )


def reply(status: int, body: Any = None, **headers: str) -> Fault:
    payload = b"" if body is None else json.dumps(body).encode()
    return Fault("reply", status=status, headers=headers, body=payload)


def reset() -> Fault:
    return Fault("reset")


def stall(seconds: float) -> Fault:
    return Fault("stall", seconds=seconds)


def hang() -> Fault:
    return Fault("hang")


@dataclass
class Seen:
    """One request the proxy received and what it did with it."""

    method: str
    path: str
    action: str
    status: int | None
    body: bytes
    at: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Base:
    """Runs a handler-based server on a free loopback port in a thread."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        handler = self._handler_class()
        self._server = _Server(("127.0.0.1", 0), handler)
        self.port = int(self._server.server_address[1])
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self) -> _Base:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _make_handler(serve: Callable[[BaseHTTPRequestHandler, str, bytes], None]) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            serve(self, self.command, body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


class FaultProxy(_Base):
    """See the module docstring. ``upstream`` is the real LRS's origin (scheme://host:port)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.max_body: int | None = None
        self.unauthenticated: tuple[int, bytes, frozenset[str] | None] | None = None
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        super().__init__()

    def add(self, fault: Fault, times: int = 1) -> FaultProxy:
        with self._lock:
            self.faults.extend(fault for _ in range(times))
        return self

    def refuse_unauthenticated(
        self,
        status: int = 400,
        body: bytes = b"Request has no authorization",
        methods: frozenset[str] | None = None,
    ) -> FaultProxy:
        """Answer requests (of ``methods``; all by default) that carry no Authorization."""
        self.unauthenticated = (status, body, methods)
        return self

    def seen(self, method: str = "POST", action: str | None = None) -> list[Seen]:
        return [
            s for s in self.log if s.method == method and (action is None or s.action == action)
        ]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self._serve)

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self.faults):
                if fault.matches(method, path):
                    return self.faults.pop(i)
        return None

    def _record(self, method: str, path: str, action: str, status: int | None, body: bytes) -> None:
        with self._lock:
            self.log.append(Seen(method, path, action, status, body, time.monotonic()))

    def _serve(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        path = handler.path
        if self.max_body is not None and len(body) > self.max_body:
            self._record(method, path, "too-large", 413, body)
            send(handler, 413, b'{"message":"payload too large"}', {})
            return
        refusal = self.unauthenticated
        if (
            refusal is not None
            and "Authorization" not in handler.headers
            and (refusal[2] is None or method in refusal[2])
        ):
            self._record(method, path, "unauthenticated", refusal[0], body)
            send(handler, refusal[0], refusal[1], {"Content-Type": "text/plain"})
            return
        fault = self._take(method, path)
        if fault is not None and fault.kind == "reply":
            self._record(method, path, "fault", fault.status, body)
            send(handler, fault.status, fault.body, fault.headers)
            return
        if fault is not None and fault.kind == "reset":
            self._record(method, path, "reset", None, body)
            sock = handler.connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            handler.close_connection = True
            return
        if fault is not None and fault.kind == "hang":
            self._record(method, path, "hang", None, body)
            self.stopping.wait(60)
            handler.close_connection = True
            return
        if fault is not None and fault.kind == "stall":
            time.sleep(fault.seconds)
        self._forward(handler, method, path, body)

    def _forward(
        self, handler: BaseHTTPRequestHandler, method: str, path: str, body: bytes
    ) -> None:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        headers = {
            k: v
            for k, v in handler.headers.items()
            if k.lower() not in ("host", "content-length", "connection")
        }
        try:
            upstream = session.request(
                method, self.upstream + path, headers=headers, data=body or None, timeout=30
            )
        except requests.RequestException:
            # The LRS behind is down: the client sees the connection drop, as it would.
            self._record(method, path, "upstream-down", None, body)
            handler.close_connection = True
            return
        self._record(method, path, "forwarded", upstream.status_code, body)
        out = {
            k: v
            for k, v in upstream.headers.items()
            if k.lower()
            not in (
                "content-length",
                "connection",
                "transfer-encoding",
                "keep-alive",
                "content-encoding",
            )
        }
        try:
            send(handler, upstream.status_code, upstream.content, out)
        except OSError:
            handler.close_connection = True


_STATEMENT_ID = re.compile(rb'"id": ?"([0-9a-fA-F-]{36})"')


class NullSink(_Base):
    """An LRS that keeps nothing; counts what it accepted."""

    def __init__(self, versions: tuple[str, ...] = ("1.0.3",)) -> None:
        self.versions = versions
        self.accepted = 0
        self._lock = threading.Lock()
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self._serve)

    def _serve(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        if handler.path.startswith("/xAPI/about"):
            about = {"version": list(self.versions)}
            send(handler, 200, json.dumps(about).encode(), {"Content-Type": "application/json"})
            return
        if method in ("POST", "PUT") and handler.path.startswith("/xAPI/statements"):
            # Statement ids are the only UUID-valued "id" keys in benchmark statements;
            # a regex keeps the sink's own cost far below any client's.
            ids = [m.decode() for m in _STATEMENT_ID.findall(body)]
            with self._lock:
                self.accepted += len(ids)
            status = 204 if method == "PUT" else 200
            payload = b"" if status == 204 else json.dumps(ids).encode()
            send(handler, status, payload, {"Content-Type": "application/json"})
            return
        send(handler, 200, b'{"statements":[],"more":""}', {"Content-Type": "application/json"})
