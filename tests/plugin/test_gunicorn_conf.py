"""Gunicorn with ``plugin.gunicorn_conf``: several worker processes on one
port, and ``/metrics`` counting the requests of all of them, whichever
worker answers the scrape."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from plugin.demo.local_lrs import free_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Unix only")

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scraper-" + uuid.uuid4().hex
COUNT = re.compile(
    r'^leaderled_http_request_duration_seconds_count\{[^}]*endpoint="health.healthz"[^}]*\} '
    r"([0-9.e+]+)$",
    re.MULTILINE,
)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _healthz_count(base: str) -> float:
    scraped = requests.get(
        base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert scraped.status_code == 200, scraped.text
    return sum(float(value) for value in COUNT.findall(scraped.text))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts workers through /proc")
@pytest.mark.parametrize("given", [True, False], ids=["directory-given", "directory-made"])
def test_two_workers_one_port_and_metrics_summed_over_both(
    database_url: str, tmp_path: Path, given: bool
) -> None:
    """With the counters' directory given, or made by the settings (the
    workers then choose where counters live after the fork)."""
    port = free_port()
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"")  # left from an earlier run: wiped at start
    env = {
        **os.environ,
        "LEADERLED_DATABASE_URL": database_url,
        "LEADERLED_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LEADERLED_SECRET_KEY": uuid.uuid4().hex,
        "LEADERLED_METRICS_TOKEN": TOKEN,
        "LEADERLED_WEB_BIND": f"127.0.0.1:{port}",
        "LEADERLED_WEB_PROCESSES": "2",
        "LEADERLED_WEB_THREADS": "4",
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
    }
    if not given:
        del env["PROMETHEUS_MULTIPROC_DIR"]
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:plugin.gunicorn_conf", "plugin:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    answered = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    answered = True
                    break
            except requests.RequestException:
                time.sleep(0.2)
        assert answered, (tmp_path / "gunicorn.log").read_text()
        assert len(_children(server.pid)) == 2
        # Start-up polls a slow machine gave up on were answered all the same.
        before = _healthz_count(base)

        def one(_: int) -> int:
            # A new connection each time, so both workers get some.
            return requests.get(
                base + "/healthz", headers={"Connection": "close"}, timeout=10
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(one, range(60)))
        assert codes == [200] * 60

        if given:
            assert not (shared / "counter_1.db").exists()
            assert list(shared.glob("histogram_*.db"))  # the workers count there
        # Every scrape, whichever worker answers it, sees every request.
        assert [_healthz_count(base) for _ in range(4)] == [before + 60] * 4
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=40)
        finally:
            if server.poll() is None:
                server.kill()
            log.close()
    assert code == 0
