"""The container image, run as built: web process and worker from its own filesystem.

These machines can build images (podman, chroot isolation) but cannot start
containers, so the test builds the image with ``scripts/container-build.sh``
(cached: a rebuild of an unchanged tree takes seconds), mounts it with
``podman image mount`` and runs the image's own command and ``leaderled
worker`` inside that root with ``chroot``, as the image's user, with the
image's environment. Around them: the machine's PostgreSQL, Learning
Locker's statement service and the demo LMS. A leader launches from the demo
LMS, records a coaching moment, and the worker from the image delivers it.

Opt in with ``LEADERLED_TEST_CONTAINER=1`` (needs root for chroot and the
image mount, and a few minutes the first time); see README "Container".
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from plugin import create_app, migrate
from plugin.db import get_db, session_scope
from plugin.demo.local_lrs import free_port
from plugin.demo.seed import seed
from plugin.jobs.connection import lrs_client
from plugin.lti import keys as tool_keys
from plugin.lti_platform.demo import run_demo_platform
from plugin.models.outbox import OutboxRow, OutboxState
from statements.builders import BuildOptions
from tests.conftest import _postgres_database
from tests.lrs_servers.servers import RunningLRS

REPO = Path(__file__).resolve().parent.parent
IMAGE = os.environ.get("LEADERLED_CONTAINER_IMAGE", "localhost/leaderled:latest")
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

pytestmark = [
    pytest.mark.container,
    pytest.mark.lrs,
    pytest.mark.skipif(
        os.environ.get("LEADERLED_TEST_CONTAINER") != "1",
        reason="builds and runs the container image: set LEADERLED_TEST_CONTAINER=1",
    ),
    pytest.mark.timeout(1200),
]


@dataclass(frozen=True)
class Image:
    """A mounted image and what its configuration says about running it."""

    root: Path
    user: str  # "uid:gid", resolved in the image's own /etc/passwd
    workdir: str
    env: dict[str, str]
    cmd: list[str]


def _uid_gid(root: Path, user: str) -> str:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user or fields[2] == user:
            return f"{fields[2]}:{fields[3]}"
    raise AssertionError(f"user {user!r} of the image is not in its /etc/passwd")


@pytest.fixture(scope="module")
def image() -> Iterator[Image]:
    if os.geteuid() != 0:
        pytest.skip("chroot and podman image mount need root")
    if shutil.which("podman") is None and shutil.which("apt-get") is None:
        pytest.skip("no podman, and no apt-get to install it")
    build = subprocess.run(
        [str(REPO / "scripts" / "container-build.sh")],
        cwd=REPO,
        env={**os.environ, "LEADERLED_CONTAINER_IMAGE": IMAGE},
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    inspected = subprocess.run(
        ["podman", "image", "inspect", IMAGE], capture_output=True, text=True, check=True
    )
    config: dict[str, Any] = json.loads(inspected.stdout)[0]["Config"]
    mounted = subprocess.run(
        ["podman", "image", "mount", IMAGE], capture_output=True, text=True, check=True
    )
    root = Path(mounted.stdout.strip())
    try:
        env = dict(item.split("=", 1) for item in config.get("Env", []))
        yield Image(
            root=root,
            user=_uid_gid(root, config.get("User") or "root"),
            workdir=config.get("WorkingDir") or "/",
            env=env,
            cmd=list(config["Cmd"]),
        )
    finally:
        subprocess.run(["podman", "image", "unmount", IMAGE], capture_output=True, check=False)


def _in_image(image: Image, command: list[str]) -> list[str]:
    """``command`` run inside the image's root, as its user, in its working directory."""
    return [
        "chroot",
        f"--userspec={image.user}",
        str(image.root),
        "/bin/sh",
        "-c",
        'cd "$0" && exec "$@"',
        image.workdir,
        *command,
    ]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throw-away, empty database on the machine's PostgreSQL (the image migrates it)."""
    selected = os.environ.get("LEADERLED_TEST_DATABASE", "")
    yield from _postgres_database(selected if selected.startswith("postgresql") else POSTGRES)


