"""``leaderled lrs``: check, push to and pull from a Learning Record Store.

Connection settings come from options or from the app settings
(``LEADERLED_LRS_ENDPOINT``, ``_USERNAME``, ``_PASSWORD`` or ``_TOKEN``).
Failures end with a message saying what to fix and a non-zero exit code,
never a traceback, and never with a credential in it.
"""

from __future__ import annotations

import functools
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from lrs_client import (
    AuthError,
    BadRequest,
    ConfigError,
    ConnectError,
    Filters,
    HTTPStatusError,
    LRSClient,
    LRSError,
    NotFound,
    Outcome,
    SetupError,
    TimeoutError,
    Timeouts,
    TLSError,
)
from lrs_client.query import parse_time
from plugin.config import DEFAULT_LRS_NAME, LrsTarget, Settings
from plugin.jobs.connection import target

F = TypeVar("F", bound=Callable[..., Any])

CHECK_ACTIVITY = "https://leaderled.invalid/lrs-check/"
CHECK_VERB = "http://adlnet.gov/expapi/verbs/experienced"


@click.group()
def lrs() -> None:
    """Talk to a Learning Record Store."""


@dataclass(frozen=True)
class Connection:
    endpoint: str
    username: str
    password: str
    token: str
    read_timeout: float
    version: str | None

    def client(self) -> LRSClient:
        if not self.endpoint:
            raise click.ClickException(
                "no LRS endpoint: pass --endpoint or set LEADERLED_LRS_ENDPOINT"
            )
        try:
            return LRSClient(
                self.endpoint,
                username=self.username or None,
                password=self.password or None,
                token=self.token or None,
                version=self.version,
                timeouts=Timeouts(connect=min(10.0, self.read_timeout), read=self.read_timeout),
            )
        except ConfigError as error:
            raise click.ClickException(str(error)) from None


def connection_options(command: F) -> F:
    """Adds the connection options; values left out come from the app settings."""

    @click.option(
        "--lrs",
        "lrs_name",
        help="A configured LRS by name (LEADERLED_LRS__<NAME>__ENDPOINT); default: 'default'.",
    )
    @click.option("--endpoint", help="xAPI base URL, e.g. https://lrs.example.org/xapi/")
    @click.option("--username", help="LRS key (Basic auth).")
    @click.option("--password", help="LRS secret (Basic auth).")
    @click.option("--token", help="Bearer token instead of Basic auth.")
    @click.option(
        "--timeout", type=float, default=30.0, show_default=True, help="Read timeout (s)."
    )
    @click.option(
        "--xapi-version",
        type=click.Choice(["1.0.3", "2.0.0"]),
        help="Pin the xAPI version instead of asking /about.",
    )
    @functools.wraps(command)
    def wrapper(
        *,
        lrs_name: str | None,
        endpoint: str | None,
        username: str | None,
        password: str | None,
        token: str | None,
        timeout: float,
        xapi_version: str | None,
        **kwargs: Any,
    ) -> Any:
        settings: Settings = current_app.config["LEADERLED"]
        named = _named(settings, lrs_name)
        connection = Connection(
            endpoint=endpoint or named.endpoint,
            username=username or named.username,
            password=password or named.password,
            token=token or named.token,
            read_timeout=timeout,
            version=xapi_version,
        )
        try:
            return command(connection, **kwargs)
        except LRSError as error:
            raise click.ClickException(explain(error, connection)) from None

    return wrapper  # type: ignore[return-value]


def _named(settings: Settings, name: str | None) -> LrsTarget:
    """The configured LRS ``name`` (an empty one when nothing is configured and no name given)."""
    if name is None and not settings.lrs_targets:
        return LrsTarget(name=DEFAULT_LRS_NAME, endpoint="")
    try:
        return target(settings, name.strip().lower() if name else DEFAULT_LRS_NAME)
    except ConfigError as error:
        if name is None and settings.lrs_targets:
            return settings.lrs_targets[0]  # only named LRSs: the first one
        raise click.BadParameter(str(error), param_hint="--lrs") from None


