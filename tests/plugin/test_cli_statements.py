"""``leaderled profile`` and ``leaderled statements examples``, as people run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from plugin import create_app
from plugin.cli import main
from statements.profile import build_profile
from statements.templates import match_profile
from statements.validation import validate

BIN = Path(sys.executable).parent / "leaderled"


def test_profile_prints_the_document_for_the_app_base(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["profile"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == build_profile("http://localhost:5000/xapi")


def test_profile_base_comes_from_settings_or_the_option(database_url: str) -> None:
    app = create_app({"database_url": database_url, "profile_base": "https://id.example.org/ll"})
    runner = app.test_cli_runner()
    from_settings = json.loads(runner.invoke(main, ["profile"]).output)
    assert from_settings["id"] == "https://id.example.org/ll/profile"
    from_option = json.loads(
        runner.invoke(main, ["profile", "--base", "https://x.example/"]).output
    )
    assert from_option["id"] == "https://x.example/profile"


def test_a_bad_base_is_a_usage_error_not_a_traceback(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["profile", "--base", "example.org/xapi"])
    assert result.exit_code == 2
    assert "Invalid value for --base: profile base must be an absolute http(s) IRI" in (
        result.output
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_examples_match_one_template_each_and_validate(app: Flask, version: str) -> None:
    result = app.test_cli_runner().invoke(
        main, ["statements", "examples", "--xapi-version", version]
    )
    assert result.exit_code == 0, result.output
    statements = json.loads(result.output)
    profile = build_profile("http://localhost:5000/xapi")
    assert len(statements) == len(profile["templates"])
    matched = [match_profile(s, profile).matched for s in statements]
    assert matched == [[t["id"]] for t in profile["templates"]]
    for statement in statements:
        report = validate(statement, version=version)
        assert (report.errors, report.warnings) == ([], [])
    has_agents = any("contextAgents" in s["context"] for s in statements)
    assert has_agents == (version == "2.0.0")


def test_examples_are_minimal_unless_asked(app: Flask) -> None:
    runner = app.test_cli_runner()
    minimal = runner.invoke(main, ["statements", "examples", "--xapi-version", "2.0.0"]).output
    assert '"name": "Sanne de Vries"' not in minimal
    assert '"mbox": "mailto:' not in minimal
    assert "Talked about the move to team lead." not in minimal
    full = runner.invoke(
        main,
        [
            "statements",
            "examples",
            "--xapi-version",
            "2.0.0",
            "--with-names",
            "--with-mbox",
            "--with-free-text",
        ],
    ).output
    assert '"name": "Sanne de Vries"' in full
    assert '"mbox": "mailto:pieter.jansen@example.org"' in full
    assert "Talked about the move to team lead." in full


def test_examples_default_to_1_0_3(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["statements", "examples"])
    assert not any("contextAgents" in s["context"] for s in json.loads(result.output))


def test_an_unknown_xapi_version_is_refused_in_words(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["statements", "examples", "--xapi-version", "1.0"])
    assert result.exit_code == 2
    assert "Invalid value for '--xapi-version': '1.0' is not one of '1.0.3', '2.0.0'" in (
        result.output
    )


def test_the_installed_console_script_prints_examples(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LEADERLED_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LEADERLED_PUBLIC_URL": "https://ll.example.org",
    }
    done = subprocess.run(
        [str(BIN), "statements", "examples", "--xapi-version", "2.0.0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    statements = json.loads(done.stdout)
    assert all(
        s["context"]["contextActivities"]["category"][0]["id"]
        == "https://ll.example.org/xapi/profile/1.0"
        for s in statements
    )
