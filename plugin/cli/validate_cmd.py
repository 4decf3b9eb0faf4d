"""``leaderled statements validate FILE``: strict xAPI validation from the shell.

Exit codes are part of the contract (scripts and acceptance checks rely on
them): 0 when no statement has an error (warnings allowed), 1 when any has,
2 when the input cannot be read or parsed at all.
"""

from __future__ import annotations

import json
from typing import Any

import click

from statements.validation import SUPPORTED_VERSIONS, Report, validate_many


class _BadInput(Exception):
    """The input is not something we can validate; the message says why."""


def _read(file: str) -> str:
    if file == "-":
        try:
            return click.get_text_stream("stdin").read()
        except UnicodeDecodeError:
            raise _BadInput("standard input is not UTF-8 text") from None
    try:
        with open(file, encoding="utf-8-sig") as handle:
            return handle.read()
    except IsADirectoryError:
        raise _BadInput(f"{file} is a directory, not a file") from None
    except FileNotFoundError:
        raise _BadInput(f"{file} does not exist") from None
    except PermissionError:
        raise _BadInput(f"{file} cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise _BadInput(f"{file} is not UTF-8 text") from None
    except OSError as exc:
        raise _BadInput(f"{file} cannot be read: {exc.strerror or exc}") from None


def _no_constants(name: str) -> Any:
    """JSON has no NaN or Infinity; Python's json module would accept them."""
    raise _BadInput(f"not valid JSON: {name} is not a JSON number")


def parse_statements(text: str) -> list[Any]:
    """A JSON statement, a JSON array of statements, or JSON lines (one per line)."""
    if not text.strip():
        raise _BadInput("the input is empty; expected a JSON statement, array or JSON lines")
    try:
        document = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise _BadInput("the JSON is nested too deeply to read") from None
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2 or not _parses(lines[0][1]):
            raise _BadInput(
                f"not valid JSON: {whole.msg} at line {whole.lineno} column {whole.colno}"
            ) from None
        parsed = []
        for number, line in lines:
            try:
                parsed.append(json.loads(line, parse_constant=_no_constants))
            except RecursionError:
                raise _BadInput(f"line {number}: the JSON is nested too deeply to read") from None
            except json.JSONDecodeError as exc:
                raise _BadInput(
                    f"not valid JSON lines: line {number}: {exc.msg} at column {exc.colno}"
                ) from None
        return parsed
    return document if isinstance(document, list) else [document]


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _template_lines(statement: Any) -> tuple[list[str], bool]:
    """The profile verdict in words, and whether it counts as a failure."""
    try:
        from statements.templates import match_profile
    except ImportError:
        return ["template check unavailable (statements.templates is missing)"], False
    if not isinstance(statement, dict):
        return ["no template check: not a JSON object"], True
    try:
        verdict = match_profile(statement)
    except Exception as exc:  # another module's bug must not become a traceback here
        return [f"template check failed: {type(exc).__name__}: {exc}"], True
    lines = [f"template matched: {template}" for template in verdict.matched]
    for template, reasons in verdict.failures.items():
        lines.extend(f"template {template} fails: {reason}" for reason in reasons)
    if not lines:
        lines.append("no template of the Leaderled profile applies")
    return lines, not verdict.matched or bool(verdict.failures)


def _print_report(index: int, report: Report) -> None:
    for problem in report.errors + report.warnings:
        click.echo(
            f"statement {index}: {problem.severity} {problem.path}: "
            f"{problem.message} [{problem.code}]"
        )


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--xapi-version",
    type=click.Choice(SUPPORTED_VERSIONS),
    default="1.0.3",
    show_default=True,
    help="Check against this xAPI version (2.0.0 requires time zones, allows contextAgents).",
)
@click.option(
    "--profile",
    "check_profile",
    is_flag=True,
    help="Also check each statement against the Leaderled profile's templates; "
    "a statement matching none, or breaking an applicable one, then counts as failing.",
)
def validate(file: str, xapi_version: str, check_profile: bool) -> None:
    """Validate xAPI statements in FILE (JSON statement, array or JSON lines; - for stdin).

    Prints every error and warning with its statement index and JSON path.
    Exits 0 when no statement has an error, 1 when one does, 2 when FILE
    cannot be read or parsed.
    """
    try:
        statements = parse_statements(_read(file))
    except _BadInput as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    failing = 0
    warnings = 0
    for index, report in enumerate(validate_many(statements, xapi_version)):
        _print_report(index, report)
        failed = not report.ok
        warnings += len(report.warnings)
        if check_profile:
            lines, profile_failed = _template_lines(statements[index])
            for line in lines:
                click.echo(f"statement {index}: {line}")
            failed = failed or profile_failed
        failing += failed
    noun = "statement" if len(statements) == 1 else "statements"
    click.echo(
        f"{len(statements)} {noun} checked against xAPI {xapi_version}: "
        f"{failing} failing, {warnings} warning{'s' if warnings != 1 else ''}."
    )
    raise SystemExit(1 if failing else 0)
