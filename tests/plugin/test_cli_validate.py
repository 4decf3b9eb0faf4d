"""``leaderled statements validate``: output and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plugin.cli import main

GOOD: dict[str, Any] = {
    "id": "2a0f1a5e-2f0e-4c54-9d7e-43f1b9b6a001",
    "actor": {"account": {"homePage": "https://moodle.example.org", "name": "1042"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en": "attended"}},
    "object": {"id": "https://leaderled.example.org/sessions/7"},
    "timestamp": "2024-05-01T09:30:00.000Z",
}
NO_ZONE = {**GOOD, "timestamp": "2024-05-01T09:30:00.000"}
BAD = {**GOOD, "actor": {"mbox": "ada@example.org"}, "verb": {"id": "attended"}}


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["statements", "validate", *args], input=stdin)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_statement_exits_0(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, json.dumps(GOOD)))
    assert code == 0
    assert "1 statement checked against xAPI 1.0.3: 0 failing, 0 warnings." in out


def test_warnings_alone_exit_0_and_are_printed(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, json.dumps(NO_ZONE)))
    assert code == 0
    assert "statement 0: warning $.timestamp:" in out
    assert "[timestamp.no_timezone]" in out


def test_same_statement_is_an_error_under_2_0_0(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, json.dumps(NO_ZONE)), "--xapi-version", "2.0.0")
    assert code == 1
    assert "statement 0: error $.timestamp:" in out


def test_array_reports_every_error_with_index_and_path(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, json.dumps([GOOD, BAD, GOOD])))
    assert code == 1
    assert "statement 1: error $.actor.mbox:" in out
    assert "[ifi.mbox_scheme]" in out
    assert "statement 1: error $.verb.id:" in out
    assert "statement 0:" not in out
    assert "statement 2:" not in out
    assert "3 statements checked against xAPI 1.0.3: 1 failing" in out


def test_json_lines(tmp_path: Path) -> None:
    text = "\n".join(json.dumps(s) for s in (GOOD, GOOD, BAD)) + "\n\n"
    code, out, _ = run(write(tmp_path, text, "in.jsonl"))
    assert code == 1
    assert "statement 2: error $.verb.id:" in out


def test_stdin(tmp_path: Path) -> None:
    assert run("-", stdin=json.dumps(GOOD))[0] == 0
    assert run("-", stdin=json.dumps(BAD))[0] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the input is empty"),
        ('{"actor": ', "not valid JSON: Expecting value at line 1"),
        (json.dumps(GOOD) + "\n{oops}\n", "not valid JSON lines: line 2"),
        ('{"result": {"score": {"raw": NaN}}}', "NaN is not a JSON number"),
    ],
)
def test_unparseable_input_exits_2_with_a_message(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = run(write(tmp_path, text))
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.json"))
    assert (code, "does not exist" in err) == (2, True)
    code, _, err = run(str(tmp_path))
    assert (code, "is a directory" in err) == (2, True)


def test_binary_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "in.bin"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")
    code, _, err = run(str(path))
    assert code == 2
    assert "not UTF-8" in err


def test_non_object_in_array_is_a_statement_error(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, json.dumps([GOOD, 42])))
    assert code == 1
    assert "statement 1: error $: A statement must be a JSON object" in out


def test_unknown_version_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(write(tmp_path, json.dumps(GOOD)), "--xapi-version", "0.95")
    assert code == 2
    assert "0.95" in err


def test_profile_verdict_for_builder_examples_and_foreign_statement(tmp_path: Path) -> None:
    examples = CliRunner().invoke(main, ["statements", "examples"])
    assert examples.exit_code == 0, examples.output
    code, out, _ = run(write(tmp_path, examples.stdout, "ex.json"), "--profile")
    count = len(json.loads(examples.stdout))
    assert code == 0, out
    assert out.count("template matched:") == count
    code, out, _ = run(write(tmp_path, json.dumps(GOOD)), "--profile")
    assert code == 1
    assert "statement 0: no template of the Leaderled profile applies" in out


def test_installed_command_reads_stdin_and_exits_1_without_traceback(tmp_path: Path) -> None:
    """The real console script, as people and acceptance checks call it."""
    script = Path(sys.executable).parent / "leaderled"
    env = {**os.environ, "LEADERLED_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    done = subprocess.run(
        [str(script), "statements", "validate", "-"],
        input=json.dumps([GOOD, BAD]),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "statement 1: error $.actor.mbox:" in done.stdout
    assert "Traceback" not in done.stderr


def test_absurdly_nested_json_exits_2(tmp_path: Path) -> None:
    code, out, err = run(write(tmp_path, "[" * 200_000))
    assert code == 2
    assert "nested too deeply" in err
    assert "Traceback" not in out + err


def test_empty_array_has_nothing_to_fail(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "[]"))
    assert code == 0
    assert "0 statements checked" in out