def explain(error: LRSError, connection: Connection) -> str:
    """A message a person can act on."""
    if isinstance(error, AuthError) and error.status == 400:
        missing = not (connection.username or connection.token)
        given = "no credentials are configured" if missing else "the credentials did not reach it"
        return (
            f"the LRS refused the request for want of credentials (HTTP 400: "
            f"{error.lrs_message}): {given}; set --username and --password "
            "(LEADERLED_LRS_USERNAME / LEADERLED_LRS_PASSWORD) or --token"
        )
    if isinstance(error, SetupError):
        return f"{error.lrs_message} ({error.method} {error.url}, HTTP {error.status})"
    if isinstance(error, AuthError):
        if error.status == 403:
            return (
                f"the LRS accepted the credentials but refused the request (HTTP 403: "
                f"{error.lrs_message}); the key needs statement read and write permission"
            )
        return (
            f"the LRS refused the credentials (HTTP 401: {error.lrs_message}); check --username "
            "and --password (LEADERLED_LRS_USERNAME / LEADERLED_LRS_PASSWORD) or the token"
        )
    if isinstance(error, NotFound):
        return (
            f"nothing at {error.url} (HTTP 404): check the endpoint path; it is the xAPI base "
            "that /statements hangs off, e.g. https://lrs.example.org/xapi/"
        )
    if isinstance(error, BadRequest) and "version" in error.lrs_message.lower():
        return (
            f"the LRS rejects the xAPI version header ({error.lrs_message}); "
            "try --xapi-version 1.0.3"
        )
    if isinstance(error, BadRequest) and error.method == "GET":
        return (
            f"the LRS refuses a plain read of statements (HTTP 400: {error.lrs_message}): "
            "that is the connection (credentials, endpoint, a proxy in between), "
            "not any statement"
        )
    if isinstance(error, TLSError):
        return f"{error}. For a private CA set REQUESTS_CA_BUNDLE to its certificate file"
    if isinstance(error, ConnectError):
        return f"{error}: is the LRS running, and are the host and port in the endpoint right?"
    if isinstance(error, TimeoutError):
        return f"{error}: the LRS is too slow or unreachable; raise --timeout or check the network"
    return str(error)


# -- check ----------------------------------------------------------------------


class Report:
    """Collects check lines (echoed on the terminal, kept for the operations
    page); any failure makes the command exit non-zero."""

    def __init__(self, *, echo: bool = True) -> None:
        self.failed = False
        self.echo = echo
        self.lines: list[tuple[str, str, str]] = []

    def line(self, status: str, what: str, detail: str = "") -> None:
        self.lines.append((status, what, detail))
        if status == "FAIL":
            self.failed = True
        if not self.echo:
            return
        colour = {"ok": "green", "warn": "yellow", "FAIL": "red"}[status]
        text = f"[{click.style(status.ljust(4), fg=colour)}] {what}"
        click.echo(f"{text}: {detail}" if detail else text)


@lrs.command()
@with_appcontext
@connection_options
def check(connection: Connection) -> None:
    """Check the connection: TLS, auth, versions, write/read/void, paging."""
    report = Report()
    run_check(connection, report)
    if report.failed:
        raise SystemExit(1)
    click.echo("The LRS works with Leaderled.")


def run_check(connection: Connection, report: Report) -> None:
    """The checks of ``leaderled lrs check``, reported line by line; stops at a failed write.

    LRS errors propagate (the caller words them with :func:`explain`).
    """
    client = connection.client()
    if not (connection.username or connection.token):
        report.line(
            "warn",
            "credentials",
            "none configured; most LRSs refuse requests without them "
            "(LEADERLED_LRS_USERNAME / LEADERLED_LRS_PASSWORD or LEADERLED_LRS_TOKEN)",
        )
    scheme = "https (TLS verified)" if client.endpoint.startswith("https") else "plain http"
    info = client.negotiate()
    report.line("ok", "reachable", f"{client.endpoint} over {scheme}")
    offered = ", ".join(info.offered) if info.offered else "not listed"
    detail = f"{offered} ({info.note})" if info.note else offered
    report.line("ok" if info.offered else "warn", "versions offered", detail)
    report.line("ok", "version chosen", info.chosen)

    next(client.query(limit=1).pages())
    report.line("ok", "credentials accepted", "read statements")

    registration = str(uuid.uuid4())
    marked = [_check_statement(registration, n) for n in range(3)]
    results = client.deliver(marked)
    bad = [r for r in results if not r.delivered]
    if bad:
        report.line("FAIL", "write", f"{bad[0].outcome.value}: {bad[0].reason}")
        return
    report.line("ok", "write", f"{len(marked)} marked test statements, registration {registration}")
    back = client.get(marked[0]["id"])
    same = back.get("object", {}).get("id") == marked[0]["object"]["id"]
    report.line("ok" if same else "FAIL", "read back", f"statement {marked[0]['id']}")

    query = client.query(registration=registration, limit=1)
    found = sum(1 for _ in query)
    paging_ok = found == len(marked) and query.pages_fetched >= len(marked)
    report.line(
        "ok" if paging_ok else "FAIL",
        "more paging",
        f"{found} statements over {query.pages_fetched} pages of 1",
    )
    if query.consistent_through is not None:
        report.line("ok", "consistent-through", query.consistent_through.isoformat())
    else:
        report.line(
            "warn",
            "consistent-through",
            "not sent; incremental sync relies on its overlap window alone",
        )

    voider = {"objectType": "Agent", "account": marked[0]["actor"]["account"]}
    for statement in marked:
        client.void(statement["id"], voider, reason="leaderled lrs check clean-up")
    try:
        client.get_voided(marked[0]["id"])
        report.line("ok", "void", f"{len(marked)} test statements voided and readable as voided")
    except HTTPStatusError as error:
        report.line("warn", "void", f"voided, but not readable via voidedStatementId ({error})")


