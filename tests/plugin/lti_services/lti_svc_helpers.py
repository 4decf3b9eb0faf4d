"""Helpers shared by the LTI services tests: real servers on loopback ports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from werkzeug.serving import make_server


@dataclass
class Served:
    app: Flask
    url: str


def serve(app: Flask) -> Iterator[Served]:
    """Run ``app`` on a free loopback port in a thread (concurrent requests)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
