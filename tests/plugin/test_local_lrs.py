"""The demo's LRS and the test LRSs listen on a socket bound before they start
(``plugin/demo/listen_on_fd.js``): their port is theirs from the start."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from plugin.demo.local_lrs import LISTEN_ON_FD, LocalLRS
from tests.lrs_servers.servers import learning_locker

pytestmark = pytest.mark.lrs


def test_the_demo_lrs_answers_on_the_port_it_bound() -> None:
    with LocalLRS() as lrs:
        assert lrs.port > 0
        about = requests.get(lrs.endpoint + "about", timeout=5)
        assert about.ok
        assert "1.0.3" in about.json()["version"]


def test_learning_locker_listens_on_the_handed_socket_not_on_its_configured_port(
    tmp_path: Path,
) -> None:
    squatter = socket.create_server(("127.0.0.1", 0))  # what once raced: the port taken
    lrs = learning_locker(tmp_path)
    lrs.env["EXPRESS_PORT"] = str(squatter.getsockname()[1])
    try:
        lrs.start()  # would exit with EADDRINUSE if it bound EXPRESS_PORT itself
        assert requests.get(lrs.endpoint + "about", timeout=5).ok
        lrs.restart()  # the same port again, bound anew
        assert requests.get(lrs.endpoint + "about", timeout=5).ok
    finally:
        lrs.stop()
        squatter.close()


def test_a_learning_locker_not_started_refuses_connections(tmp_path: Path) -> None:
    lrs = learning_locker(tmp_path)  # its port reserved, nothing listening: "down"
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(lrs.endpoint + "about", timeout=5)
        with pytest.raises(OSError):  # and nobody else can take the port meanwhile
            socket.create_server(("127.0.0.1", lrs.port))
    finally:
        lrs.stop()


def test_the_wrapper_says_how_to_use_it_without_a_socket() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is installed by scripts/bootstrap.sh node"
    done = subprocess.run(
        [node, str(LISTEN_ON_FD), "server.js"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 2
    assert "LISTEN_FD" in done.stderr
