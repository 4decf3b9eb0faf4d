"""Serve a WSGI app on a loopback port in a background thread (tests, demo).

Threaded, because a real LMS and tool call each other while serving (the
tool fetches the platform's keys during a launch the platform started).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread
    host: str

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket bound and listening on a free port of ``host`` (IPv4), for
    ``serve_in_thread``: its port is known before the app that needs its own URL
    is built, and nothing can take it meanwhile. Choosing a free port and
    binding it later raced with the ephemeral ports of every connection made
    in between (the demo's LRS, database and LMS calls)."""
    return socket.create_server((host, 0), family=socket.AF_INET)


def serve_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, *, sock: socket.socket | None = None
) -> RunningServer:
    """Serve ``app`` on ``host``:``port``, or on ``sock`` (``listening_socket``)."""
    if sock is not None:
        with sock:  # the server keeps a duplicate of its descriptor
            server = make_server(host, sock.getsockname()[1], app, threaded=True, fd=sock.fileno())
    else:
        server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"wsgi-{host}", daemon=True)
    thread.start()
    return RunningServer(server=server, thread=thread, host=host)
