"""Start and stop real LRSs on free loopback ports (used by the fixtures and the benchmarks).

Each listens on a socket bound here and handed down (``LISTEN_FD``), so its
port is its own from the start, not chosen free and bound by the LRS later.

- Learning Locker's statement service (``xapi-statements`` from npm) in
  memory mode with test auth: any Basic credentials are accepted.
- Ralph (``ralph-malph``) on its filesystem backend, with real Basic auth
  (bcrypt hash in an auth file) and the append workaround applied by
  ``ralph_launcher.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from plugin.demo.local_lrs import LISTEN_ON_FD

HERE = Path(__file__).resolve().parent
NODE_ENTRY = HERE / "node_modules" / "xapi-statements" / "dist" / "index.js"
READY_TIMEOUT = 45.0


class LRSStartError(RuntimeError):
    """The LRS did not come up; the message ends with its log."""


def reserved_socket() -> socket.socket:
    """A socket bound to a free loopback port, not listening yet: the port is
    the LRS's from now on, while connecting to it is refused as to a server
    that is down until ``RunningLRS.start``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # No SO_REUSEADDR: with it, another socket could bind and listen on the port.
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class RunningLRS:
    """A started LRS: what a client needs plus control over the process."""

    name: str
    endpoint: str
    username: str
    password: str
    port: int
    workdir: Path
    command: list[str]
    env: dict[str, str]
    ready_path: str
    #: Its socket, bound by the factory (``reserved_socket``); made to listen and
    #: handed to the process (``LISTEN_FD``) at the first start. A restart binds
    #: the same port again.
    listening: socket.socket | None = field(default=None, repr=False)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / f"{self.name}.log"

    def start(self) -> None:
        sock = self.listening or socket.create_server(("127.0.0.1", self.port))
        self.listening = None
        # As every server sets it: the connections it accepts inherit it, so a
        # restart can bind the port while their ends linger (FIN_WAIT, TIME_WAIT).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.listen()
        with sock, self.log_path.open("ab") as log:  # the process keeps its own copies
            self.process = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env={**self.env, "LISTEN_FD": str(sock.fileno())},
                pass_fds=(sock.fileno(),),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def stop(self) -> None:
        if self.listening is not None:  # never started: give the port back
            self.listening.close()
            self.listening = None
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def ensure_running(self) -> RunningLRS:
        """Start it again if it died (Learning Locker exits on some uncaught errors)."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            self.start()
        return self

    def restart(self) -> None:
        """Stop and start again on the same port (memory-mode LRSs come back empty)."""
        self.stop()
        self.start()

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        url = f"http://127.0.0.1:{self.port}{self.ready_path}"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise LRSStartError(
                    f"{self.name} exited with code {self.process.returncode} before it was "
                    f"ready; its log:\n{self.log_tail()}"
                )
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise LRSStartError(
            f"{self.name} was not ready on port {self.port} within {READY_TIMEOUT:.0f}s; "
            f"its log:\n{self.log_tail()}"
        )


def learning_locker(workdir: Path) -> RunningLRS:
    """Learning Locker's statement service, in memory; not started yet."""
    node = shutil.which("node")
    if node is None or not NODE_ENTRY.exists():
        raise LRSStartError(
            "Learning Locker's statement service needs Node.js 20 and its npm package: "
            "run `scripts/bootstrap.sh node`"
        )
    for sub in ("storage", "access"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    sock = reserved_socket()
    port = sock.getsockname()[1]
    env = {
        **os.environ,
        "AUTH_REPO": "test",
        "EVENTS_REPO": "test",
        "MODELS_REPO": "memory",
        "STORAGE_REPO": "local",
        "EXPRESS_PORT": str(port),
        "FS_LOCAL_STORAGE_DIR": str(workdir / "storage"),
        "EXPRESS_MORGAN_DIRECTORY": str(workdir / "access"),
        "WINSTON_CONSOLE_LEVEL": "warn",
        "NEW_RELIC_ENABLED": "false",
        "NODE_NO_WARNINGS": "1",
    }
    return RunningLRS(
        name="learning-locker",
        endpoint=f"http://127.0.0.1:{port}/xAPI/",
        username="ll-key",
        password="ll-secret",
        port=port,
        workdir=workdir,
        command=[node, str(LISTEN_ON_FD), str(NODE_ENTRY)],
        env=env,
        ready_path="/xAPI/about",
        listening=sock,
    )


def ralph(workdir: Path, username: str = "leaderled", password: str = "ralph-secret") -> RunningLRS:
    """Ralph on the filesystem backend with one Basic-auth user; not started yet."""
    import bcrypt

    workdir.mkdir(parents=True, exist_ok=True)
    auth_file = workdir / "auth.json"
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
    auth_file.write_text(
        json.dumps(
            [
                {
                    "agent": {"mbox": "mailto:leaderled@example.org", "objectType": "Agent"},
                    "scopes": ["all"],
                    "username": username,
                    "hash": hashed,
                }
            ]
        )
    )
    sock = reserved_socket()
    port = sock.getsockname()[1]
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(workdir),
        "RALPH_AUTH_FILE": str(auth_file),
        "RALPH_HISTORY_FILE": str(workdir / "history.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir),
        "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(workdir),
    }
    return RunningLRS(
        name="ralph",
        endpoint=f"http://127.0.0.1:{port}/xAPI/",
        username=username,
        password=password,
        port=port,
        workdir=workdir,
        command=[sys.executable, str(HERE / "ralph_launcher.py")],
        env=env,
        ready_path="/__heartbeat__",
        listening=sock,
    )


def clear_ralph(server: RunningLRS) -> None:
    """Empty Ralph's store: its filesystem backend re-reads the files on every request."""
    for name in ("fs_lrs.jsonl", "history.json"):
        path = server.workdir / name
        if path.exists():
            path.write_text("" if name.endswith("jsonl") else "[]")
