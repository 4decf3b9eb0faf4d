"""``leaderled lrs check | push | pull`` against the real LRSs started by the fixtures."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from plugin import create_app
from plugin.cli.lrs import lrs
from plugin.config import LrsTarget
from plugin.demo.local_lrs import free_port
from tests.lrs_client.faults import FaultProxy
from tests.lrs_client.helpers import poison, statement
from tests.lrs_servers.servers import RunningLRS

pytestmark = pytest.mark.lrs


def make_app(database_url: str, **settings: str) -> Flask:
    return create_app({"database_url": database_url, "testing": True, **settings})


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(lrs, list(args))


def ll_app(database_url: str, server: RunningLRS) -> Flask:
    return make_app(database_url, lrs_endpoint=server.endpoint, lrs_username="k", lrs_password="s")


def test_check_against_learning_locker(database_url: str, learning_locker: RunningLRS) -> None:
    result = run(ll_app(database_url, learning_locker), "check")
    assert result.exit_code == 0, result.output + result.stderr
    assert "version chosen: 1.0.3" in result.output
    assert "3 statements over 3 pages of 1" in result.output
    assert "consistent-through: 20" in result.output
    assert "The LRS works with Leaderled." in result.output


def test_check_against_ralph_from_settings_warns_about_its_gaps(
    database_url: str, ralph_empty: RunningLRS
) -> None:
    app = make_app(
        database_url,
        lrs_endpoint=ralph_empty.endpoint,
        lrs_username=ralph_empty.username,
        lrs_password=ralph_empty.password,
    )
    result = run(app, "check")
    assert result.exit_code == 0, result.output + result.stderr
    assert "no usable /about (HTTP 404)" in result.output
    assert "consistent-through: not sent" in result.output


def test_check_a_named_lrs_among_several(
    database_url: str, learning_locker: RunningLRS, ralph_empty: RunningLRS
) -> None:
    """``--lrs NAME`` picks one of several LRSs with its own credentials."""
    app = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "lrs_endpoint": learning_locker.endpoint,
            "lrs_servers": (
                LrsTarget(
                    "regional",
                    ralph_empty.endpoint,
                    username=ralph_empty.username,
                    password=ralph_empty.password,
                ),
            ),
        }
    )
    result = run(app, "check", "--lrs", "Regional")
    assert result.exit_code == 0, result.output + result.stderr
    assert "consistent-through: not sent" in result.output  # Ralph, not Learning Locker
    unknown = run(app, "check", "--lrs", "nowhere")
    assert unknown.exit_code == 2
    assert "no LRS named 'nowhere' is configured (configured: default, regional)" in (
        unknown.stderr
    )


def test_check_with_a_wrong_password(database_url: str, ralph: RunningLRS) -> None:
    app = make_app(database_url)
    result = run(
        app,
        "check",
        "--endpoint",
        ralph.endpoint,
        "--username",
        ralph.username,
        "--password",
        "Wrong-Pa55",
    )
    assert result.exit_code == 1
    assert "refused the credentials (HTTP 401" in result.stderr
    assert "Wrong-Pa55" not in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--endpoint", "{ll}nope/"], "check the endpoint path"),
        (["--endpoint", "{ll}", "--xapi-version", "2.0.0"], "rejects the xAPI version header"),
        (["--endpoint", "http://127.0.0.1:{free}/xAPI/"], "cannot reach the LRS"),
        (["--endpoint", "https://127.0.0.1:{port}/xAPI/"], "TLS failed"),
        (["--endpoint", "lrs.example.org"], "must be an http(s) URL"),
        ([], "no LRS endpoint"),
    ],
)
def test_check_failures_say_what_to_fix(
    database_url: str, learning_locker: RunningLRS, args: list[str], expected: str
) -> None:
    filled = [
        a.format(ll=learning_locker.endpoint, free=free_port(), port=learning_locker.port)
        for a in args
    ]
    result = run(make_app(database_url), "check", "--timeout", "3", *filled)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def write_lines(path: Path, items: list[Any]) -> Path:
    path.write_text("\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n")
    return path


def test_push_reports_each_outcome_then_pull_reads_back(
    database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    app = ll_app(database_url, learning_locker)
    registration = str(uuid.uuid4())
    good = [statement(registration, n=i) for i in range(5)]
    bad = poison(registration, n=9)
    file = write_lines(tmp_path / "in.jsonl", [good[0], good[1], bad, "{oops", *good[2:]])
    result = run(app, "push", str(file), "--batch-size", "3")
    assert result.exit_code == 1
    assert "stored: 5, already stored: 0, rejected: 2, failed: 0" in result.output
    assert f"#3 ({bad['id']}) rejected: Problem in" in result.output
    assert "#4 (no id) rejected: statement is not valid JSON" in result.output

    again = run(app, "push", str(write_lines(tmp_path / "again.json", [])), "--batch-size", "3")
    assert again.exit_code == 1
    assert "no statements" in again.stderr

    pulled = run(app, "pull", "--registration", registration, "--ascending", "--page-size", "2")
    assert pulled.exit_code == 0, pulled.stderr
    lines = [json.loads(line) for line in pulled.stdout.splitlines()]
    assert [s["id"] for s in lines] == [s["id"] for s in good]
    limited = run(app, "pull", "--registration", registration, "--max", "2", "--page-size", "1")
    assert len(limited.stdout.splitlines()) == 2


def test_push_json_array_exits_zero(
    database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    file = tmp_path / "in.json"
    file.write_text(json.dumps([statement(n=i) for i in range(3)]))
    result = run(ll_app(database_url, learning_locker), "push", str(file))
    assert result.exit_code == 0, result.output
    assert "stored: 3, already stored: 0, rejected: 0, failed: 0" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--since", "last tuesday"], "ISO 8601"),
        (["--agent", "{bad json"], "not valid JSON"),
        (["--agent", "nobody"], "JSON or an e-mail"),
    ],
)
def test_pull_bad_filters_are_usage_errors(
    database_url: str, learning_locker: RunningLRS, args: list[str], expected: str
) -> None:
    result = run(ll_app(database_url, learning_locker), "pull", *args)
    assert result.exit_code == 2
    assert expected in result.stderr


def test_pull_by_agent_email(
    database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    who = f"pull-{uuid.uuid4().hex[:8]}@example.org"
    sent = statement(actor=f"mailto:{who}")
    app = ll_app(database_url, learning_locker)
    assert run(app, "push", str(write_lines(tmp_path / "a.json", [sent]))).exit_code == 0
    result = run(app, "pull", "--agent", who)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [sent["id"]]


def test_check_without_credentials_says_the_connection_is_at_fault(
    database_url: str, learning_locker: RunningLRS
) -> None:
    """ADL's reference LRS answers a request without credentials with 400, not 401."""
    with FaultProxy(f"http://127.0.0.1:{learning_locker.port}") as proxy:
        proxy.refuse_unauthenticated()
        result = run(make_app(database_url), "check", "--endpoint", proxy.endpoint)
    assert result.exit_code == 1
    assert "credentials: none configured" in result.output
    assert "refused the request for want of credentials (HTTP 400: Request has no authoriz" in (
        result.stderr
    )
    assert "no credentials are configured" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_push_without_credentials_parks_nothing_and_says_why(
    database_url: str, learning_locker: RunningLRS, tmp_path: Path
) -> None:
    registration = str(uuid.uuid4())
    path = write_lines(tmp_path / "s.jsonl", [statement(registration, n=i) for i in range(5)])
    with FaultProxy(f"http://127.0.0.1:{learning_locker.port}") as proxy:
        proxy.refuse_unauthenticated(body=b"Bad Request")  # no word about credentials
        result = run(make_app(database_url), "push", str(path), "--endpoint", proxy.endpoint)
    assert result.exit_code == 1
    assert "and a plain read as well" in result.stderr
    assert "no statement is at fault" in result.stderr
    assert "rejected" not in result.output
