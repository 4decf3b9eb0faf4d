"""The delivery worker: outbox rows to the LRS, each exactly once.

A worker claims due rows with a lease (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so any number of workers take disjoint rows), commits the claim,
sends the batch, then marks each row by what the LRS said: stored, parked
with the LRS's reason, or back to pending with a per-row backoff. A worker
killed mid-batch leaves claimed rows whose lease runs out; the next claim
takes them again, and since ids and JSON are fixed, the resend is harmless.

An outage is the LRS's, not the rows': when a batch gets nowhere (the client
raises a connection or set-up error, or every statement failed) and a
plain read from the LRS fails too, the worker *holds*: the rows go back as
due now without a backoff of their own, nothing is parked, a ``held`` event
records why (``leaderled outbox status`` shows it), and the worker reads
from the LRS every few seconds (backing off to ``probe_max_seconds``, so an
LRS that is down is not hammered) until it answers; then delivery resumes
at once with whatever is due.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lrs_client.delivery import DeliveryResult, Outcome
from lrs_client.errors import LRSError
from plugin.db import Database
from plugin.models.outbox import DEFAULT_LRS, DeliveryEvent, DeliveryEventKind, OutboxRow
from plugin.models.outbox import OutboxState as S
from plugin.services.outbox import now_ms

log = logging.getLogger(__name__)

#: Longest LRS reason kept on a row.
MAX_REASON = 2000


class StatementSender(Protocol):
    """What the worker needs from an LRS client (``lrs_client.LRSClient`` has it)."""

    def deliver(self, statements: Sequence[str]) -> Sequence[DeliveryResult]: ...

    def probe(self) -> None:
        """Return when the LRS serves an authenticated read; raise ``LRSError`` otherwise."""


@dataclass(frozen=True)
class DeliveryOptions:
    lrs: str = DEFAULT_LRS
    batch_size: int = 200
    lease_seconds: float = 120.0
    poll_seconds: float = 1.0
    base_backoff_seconds: float = 1.0
    max_backoff_seconds: float = 900.0
    probe_min_seconds: float = 0.5
    probe_max_seconds: float = 5.0


@dataclass
class BatchOutcome:
    """What one claimed batch came to."""

    claimed: int = 0
    stored: int = 0
    parked: int = 0
    failed: int = 0
    held: bool = False  # the LRS is down or refuses the connection: nothing was settled
    reasons: list[str] = field(default_factory=list)


@dataclass
class Hold:
    """Why and since when delivery waits for the LRS, and when to read from it next."""

    reason: str
    since: float  # time.monotonic()
    interval: float
    next_probe: float
    reminded: float


def delivery_busy(database: Database, lrs: str = DEFAULT_LRS) -> bool:
    """True while a live delivery worker holds statements for ``lrs`` (a lease not run out).

    The sync gives way then. Rows merely due do not count: with no worker running,
    or one held by an outage, nothing would ever clear them.
    """
    with database.session_scope() as session:
        found = session.scalar(
            select(OutboxRow.id)
            .where(
                OutboxRow.lrs == lrs,
                OutboxRow.state == S.CLAIMED,
                OutboxRow.due_ms > now_ms(),  # a claimed row's due_ms is its lease expiry
            )
            .limit(1)
        )
    return found is not None


def new_owner() -> str:
    """A lease owner name a person can trace to a process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff_ms(attempts: int, options: DeliveryOptions, rng: random.Random) -> int:
    """Exponential per-row backoff with jitter: about base * 2^(attempts-1), capped."""
    ceiling = min(
        options.max_backoff_seconds, options.base_backoff_seconds * 2 ** max(0, attempts - 1)
    )
    return int(1000 * rng.uniform(ceiling / 2, ceiling))


