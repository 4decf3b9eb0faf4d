"""Health figures for the delivery and sync view, per LRS.

Read-only, a handful of aggregate queries: cheap enough to run on every
page view or ``leaderled outbox status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.models.outbox import DeliveryEvent, DeliveryEventKind, OutboxRow, OutboxState
from plugin.models.sync import SyncCursor
from plugin.services.outbox import now_ms


@dataclass(frozen=True)
class ParkedReason:
    reason: str
    count: int


@dataclass
class LrsHealth:
    lrs: str
    pending: int = 0  # waiting, including those backing off
    claimed: int = 0  # being sent right now (or by a worker that died: lease pending)
    stored: int = 0
    parked: int = 0
    oldest_pending_seconds: float | None = None
    parked_reasons: list[ParkedReason] = field(default_factory=list)
    last_delivery_at: datetime | None = None
    last_sync_at: datetime | None = None
    # Set while a worker holds delivery because the LRS is down or refuses the connection.
    held_since: datetime | None = None
    held_reason: str | None = None

    @property
    def queue_depth(self) -> int:
        """Statements not yet in the LRS and not parked."""
        return self.pending + self.claimed


def health(session: Session) -> list[LrsHealth]:
    """One entry per LRS that has outbox rows, events or a sync cursor."""
    by_lrs: dict[str, LrsHealth] = {}

    def entry(lrs: str) -> LrsHealth:
        return by_lrs.setdefault(lrs, LrsHealth(lrs))

    counts = session.execute(
        select(OutboxRow.lrs, OutboxRow.state, func.count()).group_by(
            OutboxRow.lrs, OutboxRow.state
        )
    )
    for lrs, state, count in counts:
        setattr(entry(lrs), OutboxState(state).value, int(count))
    now = now_ms()
    oldest = session.execute(
        select(OutboxRow.lrs, func.min(OutboxRow.created_at))
        .where(OutboxRow.state.in_([OutboxState.PENDING, OutboxState.CLAIMED]))
        .group_by(OutboxRow.lrs)
    )
    for lrs, created in oldest:
        if created is not None:
            entry(lrs).oldest_pending_seconds = max(0.0, now / 1000 - _epoch(created))
    reasons = session.execute(
        select(OutboxRow.lrs, OutboxRow.last_error, func.count())
        .where(OutboxRow.state == OutboxState.PARKED)
        .group_by(OutboxRow.lrs, OutboxRow.last_error)
        .order_by(func.count().desc())
    )
    for lrs, reason, count in reasons:
        entry(lrs).parked_reasons.append(ParkedReason(reason or "", int(count)))
    delivered = session.execute(
        select(DeliveryEvent.lrs, func.max(DeliveryEvent.at))
        .where(DeliveryEvent.kind == DeliveryEventKind.DELIVERED)
        .group_by(DeliveryEvent.lrs)
    )
    for lrs, at in delivered:
        entry(lrs).last_delivery_at = at
    _held(session, entry)
    synced = session.execute(
        select(SyncCursor.lrs, func.max(SyncCursor.last_success_at)).group_by(SyncCursor.lrs)
    )
    for lrs, at in synced:
        entry(lrs).last_sync_at = at
    return [by_lrs[name] for name in sorted(by_lrs)]


def _held(session: Session, entry: Callable[[str], LrsHealth]) -> None:
    """Held when the latest hold is newer than anything delivered or resumed since."""
    held = _latest(session, DeliveryEventKind.HELD)
    if not held:
        return
    flowing = _latest(session, DeliveryEventKind.RESUMED, DeliveryEventKind.DELIVERED)
    for lrs, at in held.items():
        since = flowing.get(lrs)
        if since is not None and since >= at:
            continue
        detail = session.scalar(
            select(DeliveryEvent.detail)
            .where(
                DeliveryEvent.lrs == lrs,
                DeliveryEvent.kind == DeliveryEventKind.HELD,
                DeliveryEvent.at == at,
            )
            .limit(1)
        )
        figures = entry(lrs)
        figures.held_since, figures.held_reason = at, detail or ""


def _latest(session: Session, *kinds: DeliveryEventKind) -> dict[str, datetime]:
    """Per LRS, when an event of one of ``kinds`` last happened."""
    latest: dict[str, datetime] = {}
    for lrs, at in session.execute(
        select(DeliveryEvent.lrs, func.max(DeliveryEvent.at))
        .where(DeliveryEvent.kind.in_(kinds))
        .group_by(DeliveryEvent.lrs)
    ):
        latest[lrs] = at
    return latest


def _epoch(moment: datetime) -> float:
    """Seconds since the epoch; SQLite hands back naive datetimes that were stored as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
