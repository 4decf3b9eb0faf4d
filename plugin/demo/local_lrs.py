"""A local LRS for the demo: Learning Locker's statement service, in memory.

Started as a child process listening on a loopback socket bound here (a free
port, held from the start: ``listen_on_fd.js``); it forgets everything when
stopped, which is what a demo wants. Not for production: point
``LEADERLED_LRS_ENDPOINT`` at the organisation's LRS instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

from plugin.lti_platform.server import listening_socket

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NODE_DIR = REPO_ROOT / "tests" / "lrs_servers"
#: Runs a Node server on an inherited listening socket: ``node LISTEN_ON_FD
#: SCRIPT`` with the descriptor in ``LISTEN_FD`` (and in ``Popen(pass_fds=)``).
LISTEN_ON_FD = Path(__file__).resolve().with_name("listen_on_fd.js")


def free_port() -> int:
    """A loopback port nothing listens on just now: for pointing at a server
    that is down. A server of ours binds its socket itself (``listening_socket``)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalLRS:
    """Runs ``xapi-statements`` (memory mode, test auth: any Basic credentials)."""

    #: Known once started: the port of the socket ``start`` binds.
    port: int = field(default=0, init=False)
    node_dir: Path = DEFAULT_NODE_DIR
    startup_timeout: float = 30.0
    _process: subprocess.Popen[bytes] | None = None
    _workdir: str | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> LocalLRS:
        entry = self.node_dir / "node_modules" / "xapi-statements" / "dist" / "index.js"
        if not entry.exists():
            raise RuntimeError(
                f"Learning Locker's statement service is not installed in {self.node_dir}; "
                "run `scripts/bootstrap.sh node` first."
            )
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js is needed for the local LRS; install Node.js 20.")
        self._workdir = tempfile.mkdtemp(prefix="leaderled-lrs-")
        env = dict(
            os.environ,
            AUTH_REPO="test",
            EVENTS_REPO="test",
            MODELS_REPO="memory",
            STORAGE_REPO="local",
        )
        if os.name == "nt":  # no inherited sockets there: a free port, bound by Node
            self.port = free_port()
            self._process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
                [node, str(entry)],
                cwd=self._workdir,
                env={**env, "EXPRESS_PORT": str(self.port)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            with listening_socket("127.0.0.1") as sock:  # the child keeps its own copy
                self.port = sock.getsockname()[1]
                self._process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
                    [node, str(LISTEN_ON_FD), str(entry)],
                    cwd=self._workdir,
                    # EXPRESS_PORT is only logged: it listens on the socket.
                    env={**env, "EXPRESS_PORT": str(self.port), "LISTEN_FD": str(sock.fileno())},
                    pass_fds=(sock.fileno(),),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError("the local LRS exited while starting")
            try:
                if requests.get(self.endpoint + "about", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the local LRS did not answer within {self.startup_timeout:.0f} s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> LocalLRS:
        return self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.stop()
