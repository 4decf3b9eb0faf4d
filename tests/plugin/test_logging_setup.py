"""Issue 15.2: the web process and the worker log to stderr at
LEADERLED_LOG_LEVEL (default INFO), so an admin sees why a launch was refused
and what the worker did. Run as real processes: logging is process-wide."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from plugin import create_app, logging_setup, migrate

BIN = Path(sys.executable).parent

REFUSED_LOGIN = """
from plugin import create_app
app = create_app()
app.test_client().get("/lti/login", query_string={"iss": "https://nobody.example",
    "login_hint": "1", "target_link_uri": "http://localhost:5000/lti/launch"})
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    migrate.upgrade(url)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")}
    return clean | {"LEADERLED_DATABASE_URL": url}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_web_process_logs_refusals_at_info_by_default(env: dict[str, str]) -> None:
    done = _run([sys.executable, "-c", REFUSED_LOGIN], env)
    assert done.returncode == 0, done.stderr
    assert "INFO plugin.app: LTI request refused: No platform with issuer" in done.stderr
    quiet = _run([sys.executable, "-c", REFUSED_LOGIN], env | {"LEADERLED_LOG_LEVEL": "warning"})
    assert "LTI request refused" not in quiet.stderr
    assert "WARNING" in quiet.stderr  # warnings still show (unencrypted keys)


def test_worker_logs_what_it_does(env: dict[str, str]) -> None:
    done = _run([str(BIN / "leaderled"), "worker", "--once"], env)
    assert done.returncode == 1
    assert "INFO plugin.cli.worker: worker starting: delivery on, sync on" in done.stderr
    assert "ERROR plugin.cli.worker: worker stopped: no LRS configured" in done.stderr


def test_a_wrong_level_names_the_variable() -> None:
    with pytest.raises(ValueError, match="LEADERLED_LOG_LEVEL must be one of DEBUG, INFO"):
        logging_setup.level_of("verbose")
    assert logging_setup.level_of(" debug ") == 10


# -- one line per event, JSON on request, request ids, nothing secret (issue 14) ----------

REQUESTS = """
from plugin import create_app
app = create_app()
client = app.test_client()
login = {"iss": "https://nobody.example", "login_hint": "1",
         "target_link_uri": "http://localhost:5000/lti/launch"}
given = client.get("/lti/login", query_string=login, headers={"X-Request-ID": "lb-7f3a.2"})
print(given.headers["X-Request-ID"])
forged = client.get("/healthz", headers={"X-Request-ID": "x" * 300})
print(forged.headers["X-Request-ID"])
import logging
logging.getLogger("leaderled.test").warning(
    "two\\nlines for ada@example.org with Authorization: Bearer abc.def and llt_secret123")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("leaderled.test").exception("it broke")
"""


def test_json_lines_carry_the_request_id(env: dict[str, str]) -> None:
    done = _run([sys.executable, "-c", REQUESTS], env | {"LEADERLED_LOG_FORMAT": "json"})
    assert done.returncode == 0, done.stderr
    given, generated = done.stdout.split()
    assert given == "lb-7f3a.2"  # a sane id from the load balancer is kept and echoed
    assert re.fullmatch(r"[0-9a-f]{32}", generated)  # an unusable one is replaced
    lines = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    refused = next(e for e in lines if e["message"].startswith("LTI request refused"))
    assert refused["level"] == "INFO"
    assert refused["logger"] == "plugin.app"
    assert refused["request_id"] == "lb-7f3a.2"
    access = next(e for e in lines if e["logger"] == "leaderled.request")
    assert access["message"].startswith("GET /lti/login 403 ")
    assert "nobody.example" not in access["message"]  # the query string stays out
    assert access["request_id"] == "lb-7f3a.2"
    assert not any("/healthz" in e["message"] for e in lines)  # polled paths log at DEBUG
    masked = next(e for e in lines if e["logger"] == "leaderled.test" and "two" in e["message"])
    assert "request_id" not in masked  # not inside a request
    assert "ada@example.org" not in masked["message"]
    assert "abc.def" not in masked["message"]
    assert "llt_secret123" not in masked["message"]
    assert "<e-mail>" in masked["message"]
    broke = next(e for e in lines if e["message"] == "it broke")
    assert "ZeroDivisionError" in broke["error"]


def test_plain_lines_are_one_per_event(env: dict[str, str]) -> None:
    done = _run([sys.executable, "-c", REQUESTS], env)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    refused = next(line for line in lines if "LTI request refused" in line)
    assert refused.endswith(" request_id=lb-7f3a.2")
    assert any(" INFO leaderled.request: GET /lti/login 403 " in line for line in lines)
    folded = next(line for line in lines if "two | lines for <e-mail>" in line)
    assert "Bearer ***" in folded
    broke = next(line for line in lines if "it broke" in line)
    assert "Traceback (most recent call last): |" in broke
    assert "ZeroDivisionError" in broke
    assert not any(line.startswith(("Traceback", "  File", "ZeroDivisionError")) for line in lines)


def test_worker_logs_json_too(env: dict[str, str]) -> None:
    done = _run(
        [str(BIN / "leaderled"), "worker", "--once"], env | {"LEADERLED_LOG_FORMAT": "JSON"}
    )
    assert done.returncode == 1
    # Log lines are JSON; the command's own message to the person stays plain words.
    logged = [line for line in done.stderr.splitlines() if not line.startswith("Error: ")]
    lines = [json.loads(line) for line in logged]
    assert any(e["message"].startswith("worker stopped: no LRS configured") for e in lines)
    assert "Error: no LRS configured" in done.stderr


def test_request_ids_echoed_and_checked(app: Flask) -> None:
    client = app.test_client()
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"
    )
    for bad in ("", "a b", "line\nbreak", "-leading-dash", "x" * 129, "ümlaut"):
        assert logging_setup.request_id_of(bad) != bad
    assert logging_setup.request_id_of("x" * 128) == "x" * 128
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_a_wrong_format_names_the_variable(database_url: str) -> None:
    with pytest.raises(ValueError, match="LEADERLED_LOG_FORMAT must be one of plain, json"):
        create_app({"database_url": database_url, "testing": True, "log_format": "xml"})