def _check_statement(registration: str, n: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://leaderled.invalid", "name": "lrs-check"},
        },
        "verb": {"id": CHECK_VERB, "display": {"en-US": "experienced"}},
        "object": {
            "objectType": "Activity",
            "id": f"{CHECK_ACTIVITY}{n}",
            "definition": {"name": {"en-US": "Leaderled LRS check (test statement, voided)"}},
        },
        "context": {"registration": registration},
    }


# -- push -----------------------------------------------------------------------


def read_statements(text: str) -> list[Any]:
    """A JSON array, one JSON object, or JSON lines (bad lines are kept as text to report)."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        whole = json.loads(stripped)
    except ValueError:
        return [line for line in stripped.splitlines() if line.strip()]
    if isinstance(whole, list):
        return whole
    return [whole]


@lrs.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--batch-size", type=click.IntRange(1, 5000), default=500, show_default=True)
@with_appcontext
@connection_options
def push(connection: Connection, *, file: Any, batch_size: int) -> None:
    """Send statements from FILE (JSON array, one object, or JSON lines; - for stdin)."""
    items = read_statements(file.read())
    if not items:
        raise click.ClickException("no statements in the file")
    client = connection.client()
    counts = dict.fromkeys(Outcome, 0)
    problems: list[str] = []
    with tqdm(total=len(items), unit="st", file=sys.stderr, desc="push") as bar:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            for offset, result in enumerate(client.deliver(chunk)):
                counts[result.outcome] += 1
                if not result.delivered:
                    label = result.statement_id or "no id"
                    problems.append(
                        f"  #{start + offset + 1} ({label}) {result.outcome.value}: {result.reason}"
                    )
            bar.update(len(chunk))
    click.echo(
        f"stored: {counts[Outcome.STORED]}, already stored: {counts[Outcome.ALREADY_STORED]}, "
        f"rejected: {counts[Outcome.REJECTED]}, failed: {counts[Outcome.FAILED]}"
    )
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(1)


# -- pull -----------------------------------------------------------------------


def _agent(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if value.lstrip().startswith("{"):
        try:
            agent = json.loads(value)
        except ValueError:
            raise click.BadParameter("not valid JSON", param_hint="--agent") from None
        if not isinstance(agent, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--agent")
        return agent
    if "@" in value:
        return {"mbox": value if value.startswith("mailto:") else f"mailto:{value}"}
    raise click.BadParameter("give an agent as JSON or an e-mail address", param_hint="--agent")


def _time(value: str | None, name: str) -> str | None:
    if value is not None and parse_time(value) is None:
        raise click.BadParameter(
            "use an ISO 8601 timestamp such as 2026-01-31T00:00:00Z", param_hint=name
        )
    return value


@lrs.command()
@click.option("--agent", help="JSON agent, or an e-mail address for an mbox.")
@click.option("--verb", help="Verb IRI.")
@click.option("--activity", help="Activity IRI.")
@click.option("--registration", help="Registration UUID.")
@click.option("--related-activities", is_flag=True, default=None)
@click.option("--related-agents", is_flag=True, default=None)
@click.option("--since", help="Stored after this ISO 8601 time.")
@click.option("--until", help="Stored at or before this ISO 8601 time.")
@click.option("--page-size", type=click.IntRange(1, 10000), default=500, show_default=True)
@click.option("--max", "max_count", type=click.IntRange(1), help="Stop after this many.")
@click.option("--format", "fmt", type=click.Choice(["exact", "ids", "canonical"]))
@click.option("--ascending/--descending", default=None)
@with_appcontext
@connection_options
def pull(
    connection: Connection,
    *,
    agent: str | None,
    verb: str | None,
    activity: str | None,
    registration: str | None,
    related_activities: bool | None,
    related_agents: bool | None,
    since: str | None,
    until: str | None,
    page_size: int,
    max_count: int | None,
    fmt: str | None,
    ascending: bool | None,
) -> None:
    """Write matching statements to stdout as JSON lines (progress on stderr)."""
    filters = Filters(
        agent=_agent(agent),
        verb=verb,
        activity=activity,
        registration=registration,
        related_activities=related_activities,
        related_agents=related_agents,
        since=_time(since, "--since"),
        until=_time(until, "--until"),
        limit=page_size,
        format=fmt,
        ascending=ascending,
    )
    client = connection.client()
    with tqdm(unit="st", file=sys.stderr, desc="pull") as bar:
        for count, statement in enumerate(_limited(client.query(filters), max_count), 1):
            click.echo(json.dumps(statement, separators=(",", ":"), ensure_ascii=False))
            bar.update(1)
            if count % 1000 == 0:
                sys.stdout.flush()


def _limited(statements: Iterator[dict[str, Any]] | Any, max_count: int | None) -> Iterator[Any]:
    for count, statement in enumerate(statements, 1):
        yield statement
        if max_count is not None and count >= max_count:
            return
