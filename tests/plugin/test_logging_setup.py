"""Issue 15.2: the web process and the worker log to stderr at
LEADERLED_LOG_LEVEL (default INFO), so an admin sees why a launch was refused
and what the worker did. Run as real processes: logging is process-wide."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugin import logging_setup, migrate

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