def _started(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _wait_for(predicate: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _answers(url: str) -> requests.Response | None:
    try:
        return requests.get(url, timeout=5)
    except requests.ConnectionError:
        return None


def _uid(pid: int) -> str:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
    assert found, status
    return found.group(1)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "the form has no CSRF token"
    return found.group(1)


def _launch(lms_url: str, role: str, lang: str) -> requests.Session:
    """What a browser does after a click in the LMS: login initiation, the
    platform's auto-submitted id_token form, the launch; the session keeps the cookies."""
    browser = requests.Session()
    page = browser.get(f"{lms_url}/demo/launch/{role}", params={"lang": lang}, timeout=30)
    assert page.status_code == 200, page.text[:500]
    form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert form, f"the LMS did not answer with its id_token form: {page.text[:500]}"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    assert "id_token" in fields, page.text[:500]
    launched = browser.post(form.group(1), data=fields, timeout=30)
    assert launched.status_code == 200, launched.text[:1000]
    return browser


def test_the_image_serves_a_launch_and_its_worker_delivers_the_record(
    image: Image, postgres_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    port = free_port()
    tool_url = f"http://localhost:{port}"
    encryption_key = tool_keys.new_secret()
    settings = {
        "LEADERLED_DATABASE_URL": postgres_url,
        "LEADERLED_PUBLIC_URL": tool_url,
        "LEADERLED_SECRET_KEY": "container-test-secret",
        "LEADERLED_KEY_ENCRYPTION_KEYS": encryption_key,
        "LEADERLED_LRS_ENDPOINT": learning_locker.endpoint,
        "LEADERLED_LRS_USERNAME": learning_locker.username,
        "LEADERLED_LRS_PASSWORD": learning_locker.password,
        "LEADERLED_DELIVERY_POLL_SECONDS": "0.5",
        # The demo LMS runs on 127.0.0.1 over plain HTTP (no TLS to carry Secure cookies).
        "LEADERLED_LTI_PRIVATE_HOSTS": "127.0.0.1",
        "LEADERLED_LTI_SECURE_COOKIES": "false",
    }
    env = {**image.env, **settings}

    # The migration step, from the image, on an empty database.
    upgraded = subprocess.run(
        _in_image(image, ["leaderled", "db", "upgrade"]),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert migrate.current_revision(postgres_url) in upgraded.stdout

    # The demo LMS, registered in the tool, with its course's team and people.
    lms = run_demo_platform(tool_url)
    try:
        host_app = create_app(
            {
                "database_url": postgres_url,
                "public_url": tool_url,
                "key_encryption_keys": encryption_key,
                "lrs_endpoint": learning_locker.endpoint,
                "lrs_username": learning_locker.username,
                "lrs_password": learning_locker.password,
            }
        )
        with session_scope(host_app) as session:
            lms.register_in_tool(session)
            options = BuildOptions(base=host_app.config["LEADERLED"].resolved_profile_base)
            seeded = seed(session, lms.url, options)
    except BaseException:
        lms.stop()
        raise

    # The image's own command, only listening on a free loopback port.
    web_cmd = [
        f"--listen=127.0.0.1:{port}" if arg.startswith("--listen=") else arg for arg in image.cmd
    ]
    assert web_cmd != image.cmd, f"the image's command names no --listen: {image.cmd}"
    web = _started(_in_image(image, web_cmd), env, tmp_path / "web.log")
    worker = _started(_in_image(image, ["leaderled", "worker"]), env, tmp_path / "worker.log")
    try:

        def _serving() -> requests.Response | None:
            for process, log in ((web, "web.log"), (worker, "worker.log")):
                if process.poll() is not None:
                    pytest.fail(f"{log}: {(tmp_path / log).read_text(errors='replace')[-3000:]}")
            return _answers(tool_url + "/")

        home = _wait_for(_serving, "the web process", timeout=90)
        assert home.status_code == 200
        assert home.headers.get("Server") == "waitress"
        # chroot execs the command: these are the image's processes, as its (non-root) user.
        for process in (web, worker):
            assert _uid(process.pid) == image.user.split(":")[0] != "0"

        # A leader launches from the LMS in Dutch: the image's compiled catalogue speaks.
        browser = _launch(lms.url, "leader", lang="nl")
        form_page = browser.get(tool_url + "/leader/coaching/new", timeout=30)
        assert form_page.status_code == 200, form_page.text[:1000]
        assert "<h1>Coaching registreren</h1>" in form_page.text  # "Record coaching"
        when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        recorded = browser.post(
            tool_url + "/leader/coaching/new",
            data={
                "csrf_token": _csrf(form_page.text),
                "kind": "coaching",
                "people": [seeded.people["11"]],  # Bo, a learner of the course
                "topic": "products",
                "minutes": "20",
                "occurred_at": when,
                "title": "From the container",
                "notes": "",
            },
            allow_redirects=False,
            timeout=30,
        )
        assert recorded.status_code == 303, recorded.text[:2000]
        record_id = int(recorded.headers["Location"].rsplit("/", 1)[-1])

        with session_scope(host_app) as session:
            statement_ids = list(
                session.scalars(
                    select(OutboxRow.statement_id).where(OutboxRow.record_id == record_id)
                )
            )
        assert len(statement_ids) == 1

        # The worker from the image delivers it (and the seeded records) to the LRS.
        with lrs_client(host_app.config["LEADERLED"]) as client:
            stored = _wait_for(
                lambda: _fetched(client, statement_ids[0]), "the statement in the LRS"
            )
        assert stored["result"]["duration"] == "PT20M"
        assert stored["actor"]["account"] == {"homePage": lms.url, "name": "2"}  # Ada

        def _all_stored() -> bool:
            with session_scope(host_app) as session:
                states = set(session.scalars(select(OutboxRow.state)))
            return states == {OutboxState.STORED}

        _wait_for(_all_stored, "every seeded statement delivered")
    finally:
        web_code = _stop(web)
        worker_code = _stop(worker)
        lms.stop()
        get_db(host_app).dispose()  # the database is dropped next
    worker_log = (tmp_path / "worker.log").read_text(errors="replace")
    assert worker_code == 0, worker_log[-3000:]
    assert "Worker stopped;" in worker_log
    assert web_code in (0, -signal.SIGTERM), (tmp_path / "web.log").read_text()[-3000:]


def _fetched(client: Any, statement_id: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = client.get(statement_id)
    except Exception:
        return None
    return found
