"""Delivering a batch of statements and reporting what happened to each one.

The LRS treats a POST of many statements as all or nothing, so one bad
statement would block everything sent with it. :class:`Deliverer` gets the
good ones through and says, per input and in input order, whether it was
stored, was already stored with the same content, was rejected (with the
LRS's reason), or failed for now (retries exhausted; safe to send again):

- transient failures (connection errors, timeouts, 429, 502-504) are
  retried by the transport with backoff; when retries run out the chunk is
  reported ``failed``;
- 413: the chunk is halved until it fits (a single statement that is still
  too large is rejected);
- 400 on a chunk: bisection. The left half is sent; if it goes
  through, the right half must hold the culprit and is split without being
  sent whole, so a poison statement costs at most about 2*log2(n) extra
  requests;
- 409 on a chunk: if the LRS holds the chunk's first statement, it is a
  resend (the crash-recovery path): each id is looked up once; those stored
  with the same content are already stored, those stored with other
  content are conflicts, and the ones the LRS does not hold are POSTed
  again as one chunk, n + 1 requests where bisection cost about 3n. If it
  does not, the conflict is among new statements and is found by
  bisection, as for a 400, rather than by n lookups;
- 500 on a chunk: also bisected (Ralph answers 500 to some malformed
  statements), within a budget of about 2*log2(n) requests per delivery so
  an outage does not turn into a request storm; a single statement that
  still gets 500 is reported ``failed`` (5xx is no verdict on the statement);
- 409 on a single statement: the stored statement is fetched and compared
  by the spec's rules (:mod:`lrs_client.compare`): same content counts as
  already stored, other content is a conflict.

Statements using xAPI 2.0-only properties are rejected without a request
when the LRS speaks 1.0.x (:mod:`lrs_client.compat`).

401/403/404 are not about a statement but about the set-up (credentials,
endpoint) and are raised, since every further request would fail the same way.
A refusal (400, 422) is only a verdict on a statement when the connection is
known to work, since some LRSs refuse a request without credentials with 400
(ADL's reference LRS: "Request has no authorization"):

- a refusal whose text is about credentials raises :class:`AuthError`;
- the first refusal in a delivery that has stored nothing yet is followed by
  one authenticated read (``probe``): if the LRS refuses that too, the
  connection is at fault and :class:`SetupError` is raised, parking nothing;
- when nothing was stored, the client has not seen the LRS accept a write
  since its last connection problem, and every statement sent was refused
  with the same words, they are reported ``failed`` (held, sent again later),
  not ``rejected``: a poison statement is one the LRS refuses while it
  accepts others.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lrs_client.compare import same_statement
from lrs_client.compat import speaks_1_0, version_problem
from lrs_client.config import BatchLimits
from lrs_client.errors import (
    AuthError,
    HTTPStatusError,
    InvalidStatement,
    NotFound,
    SetupError,
    TransportError,
    about_credentials,
)
from lrs_client.inputs import Prepared, StatementInput, batch_body, prepare
from lrs_client.transport import Transport, lrs_message

JSON = {"Content-Type": "application/json"}
#: Statuses that say "something in this batch": bisect (409: look up) to find out what.
BISECT = frozenset({400, 409, 422})
#: Statuses that refuse a statement as such (a verdict, once the connection is known good).
REFUSED = frozenset({400, 422})


class Outcome(StrEnum):
    """What happened to one statement."""

    STORED = "stored"
    ALREADY_STORED = "already_stored"
    REJECTED = "rejected"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryResult:
    """The fate of one input statement."""

    statement_id: str | None
    outcome: Outcome
    reason: str = ""
    http_status: int | None = None

    @property
    def delivered(self) -> bool:
        """Stored now or before: the statement is in the LRS."""
        return self.outcome in (Outcome.STORED, Outcome.ALREADY_STORED)


@dataclass
class DeliveryStats:
    """How much work a delivery took."""

    statements: int = 0
    requests: int = 0
    retries: int = 0
    splits_413: int = 0
    bisections: int = 0
    lookups: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0


class DeliveryReport(list[DeliveryResult]):
    """One :class:`DeliveryResult` per input, in input order, plus ``stats``."""

    def __init__(self, results: Iterable[DeliveryResult], stats: DeliveryStats) -> None:
        super().__init__(results)
        self.stats = stats

    def tally(self, outcome: Outcome) -> int:
        """How many statements ended with ``outcome``."""
        return sum(1 for r in self if r.outcome is outcome)


class Deliverer:
    """Runs one delivery; create one per :meth:`deliver` call or reuse, it keeps no batch state."""

    def __init__(
        self,
        transport: Transport,
        limits: BatchLimits,
        lookup: Callable[[str], dict[str, Any] | None],
        *,
        probe: Callable[[], None] | None = None,
        writes_seen: bool = False,
    ) -> None:
        """``probe`` reads from the LRS (raising when refused); ``writes_seen``: the LRS
        has stored a statement from this client since its last connection problem."""
        self._transport = transport
        self._limits = limits
        self._lookup = lookup
        self._probe = probe
        self._writes_seen = writes_seen

    def deliver(self, inputs: Iterable[StatementInput]) -> DeliveryReport:
        started = time.monotonic()
        counters = self._transport.stats
        before = (counters.requests, counters.retries, counters.bytes_sent)
        results, unique, copies = self._admit(inputs)
        stats = DeliveryStats(statements=len(results))
        run = _Run(
            self._transport, results, stats, self._lookup, self._limits.max_bytes, probe=self._probe
        )
        for chunk in _chunks(unique, self._limits):
            run.post(chunk)
        if not run.stored and not self._writes_seen:
            _hold_alike_refusals(results)
        for index, original in copies.items():
            results[index] = results[original]
        stats.requests = counters.requests - before[0]
        stats.retries = counters.retries - before[1]
        stats.bytes_sent = counters.bytes_sent - before[2]
        stats.seconds = time.monotonic() - started
        final = [r for r in results if r is not None]
        assert len(final) == len(results), "every input gets a result"
        return DeliveryReport(final, stats)

    def _admit(
        self, inputs: Iterable[StatementInput]
    ) -> tuple[list[DeliveryResult | None], list[tuple[int, Prepared]], dict[int, int]]:
        """Prepare inputs; settle at once those that cannot or need not be sent.

        Returns a result slot per input (filled for settled ones), the statements
        to send with their input index, and repeated ids mapped to their first use.
        """
        results: list[DeliveryResult | None] = []
        firsts: dict[str, Prepared] = {}
        first_index: dict[str, int] = {}
        copies: dict[int, int] = {}
        unique: list[tuple[int, Prepared]] = []
        version = self._transport.version
        older = speaks_1_0(version)
        for index, item in enumerate(inputs):
            results.append(None)
            try:
                statement = prepare(item)
            except InvalidStatement as error:
                results[index] = DeliveryResult(None, Outcome.REJECTED, str(error))
                continue
            problem = version_problem(statement.statement, version) if older else None
            if problem:
                results[index] = DeliveryResult(statement.id, Outcome.REJECTED, problem)
                continue
            key = statement.id.lower()
            if key in firsts:
                if same_statement(firsts[key].statement, statement.statement):
                    copies[index] = first_index[key]
                else:
                    results[index] = DeliveryResult(
                        statement.id,
                        Outcome.REJECTED,
                        "another statement in the same batch has this id and other content",
                    )
                continue
            firsts[key] = statement
            first_index[key] = index
            unique.append((index, statement))
        return results, unique, copies


Chunk = Sequence[tuple[int, Prepared]]


def _chunks(items: Sequence[tuple[int, Prepared]], limits: BatchLimits) -> Iterator[Chunk]:
    """Consecutive runs of at most ``max_count`` (bytes are checked when the body is built)."""
    for start in range(0, len(items), limits.max_count):
        yield items[start : start + limits.max_count]


class _Run:
    """The recursive part of one delivery (splitting, bisection, lookups)."""

    def __init__(
        self,
        transport: Transport,
        results: list[DeliveryResult | None],
        stats: DeliveryStats,
        lookup: Callable[[str], dict[str, Any] | None],
        max_bytes: int,
        *,
        probe: Callable[[], None] | None = None,
    ) -> None:
        self._transport = transport
        self._max_bytes = max_bytes
        self._results = results
        self._stats = stats
        self._lookup = lookup
        self._probe = probe
        self._probed = False
        #: The LRS stored something in this delivery: its refusals are about statements.
        self.stored = False
        self._url = transport.endpoint.url("statements")
        total = sum(1 for r in results if r is None)
        self._server_error_budget = 2 * math.ceil(math.log2(total + 1)) + 2

    def post(self, chunk: Chunk, *, known_bad: bool = False, looked_up: bool = False) -> bool:
        """Deliver ``chunk``; True when it went through whole in one request.

        ``looked_up``: the chunk is what remained after a 409's lookups, so
        another 409 is bisected instead of looked up again.
        """
        if known_bad and len(chunk) > 1:
            self._stats.bisections += 1
            self._halves(chunk)
            return False
        body = batch_body([statement for _, statement in chunk])
        if len(body) > self._max_bytes and len(chunk) > 1:
            middle = len(chunk) // 2
            self.post(chunk[:middle])
            self.post(chunk[middle:])
            return False
        try:
            response = self._transport.request(
                "POST", self._url, data=body, headers=JSON, ok=BISECT | {413, 500}
            )
        except (AuthError, NotFound):
            raise
        except (TransportError, HTTPStatusError) as error:
            status = error.status if isinstance(error, HTTPStatusError) else None
            self._mark(chunk, Outcome.FAILED, str(error), status)
            return False
        status = response.status_code
        if status < 300:
            self.stored = True
            self._mark(chunk, Outcome.STORED, "", status)
            return True
        if status in REFUSED:
            self._check_connection(status, lrs_message(response))
        if len(chunk) == 1:
            self._single(chunk[0], status, lrs_message(response))
            return False
        if status == 409 and not looked_up:
            first = self._stored_first(chunk)
            if first is not None:
                said = lrs_message(response)
                self._results[chunk[0][0]] = self._compared(chunk[0][1], first, said)
                self._settle_conflicts(chunk[1:], said)
                return False
        if status == 413:
            self._stats.splits_413 += 1
            middle = len(chunk) // 2
            self.post(chunk[:middle])
            self.post(chunk[middle:])
            return False
        if status == 500:
            if self._server_error_budget <= 0:
                self._mark(chunk, Outcome.FAILED, _server_error(response), 500)
                return False
            self._server_error_budget -= 2
        self._stats.bisections += 1
        self._halves(chunk)
        return False

    def _check_connection(self, status: int, said: str) -> None:
        """Raise when a refusal is the connection's fault rather than a statement's."""
        if about_credentials(said):
            raise AuthError(status, said, method="POST", url=self._url)
        if self.stored or self._probed or self._probe is None:
            return
        self._probed = True
        try:
            self._probe()
        except AuthError:
            raise
        except HTTPStatusError as error:
            raise SetupError(
                error.status,
                f"the LRS refused our statements (HTTP {status}: {said or 'no reason given'}) "
                f"and a plain read as well (HTTP {error.status}: "
                f"{error.lrs_message or 'no reason given'}); check the credentials and "
                "the endpoint, no statement is at fault",
                method=error.method,
                url=error.url,
            ) from None

    def _stored_first(self, chunk: Chunk) -> dict[str, Any] | None:
        """The stored copy of the chunk's first statement, if the LRS holds it.

        Then the 409 is most likely a resend (the crash-recovery path) and
        per-id lookups settle it in n + 1 requests; otherwise one conflicting
        id among new statements is cheaper to find by bisection (about
        2*log2(n)) than by n lookups."""
        self._stats.lookups += 1
        try:
            return self._lookup(chunk[0][1].id)
        except (TransportError, HTTPStatusError):
            return None

    def _settle_conflicts(self, chunk: Chunk, said: str) -> None:
        """After a 409 on ``chunk``: settle the ids the LRS holds, POST the rest once."""
        remaining: list[tuple[int, Prepared]] = []
        for index, statement in chunk:
            self._stats.lookups += 1
            try:
                stored = self._lookup(statement.id)
            except (TransportError, HTTPStatusError) as error:
                self._results[index] = DeliveryResult(
                    statement.id,
                    Outcome.FAILED,
                    f"409 from the LRS, and reading the stored statement failed: {error}",
                    409,
                )
                continue
            if stored is None:
                remaining.append((index, statement))
            else:
                self._results[index] = self._compared(statement, stored, said)
        if remaining:
            self.post(remaining, looked_up=True)

    def _halves(self, chunk: Chunk) -> None:
        middle = len(chunk) // 2
        left_whole = self.post(chunk[:middle])
        self.post(chunk[middle:], known_bad=left_whole)

    def _single(self, item: tuple[int, Prepared], status: int, said: str) -> None:
        index, statement = item
        if status == 413:
            reason = f"too large for this LRS ({len(statement.body)} bytes): {said}".rstrip(": ")
            self._results[index] = DeliveryResult(statement.id, Outcome.REJECTED, reason, 413)
        elif status == 409:
            self._results[index] = self._resolve_conflict(statement, said)
        elif status >= 500:
            reason = f"the LRS failed on this statement (HTTP {status}): {said}".rstrip(": ")
            self._results[index] = DeliveryResult(statement.id, Outcome.FAILED, reason, status)
        else:
            self._results[index] = DeliveryResult(statement.id, Outcome.REJECTED, said, status)

    def _resolve_conflict(self, statement: Prepared, said: str) -> DeliveryResult:
        self._stats.lookups += 1
        try:
            stored = self._lookup(statement.id)
        except (TransportError, HTTPStatusError) as error:
            return DeliveryResult(
                statement.id,
                Outcome.FAILED,
                f"409 from the LRS, and reading the stored statement failed: {error}",
                409,
            )
        return self._compared(statement, stored, said)

    @staticmethod
    def _compared(statement: Prepared, stored: dict[str, Any] | None, said: str) -> DeliveryResult:
        if stored is not None and same_statement(statement.statement, stored):
            return DeliveryResult(statement.id, Outcome.ALREADY_STORED, "", 409)
        reason = "conflict: the LRS holds a different statement with this id"
        if said:
            reason += f" ({said})"
        return DeliveryResult(statement.id, Outcome.REJECTED, reason, 409)

    def _mark(self, chunk: Chunk, outcome: Outcome, reason: str, status: int | None) -> None:
        for index, statement in chunk:
            self._results[index] = DeliveryResult(statement.id, outcome, reason, status)


def _hold_alike_refusals(results: list[DeliveryResult | None]) -> None:
    """Every statement sent refused with the same words, none stored: hold, do not park.

    Nothing shows the LRS accepts our writes at all (see the module docstring),
    so identical refusals of two or more different statements point at the
    connection, not at as many bad statements; they are reported ``failed``.
    """
    sent = [(i, r) for i, r in enumerate(results) if r is not None and r.http_status is not None]
    refused = [
        (i, r) for i, r in sent if r.outcome is Outcome.REJECTED and r.http_status in REFUSED
    ]
    if len(refused) < 2 or len(refused) != len(sent):
        return
    if len({(r.http_status, r.reason) for _, r in refused}) != 1:
        return
    first = refused[0][1]
    reason = (
        f"held, not parked: the LRS refused all {len(refused)} statements alike "
        f"(HTTP {first.http_status}: {first.reason or 'no reason given'}) and has not "
        "accepted any of ours yet, which points at the connection (credentials, endpoint, "
        "a proxy) rather than at each statement; they are sent again later"
    )
    for index, result in refused:
        results[index] = DeliveryResult(
            result.statement_id, Outcome.FAILED, reason, result.http_status
        )


def _server_error(response: Any) -> str:
    return f"the LRS failed (HTTP {response.status_code}): {lrs_message(response)}".rstrip(": ")