class DeliveryWorker:
    """Claims, sends and settles batches of outbox rows for one LRS."""

    def __init__(
        self,
        database: Database,
        sender: StatementSender,
        options: DeliveryOptions | None = None,
        *,
        owner: str | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.database = database
        self.sender = sender
        self.options = options or DeliveryOptions()
        self.owner = owner or new_owner()
        self.stop = stop or threading.Event()
        self.hold: Hold | None = None
        self._rng = random.Random()  # noqa: S311 - jitter, not crypto

    # -- claiming ---------------------------------------------------------

    def claim(self) -> list[tuple[int, str]]:
        """Lease up to ``batch_size`` due rows; returns (row id, statement JSON)."""
        opts = self.options
        now = now_ms()
        lease_until = now + int(opts.lease_seconds * 1000)
        with self.database.session_scope() as session:
            # A claimed row's ``due_ms`` is its lease expiry, so one indexed
            # range finds both due pending rows and rows of a dead worker.
            query = (
                select(OutboxRow.id, OutboxRow.statement_json)
                .where(
                    OutboxRow.lrs == opts.lrs,
                    OutboxRow.state.in_([S.PENDING, S.CLAIMED]),
                    OutboxRow.due_ms <= now,
                )
                .order_by(OutboxRow.due_ms, OutboxRow.id)
                .limit(opts.batch_size)
            )
            if not self.database.is_sqlite:
                query = query.with_for_update(skip_locked=True, of=OutboxRow)
            rows = [(row_id, text) for row_id, text in session.execute(query)]
            if rows:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_([row_id for row_id, _ in rows]))
                    .values(
                        state=S.CLAIMED,
                        lease_owner=self.owner,
                        lease_until_ms=lease_until,
                        due_ms=lease_until,
                        attempts=OutboxRow.attempts + 1,
                    )
                )
        return rows

    # -- one batch --------------------------------------------------------

    def run_once(self) -> BatchOutcome:
        """Claim one batch, send it, settle every row. Returns what happened.

        While held, only reads from the LRS when a probe is due, and claims
        nothing until the LRS answers.
        """
        if self.hold is not None and not self._resumed():
            return BatchOutcome(held=True)
        rows = self.claim()
        outcome = BatchOutcome(claimed=len(rows))
        if not rows:
            return outcome
        ids = [row_id for row_id, _ in rows]
        try:
            results = list(self.sender.deliver([text for _, text in rows]))
        except LRSError as error:
            # Not about any statement: the connection or the set-up (credentials, endpoint).
            self._hold_rows(ids, str(error), getattr(error, "status", None))
            outcome.failed, outcome.held = len(rows), True
            return outcome
        except BaseException:
            self.release(ids)
            raise
        if len(results) != len(rows):
            self.release(ids)
            raise RuntimeError("the LRS client returned a result count that differs from input")
        if all(r.outcome is Outcome.FAILED for r in results):
            problem = self._probe()
            if problem is not None:
                first = results[0]
                self._hold_rows(ids, first.reason or problem, first.http_status)
                outcome.failed, outcome.held = len(rows), True
                return outcome
        self._settle(ids, results, outcome)
        return outcome

    # -- holding while the LRS is down --------------------------------------

    def _probe(self) -> str | None:
        """None when the LRS serves a read now, else what went wrong."""
        try:
            self.sender.probe()
        except LRSError as error:
            return str(error)
        return None

    def _hold_rows(self, ids: Sequence[int], reason: str, status: int | None) -> None:
        """Give the rows back as due now, unpunished, and hold until the LRS answers."""
        with self.database.session_scope() as session:
            session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(list(ids)),
                    OutboxRow.state == S.CLAIMED,
                    OutboxRow.lease_owner == self.owner,
                )
                .values(
                    state=S.PENDING,
                    lease_owner=None,
                    lease_until_ms=None,
                    due_ms=now_ms(),
                    attempts=OutboxRow.attempts - 1,
                    last_error=reason[:MAX_REASON],
                    last_status=status,
                )
            )
        if self.hold is not None:
            return
        now = time.monotonic()
        first = self.options.probe_min_seconds
        self.hold = Hold(reason, now, first, now + first, now)
        self._event(DeliveryEventKind.HELD, len(ids), reason)
        log.warning(
            "delivery to LRS %r held: %s. Nothing is parked; the worker reads from the LRS "
            "every %.0f s at most and resumes as soon as it answers.",
            self.options.lrs,
            reason,
            self.options.probe_max_seconds,
        )

    def _resumed(self) -> bool:
        """Probe when one is due; True (and no longer held) once the LRS answers."""
        hold = self.hold
        assert hold is not None
        now = time.monotonic()
        if now < hold.next_probe:
            return False
        problem = self._probe()
        if problem is not None:
            hold.interval = min(self.options.probe_max_seconds, hold.interval * 2)
            hold.next_probe = time.monotonic() + hold.interval * self._rng.uniform(0.8, 1.0)
            if now - hold.reminded >= 300:
                hold.reminded = now
                log.warning(
                    "delivery to LRS %r still held after %.0f s: %s",
                    self.options.lrs,
                    now - hold.since,
                    problem,
                )
            return False
        held_for = now - hold.since
        self.hold = None
        self._event(DeliveryEventKind.RESUMED, 0, f"held for {held_for:.0f} s")
        log.warning(
            "LRS %r answers again after %.0f s; delivery resumes", self.options.lrs, held_for
        )
        return True

    def idle_seconds(self) -> float:
        """How long the loop may sleep before there can be work (or a probe) again."""
        poll = self.options.poll_seconds
        if self.hold is None:
            return poll
        return max(0.0, min(poll, self.hold.next_probe - time.monotonic()))

    def _event(self, kind: DeliveryEventKind, count: int, detail: str | None) -> None:
        with self.database.session_scope() as session:
            session.add(
                DeliveryEvent(
                    lrs=self.options.lrs,
                    kind=kind,
                    count=count,
                    detail=detail[:MAX_REASON] if detail else None,
                )
            )

    def _settle(self, ids: list[int], results: list[DeliveryResult], outcome: BatchOutcome) -> None:
        stored = [i for i, r in zip(ids, results, strict=True) if r.delivered]
        parked = [
            (i, r) for i, r in zip(ids, results, strict=True) if r.outcome is Outcome.REJECTED
        ]
        failed = [(i, r) for i, r in zip(ids, results, strict=True) if r.outcome is Outcome.FAILED]
        now = now_ms()
        with self.database.session_scope() as session:
            if stored:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(stored))
                    .values(
                        state=S.STORED,
                        lease_owner=None,
                        lease_until_ms=None,
                        last_error=None,
                        stored_at=datetime.now(UTC),
                    )
                )
                session.add(
                    DeliveryEvent(
                        lrs=self.options.lrs, kind=DeliveryEventKind.DELIVERED, count=len(stored)
                    )
                )
            for row_id, result in parked:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == row_id, OutboxRow.state == S.CLAIMED)
                    .values(
                        state=S.PARKED,
                        lease_owner=None,
                        lease_until_ms=None,
                        last_error=(result.reason or "rejected by the LRS")[:MAX_REASON],
                        last_status=result.http_status,
                    )
                )
            if parked:
                session.add(
                    DeliveryEvent(
                        lrs=self.options.lrs,
                        kind=DeliveryEventKind.PARKED,
                        count=len(parked),
                        detail=parked[0][1].reason[:MAX_REASON],
                    )
                )
            if failed:
                self._back_off(session, failed, now)
                session.add(
                    DeliveryEvent(
                        lrs=self.options.lrs,
                        kind=DeliveryEventKind.FAILED,
                        count=len(failed),
                        detail=failed[0][1].reason[:MAX_REASON],
                    )
                )
        outcome.stored, outcome.parked, outcome.failed = len(stored), len(parked), len(failed)
        if parked:
            log.warning(
                "LRS %r rejected %d statements; parked (see `leaderled outbox parked`): %s",
                self.options.lrs,
                len(parked),
                parked[0][1].reason,
            )
        if failed:
            log.warning(
                "%d statements not delivered to LRS %r, retried later: %s",
                len(failed),
                self.options.lrs,
                failed[0][1].reason,
            )
        outcome.reasons = [r.reason for _, r in parked]

    def _back_off(
        self, session: Session, failed: list[tuple[int, DeliveryResult]], now: int
    ) -> None:
        """Back to pending, due later; rows with the same attempt count share one UPDATE."""
        reasons = dict(failed)
        attempts = session.execute(
            select(OutboxRow.id, OutboxRow.attempts).where(OutboxRow.id.in_(list(reasons)))
        )
        groups: dict[tuple[int, str, int | None], list[int]] = {}
        for row_id, tries in attempts:
            result = reasons[row_id]
            groups.setdefault((tries, result.reason, result.http_status), []).append(row_id)
        for (tries, reason, status), ids in groups.items():
            session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(ids),
                    OutboxRow.state == S.CLAIMED,
                    OutboxRow.lease_owner == self.owner,
                )
                .values(
                    state=S.PENDING,
                    lease_owner=None,
                    lease_until_ms=None,
                    due_ms=now + backoff_ms(tries, self.options, self._rng),
                    last_error=reason[:MAX_REASON],
                    last_status=status,
                )
            )

    def release(self, ids: Sequence[int] | None = None) -> int:
        """Give back rows this worker holds (all of them when ``ids`` is None)."""
        with self.database.session_scope() as session:
            query = update(OutboxRow).where(
                OutboxRow.state == S.CLAIMED, OutboxRow.lease_owner == self.owner
            )
            if ids is not None:
                query = query.where(OutboxRow.id.in_(ids))
            result = session.execute(
                query.values(
                    state=S.PENDING, lease_owner=None, lease_until_ms=None, due_ms=now_ms()
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- the loop ---------------------------------------------------------

    def run(self, *, until_empty: bool = False) -> int:
        """Deliver until ``stop`` is set (or, with ``until_empty``, nothing is due).

        Returns the number of statements stored. A stop request lets the
        current batch finish and then releases this worker's leases.
        """
        total = 0
        try:
            while not self.stop.is_set():
                batch = self.run_once()
                total += batch.stored
                if batch.claimed and not batch.held:
                    continue
                if until_empty:
                    break
                self.stop.wait(self.idle_seconds())
        finally:
            self.release()
        return total
